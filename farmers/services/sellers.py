"""Writes for sellers: registration with consent, claiming by a verified mobile, edits and the
payout account. Run inside the county's schema; every service takes and checks the `actor`."""

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import mobile_normalize
from core.errors import ApplicationError, full_clean_or_refuse
from core.roles import county_operator_check
from core.updates import model_update
from farmers.models import Seller
from farmers.permissions import can_act_for_seller, can_help_at_counter
from farmers.services.common import MSG_NOT_FOR_THIS_SELLER

MSG_MOBILE_TAKEN = _("手机号码 %(mobile)s 已登记为卖家。")
MSG_USER_ALREADY_SELLER = _("这个账号已经是卖家“%(name)s”。")
MSG_SELF_CONSENT_NEEDS_OWN_ACCOUNT = _("“本人在手机上同意”只能由卖家本人的账号登记。")
MSG_BANK_ACCOUNT_FORMAT = _("银行卡号应为12到19位数字。")
MSG_BANK_NAME_REQUIRED = _("填写银行卡号时请同时填写开户银行。")

SELLER_EDITABLE_FIELDS = ("kind", "name", "village")
SELLER_OPERATOR_FIELDS = ("id_verification", "registered_by_point")

BANK_ACCOUNT_RE = re.compile(r"^[0-9]{12,19}\Z")


def _bank_last4(*, bank_name: str, bank_account_number: str) -> str:
    number = re.sub(r"[\s-]", "", bank_account_number or "")
    if not number:
        return ""
    if not BANK_ACCOUNT_RE.match(number):
        raise ApplicationError(MSG_BANK_ACCOUNT_FORMAT, field="bank_account_number")
    if not bank_name.strip():
        raise ApplicationError(MSG_BANK_NAME_REQUIRED, field="bank_name")
    return number[-4:]


@transaction.atomic
def seller_claim_by_verified_mobile(*, user, mobile: str) -> Seller | None:
    """A user who proved with an SMS code that they hold `mobile` becomes that seller's login
    (a seller registered by an operator, a clerk or an import has none yet) and the seller's
    mobile counts as verified. Returns the seller, or None when no seller can be claimed: no
    seller has that number, it is not the user's own number, or another account has it."""
    if not user.is_authenticated or not mobile or user.mobile != mobile:
        return None
    seller = Seller.objects.select_for_update().filter(mobile=mobile).first()
    if seller is None or (seller.user_id is not None and seller.user_id != user.pk):
        return None
    changed = []
    if seller.user_id is None:
        seller.user = user
        changed.append("user")
    if seller.mobile_verified_at is None:
        seller.mobile_verified_at = timezone.now()
        changed.append("mobile_verified_at")
    if changed:
        seller.full_clean()
        seller.save(update_fields=[*changed, "updated_at"])
    return seller


@transaction.atomic
def seller_register(
    *,
    actor,
    kind: str,
    name: str,
    mobile: str,
    consent_method: str,
    village: str = "",
    user=None,
    registered_by_point=None,
    bank_name: str = "",
    bank_account_number: str = "",
    mobile_verified_at=None,
) -> Seller:
    """Register a seller with their consent: on their own phone (actor is their own account,
    `user`), or on their behalf at a service point or on a paper form (actor is a county
    operator, or someone helping `user` at a counter such as a clerk of a point that serves
    them, farmers.permissions.can_help_at_counter; recorded as who took the consent).

    Only the last 4 digits of `bank_account_number` are kept (see Seller's docstring).
    """
    if consent_method == Seller.ConsentMethod.SELF_ON_PHONE:
        if user is None or actor is None or actor.pk != user.pk or not actor.is_active:
            raise ApplicationError(MSG_SELF_CONSENT_NEEDS_OWN_ACCOUNT, field="consent_method")
        recorded_by = None
    else:
        if user is None or not can_help_at_counter(actor, seller_user_id=user.pk):
            county_operator_check(actor)
        recorded_by = actor
    # One number, one form (ASCII digits; full-width folded): as the SMS login stores it.
    mobile = mobile_normalize(mobile=mobile)
    if Seller.objects.filter(mobile=mobile).exists():
        raise ApplicationError(MSG_MOBILE_TAKEN % {"mobile": mobile}, field="mobile")
    if user is not None:
        existing = Seller.objects.filter(user=user).first()
        if existing is not None:
            raise ApplicationError(MSG_USER_ALREADY_SELLER % {"name": existing.name}, field="user")
    last4 = _bank_last4(bank_name=bank_name, bank_account_number=bank_account_number)
    seller = Seller(
        kind=kind,
        name=name.strip(),
        mobile=mobile,
        mobile_verified_at=mobile_verified_at,
        village=village.strip(),
        bank_name=bank_name.strip() if last4 else "",
        bank_account_last4=last4,
        registered_by_point=registered_by_point,
        consented_at=timezone.now(),
        consent_method=consent_method,
        consent_recorded_by=recorded_by,
        user=user,
    )
    full_clean_or_refuse(seller)
    seller.save()
    return seller


@transaction.atomic
def seller_update(*, actor, seller: Seller, **changes) -> Seller:
    """Change a seller's name, kind or village (the seller or an operator); ID verification
    and registering service point (operators only). The mobile number changes only through
    SMS verification, the bank account through seller_bank_account_set."""

    def check(locked: Seller) -> None:
        if not can_act_for_seller(actor, locked):
            raise ApplicationError(MSG_NOT_FOR_THIS_SELLER)
        if set(changes) & set(SELLER_OPERATOR_FIELDS):
            county_operator_check(actor)

    saved, _changed = model_update(
        instance=seller,
        fields=(*SELLER_EDITABLE_FIELDS, *SELLER_OPERATOR_FIELDS),
        data=changes,
        check=check,
    )
    return saved


@transaction.atomic
def seller_bank_account_set(
    *, actor, seller: Seller, bank_name: str, bank_account_number: str
) -> Seller:
    """Replace the payout account; only its bank name and last 4 digits are stored."""
    locked = Seller.objects.select_for_update().get(pk=seller.pk)
    if not can_act_for_seller(actor, locked):
        raise ApplicationError(MSG_NOT_FOR_THIS_SELLER)
    last4 = _bank_last4(bank_name=bank_name, bank_account_number=bank_account_number)
    locked.bank_name = bank_name.strip() if last4 else ""
    locked.bank_account_last4 = last4
    full_clean_or_refuse(locked)
    locked.save(update_fields=["bank_name", "bank_account_last4", "updated_at"])
    return locked
