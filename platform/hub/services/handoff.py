"""Hand-off into a county: a province operator opens any county's admin through a signed,
single-use link valid for a minute, which signs them in there as a county operator.

- `county_handoff_start` (hub host, public schema): checks the actor, logs a `CountyHandOff`
  row, returns the county URL `/admin/handoff/<token>/`.
- `county_handoff_redeem` (the county's host, its schema): checks the token, marks the row
  used, returns the county account to sign in.

The token is `django.core.signing` (timestamped, salted) over the row's id and a random nonce:
it cannot be forged without SECRET_KEY, and the row makes it single-use and names the county.
County users never get a province account: the hand-off only goes from public to a county.
"""

import secrets
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name, schema_context

from accounts.services import user_province_operator_ensure
from core.errors import ApplicationError, full_clean_or_refuse
from hub.models import County, CountyHandOff
from hub.selectors import county_primary_domain

HANDOFF_LIFETIME = timedelta(seconds=60)
HANDOFF_SALT = "hub.county_handoff"
HANDOFF_PERMISSION = "hub.enter_county_admin"
HANDOFF_PATH = "/admin/handoff/%(token)s/"

MSG_NOT_PROVINCE_OPERATOR = _("只有省级运营人员可以进入县后台。")
MSG_COUNTY_SUSPENDED = _("该县已暂停运营，不能进入其后台。")
MSG_COUNTY_NO_DOMAIN = _("该县还没有主域名，不能进入其后台。")
MSG_TOKEN_INVALID = _("进入链接无效，请回到省级后台重新点击“进入县后台”。")
MSG_TOKEN_EXPIRED = _("进入链接已过期（有效期1分钟），请回到省级后台重新点击“进入县后台”。")
MSG_TOKEN_USED = _("进入链接已经用过，每个链接只能用一次。请回到省级后台重新点击“进入县后台”。")
MSG_WRONG_COUNTY = _("这个进入链接不是给本县的。")


class HandOffRefusedError(ApplicationError):
    """A refused hand-off, with the HTTP status the county's page answers with."""

    def __init__(self, message, *, status: int = 400):
        super().__init__(message)
        self.status = status


def is_province_operator(user) -> bool:
    """Province staff (public schema) allowed into county admins: active staff with the
    permission `hub.enter_county_admin` (superusers have every permission)."""
    return bool(
        user is not None and user.is_active and user.is_staff and user.has_perm(HANDOFF_PERMISSION)
    )


def _county_url(*, county: County, token: str, scheme: str, port: str | None) -> str:
    domain = county_primary_domain(county)
    if not domain:
        raise ApplicationError(MSG_COUNTY_NO_DOMAIN)
    suffix = "" if not port or str(port) in ("80", "443") else f":{port}"
    return f"{scheme}://{domain}{suffix}" + HANDOFF_PATH % {"token": token}


def county_handoff_token(*, handoff: CountyHandOff) -> str:
    return signing.dumps({"h": handoff.pk, "n": handoff.nonce}, salt=HANDOFF_SALT, compress=True)


@transaction.atomic
def county_handoff_start(
    *,
    actor,
    county: County,
    ip: str | None = None,
    scheme: str = "https",
    port: str | None = None,
    now: datetime | None = None,
) -> str:
    """Log a hand-off of `actor` (a public-schema user) into `county` and return the URL that
    signs them in there, valid for HANDOFF_LIFETIME and once. Call it in the public schema,
    from the hub host (scheme and port are the hub request's: counties share them)."""
    if not is_province_operator(actor):
        raise ApplicationError(MSG_NOT_PROVINCE_OPERATOR)
    county = County.objects.counties().prefetch_related("domains").get(pk=county.pk)
    if not county.is_active:
        raise ApplicationError(MSG_COUNTY_SUSPENDED)
    handoff = CountyHandOff(
        actor=actor,
        actor_username=actor.get_username(),
        county=county,
        nonce=secrets.token_hex(16),
        created_at=now or timezone.now(),
        ip=ip,
    )
    full_clean_or_refuse(handoff)
    handoff.save()
    return _county_url(
        county=county, token=county_handoff_token(handoff=handoff), scheme=scheme, port=port
    )


def _token_read(token: str) -> tuple[int, str]:
    # max_age also bounds the signature's own timestamp; the row's created_at is checked below
    # with `now`, so the two agree in tests that pass a time.
    try:
        data = signing.loads(token, salt=HANDOFF_SALT, max_age=HANDOFF_LIFETIME)
    except signing.SignatureExpired as error:
        raise HandOffRefusedError(MSG_TOKEN_EXPIRED, status=410) from error
    except signing.BadSignature as error:
        raise HandOffRefusedError(MSG_TOKEN_INVALID) from error
    if not isinstance(data, dict):
        raise HandOffRefusedError(MSG_TOKEN_INVALID)
    handoff_id, nonce = data.get("h"), data.get("n")
    if type(handoff_id) is not int or not isinstance(nonce, str):
        raise HandOffRefusedError(MSG_TOKEN_INVALID)
    return handoff_id, nonce


@transaction.atomic
def county_handoff_redeem(
    *, token: str, county: County, ip: str | None = None, now: datetime | None = None
):
    """Spend a hand-off token on `county`'s host and return the county account to sign in
    (`province-<username>`, in the county operator group). Call it in the county's schema.

    Refused, changing nothing: a bad or tampered signature, a token older than a minute, a
    token already used, a token for another county, a suspended county, an actor who is no
    longer a province operator. A token shown on the wrong county's host stays usable on its
    own county's host.
    """
    now = now or timezone.now()
    handoff_id, nonce = _token_read(token)
    # The log and the province's users are in public; the county's schema has a user table of
    # its own under the same name, so nothing here may be read through the county's path.
    with schema_context(get_public_schema_name()):
        handoff = (
            CountyHandOff.objects.select_related("actor", "county")
            .filter(pk=handoff_id, nonce=nonce)
            .first()
        )
        if handoff is None:
            raise HandOffRefusedError(MSG_TOKEN_INVALID)
        if handoff.county_id != county.pk:
            raise HandOffRefusedError(MSG_WRONG_COUNTY, status=403)
        if not handoff.county.is_active:
            raise HandOffRefusedError(MSG_COUNTY_SUSPENDED, status=403)
        if handoff.used_at is not None:
            raise HandOffRefusedError(MSG_TOKEN_USED, status=410)
        if not handoff.created_at <= now <= handoff.created_at + HANDOFF_LIFETIME:
            raise HandOffRefusedError(MSG_TOKEN_EXPIRED, status=410)
        actor = handoff.actor
        if not is_province_operator(actor):
            raise HandOffRefusedError(MSG_NOT_PROVINCE_OPERATOR, status=403)
        # The one guard against two uses at once: only one UPDATE finds the row unused.
        spent = CountyHandOff.objects.filter(pk=handoff.pk, used_at__isnull=True).update(
            used_at=now, used_ip=ip
        )
        if spent != 1:
            raise HandOffRefusedError(MSG_TOKEN_USED, status=410)
        username, full_name = actor.get_username(), actor.get_full_name()
    return user_province_operator_ensure(province_username=username, full_name=full_name)
