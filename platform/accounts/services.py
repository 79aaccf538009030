"""Writes for users, in whichever schema is current (a county's, or public for province staff).

Phone login (sellers and residents): sms_code_request sends a 6-digit code by SMS,
sms_code_verify spends it and returns the county's user for that mobile. Staff sign in with a
password in the Wagtail admin instead.
"""

import hmac
import io
import re
import secrets
import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, UnidentifiedImageError

from accounts.models import Consent, SharingRecord, SmsCode, SmsOutbox, User
from accounts.privacy import PLATFORM_NOTICE_CURRENT, PLATFORM_NOTICES, purpose_notice
from accounts.selectors import consent_current, sms_code_request_wait_seconds
from accounts.sms import SmsBackendError, sms_backend_get
from core.county_tasks import task_queue
from core.errors import ApplicationError, full_clean_or_refuse
from core.roles import COUNTY_OPERATORS_GROUP

MOBILE_INVALID = _("请输入11位中国大陆手机号码。")
SMS_THROTTLED = _("验证码发送过于频繁，请 %(seconds)s 秒后再试。")
SMS_CODE_MISSING = _("请先获取短信验证码。")
SMS_CODE_WRONG = _("验证码不正确，还可以再试 %(remaining)s 次。")
SMS_CODE_EXPIRED = _("验证码已过期，请重新获取。")
SMS_CODE_USED = _("验证码已使用，请重新获取。")
SMS_CODE_TOO_MANY_ATTEMPTS = _("验证码错误次数过多，已失效，请重新获取。")
USER_INACTIVE = _("该账户已停用，请联系县运营人员。")
STAFF_USE_PASSWORD = _("工作人员请在管理后台使用密码登录。")
# Sent in Chinese whatever the page language: providers in China only deliver pre-approved
# Chinese templates.
CONSENT_NOTICE_UNKNOWN = _("没有这个版本的告知书。")
CONSENT_SELF_ONLY = _("“本人在线同意”只能由本人的账号记录。")
CONSENT_RECORDER_NEEDED = _("代为记录的同意必须写明记录人。")
CONSENT_CONFIRMED_MOBILE_NEEDED = _("短信验证的同意必须写明验证码发到的手机号。")
CONSENT_PROXY_NEEDED = _("请填写代收验证码的家人手机号和与村民的关系。")
CONSENT_PHOTO_NEEDED = _("请拍下村民签字的纸质同意书。")
CONSENT_PHOTO_INVALID = _("同意书照片无法识别，请重新拍摄。")
CONSENT_ALREADY_REVOKED = _("这条同意记录已经撤回。")
CONSENT_PURPOSE_UNKNOWN = _("没有这个同意事项。")
CONSENT_EXPLANATION_NEEDED = _("代为记录同意时，请写下您向本人讲解的内容。")
CONSENT_ALREADY_GIVEN = _("您已经同意过这一项。")
CONSENT_NOT_FOUND = _("没有找到这条同意记录。")
CONSENT_ASSISTED_OWN_CODE = _("这一项只能由本人同意：请让本人读出发到其本人手机的验证码。")
SHARING_NO_CONSENT = _("%(name)s 没有有效的“%(purpose)s”同意，不能向 %(recipient)s 提供数据。")
USER_NAME_REQUIRED = _("请填写村民姓名。")
SMS_LOGIN_TEXT = _("【丰收】您的登录验证码是 %(code)s，%(minutes)s 分钟内有效，请勿告诉他人。")

SMS_CODE_LIFETIME = timedelta(minutes=5)
SMS_CODE_MAX_ATTEMPTS = 5
SMS_CODE_DIGITS = 6

# [0-9], not \d: \d also matches other scripts' digits, which no SMS gateway takes and which
# would make a second account for the same number.
MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")
# What people type around the number: spaces, dashes, dots and a +86 / 0086 country prefix.
MOBILE_NOISE = re.compile(r"[\s\-.()]")
MOBILE_COUNTRY_PREFIX = re.compile(r"^(?:\+?86|0086)(?=1[0-9]{10}$)")
# Chinese input methods often type full-width forms (１３７, ＋８６, the ideographic space):
# the same number, folded to ASCII before the check. Nothing else is folded: other scripts'
# digits (Arabic-Indic ١٣٧ ...) and look-alikes (①, ¹) stay refused.
MOBILE_FULLWIDTH = str.maketrans(
    {**{0xFF10 + digit: str(digit) for digit in range(10)}, 0xFF0B: "+", 0xFF0D: "-",
     0xFF0E: ".", 0xFF08: "(", 0xFF09: ")", 0x3000: " "}
)  # fmt: skip


class SmsThrottledError(ApplicationError):
    """A refusal that waiting fixes: views answer 429, with Retry-After when it is known."""

    def __init__(self, message, *, field: str | None = None, retry_after: int | None = None):
        super().__init__(message, field=field)
        self.retry_after = retry_after


@transaction.atomic
def user_create_county_operator(*, username: str, password: str) -> User:
    """Create (or reset the password of) a county operator in the current county schema."""
    user = User.objects.filter(username=username).first() or User(username=username)
    user.is_active = True
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=COUNTY_OPERATORS_GROUP))
    return user


PROVINCE_OPERATOR_PREFIX = "province-"


@transaction.atomic
def user_province_operator_ensure(*, province_username: str, full_name: str = "") -> User:
    """The county account a province operator's hand-off signs in (hub.services.handoff), in the
    current county schema: `province-<public username>`, a county operator, active.

    It never has a usable password: the only way in is a fresh hand-off, so any password set
    on it since (by a county superuser) is wiped again here.
    """
    username = f"{PROVINCE_OPERATOR_PREFIX}{province_username}"[:150]
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        user = User(username=username)
    user.is_active = True
    user.last_name = full_name[:150]
    if user.has_usable_password():
        user.set_unusable_password()
    full_clean_or_refuse(user)
    user.save()
    user.groups.add(Group.objects.get(name=COUNTY_OPERATORS_GROUP))
    return user


@transaction.atomic
def user_create_province_staff(*, username: str, password: str) -> User:
    """Create (or reset the password of) a province superuser in public."""
    user = User.objects.filter(username=username).first() or User(username=username)
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_province_staff_ensure(*, username: str, password: str) -> tuple[User, bool]:
    """The province superuser `username`, created with `password` if there is none; an
    existing account keeps its password (seed_demo on a live province must not reset it to
    the demo one). Returns (user, created)."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    return user_create_province_staff(username=username, password=password), True


@transaction.atomic
def user_county_operator_ensure(*, username: str, password: str) -> tuple[User, bool]:
    """A county operator `username` in the current county, created with `password` if there is
    none; an existing account keeps its password. Returns (user, created)."""
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, False
    return user_create_county_operator(username=username, password=password), True


@transaction.atomic
def user_create_resident(*, mobile: str) -> User:
    """A resident who signed in by SMS for the first time: no email, no usable password."""
    username, suffix = mobile, 1
    while User.objects.filter(username=username).exists():
        suffix += 1
        username = f"{mobile}-{suffix}"
    user = User(username=username, mobile=mobile)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_resident_get_or_create(*, mobile: str) -> User:
    """The county's user with this (normalised) mobile, or a new resident: never a second
    account for one number. Used by the SMS login and by a clerk's adding
    (service_points.services.clerk_add)."""
    return User.objects.filter(mobile=mobile).first() or user_create_resident(mobile=mobile)


@transaction.atomic
def user_create_resident_without_mobile(*, name: str) -> User:
    """A villager who has no phone, registered at a service point: known by name, no way to
    sign in (no mobile, no usable password). Every call makes a new account: with no number
    there is nothing to find them by, so the clerk searches the point's villagers first."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(USER_NAME_REQUIRED, field="name")
    user = User(username=f"nophone-{uuid.uuid4().hex[:12]}", first_name=name[:150])
    user.set_unusable_password()
    full_clean_or_refuse(user)
    user.save()
    return user


@transaction.atomic
def user_name_fill(*, user: User, name: str) -> User:
    """Give `user` a name if they have none yet (a villager registered by mobile); a name
    already there is the person's own and is kept."""
    name = (name or "").strip()
    if name and not user.first_name:
        user.first_name = name[:150]
        user.save(update_fields=["first_name"])
    return user


def mobile_normalize(*, mobile: str) -> str:
    """The 11-digit mainland mobile number in what was typed (ASCII digits; full-width forms
    folded to ASCII first), or MOBILE_INVALID."""
    folded = (mobile or "").translate(MOBILE_FULLWIDTH)
    cleaned = MOBILE_COUNTRY_PREFIX.sub("", MOBILE_NOISE.sub("", folded))
    if not MOBILE_PATTERN.fullmatch(cleaned):
        raise ApplicationError(MOBILE_INVALID, field="mobile")
    return cleaned


def _sms_code_hash(*, salt: str, mobile: str, code: str) -> str:
    # Keyed by SECRET_KEY: with only a database dump, a million guesses per row still need it.
    return salted_hmac(
        "accounts.SmsCode", f"{salt}:{mobile}:{code}", algorithm="sha256"
    ).hexdigest()


def _lock_mobile(mobile: str) -> None:
    """Serialise code requests for one mobile in this county until the transaction ends, so
    two simultaneous taps cannot both pass the throttle."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext('accounts.sms_code'), hashtext(%s))",
            [f"{connection.schema_name}:{mobile}"],
        )


def _sms_deliver_queue(*, outbox_id: int, schema_name: str) -> None:
    task_queue("accounts.tasks.sms_deliver", args=(outbox_id, schema_name), schema_name=schema_name)


def sms_send(*, mobile: str, text: str, now=None) -> SmsOutbox:
    """Record a text message for `mobile` in the current county's outbox and queue its
    delivery once the surrounding transaction commits (nothing is sent if it rolls back)."""
    outbox = SmsOutbox(mobile=mobile, text=text, created_at=now or timezone.now())
    outbox.full_clean()
    outbox.save()
    transaction.on_commit(
        partial(_sms_deliver_queue, outbox_id=outbox.pk, schema_name=connection.schema_name)
    )
    return outbox


def sms_code_send(
    *, mobile: str, purpose: str, text, ip: str | None, params: dict | None = None
) -> SmsCode:
    """Send a one-time code for `purpose` to `mobile` in the current county, unless a throttle
    says wait. `text` is the message, with %(code)s, %(minutes)s and `params` placeholders.

    Creates the SmsCode (hashed) and the SmsOutbox row, and queues sms_deliver once committed.
    """
    mobile = mobile_normalize(mobile=mobile)
    with transaction.atomic():
        _lock_mobile(mobile)
        now = timezone.now()
        wait = sms_code_request_wait_seconds(mobile=mobile, ip=ip, now=now, purpose=purpose)
        if wait:
            raise SmsThrottledError(
                SMS_THROTTLED % {"seconds": wait}, field="mobile", retry_after=wait
            )

        code = f"{secrets.randbelow(10**SMS_CODE_DIGITS):0{SMS_CODE_DIGITS}d}"
        salt = secrets.token_hex(16)
        sms_code = SmsCode(
            mobile=mobile,
            purpose=purpose,
            code_salt=salt,
            code_hash=_sms_code_hash(salt=salt, mobile=mobile, code=code),
            request_ip=ip or None,
            created_at=now,
            expires_at=now + SMS_CODE_LIFETIME,
        )
        sms_code.full_clean()
        sms_code.save()

        with translation.override(settings.LANGUAGE_CODE):
            minutes = int(SMS_CODE_LIFETIME.total_seconds() // 60)
            message = str(text % {**(params or {}), "code": code, "minutes": minutes})
        sms_send(mobile=mobile, text=message, now=now)
    return sms_code


def sms_code_request(*, mobile: str, ip: str | None) -> SmsCode:
    """Send a login code to `mobile` in the current county (sms_code_send)."""
    return sms_code_send(mobile=mobile, purpose=SmsCode.Purpose.LOGIN, text=SMS_LOGIN_TEXT, ip=ip)


def _user_may_sign_in_by_sms(user: User) -> str | None:
    """The refusal for this user, if any. Anyone who can reach an admin keeps to passwords:
    an SMS code must never be a way round an operator's password."""
    if not user.is_active:
        return USER_INACTIVE
    if user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        return STAFF_USE_PASSWORD
    return None


def sms_code_spend(*, mobile: str, code: str, purpose: str) -> SmsCode:
    """Spend the latest `purpose` code of `mobile` in the current county, or refuse.

    Only the latest code counts. It is refused once used, expired, or after
    SMS_CODE_MAX_ATTEMPTS wrong tries; wrong tries are counted even though the call raises
    (the count is committed before the refusal is raised), so call this outside any atomic
    block that the refusal would roll back. Returns the spent code.
    """
    mobile = mobile_normalize(mobile=mobile)
    code = (code or "").strip()
    refusal, throttled = None, False
    with transaction.atomic():
        sms_code = (
            SmsCode.objects.select_for_update()
            .filter(mobile=mobile, purpose=purpose)
            .order_by("-created_at", "-id")
            .first()
        )
        now = timezone.now()
        if sms_code is None:
            refusal = SMS_CODE_MISSING
        elif sms_code.used_at is not None:
            refusal = SMS_CODE_USED
        elif sms_code.attempts >= SMS_CODE_MAX_ATTEMPTS:
            refusal, throttled = SMS_CODE_TOO_MANY_ATTEMPTS, True
        elif sms_code.expires_at <= now:
            refusal = SMS_CODE_EXPIRED
        elif not hmac.compare_digest(
            sms_code.code_hash,
            _sms_code_hash(salt=sms_code.code_salt, mobile=mobile, code=code),
        ):
            sms_code.attempts += 1
            sms_code.save(update_fields=["attempts"])
            remaining = SMS_CODE_MAX_ATTEMPTS - sms_code.attempts
            if remaining > 0:
                refusal = SMS_CODE_WRONG % {"remaining": remaining}
            else:
                refusal, throttled = SMS_CODE_TOO_MANY_ATTEMPTS, True
        else:
            sms_code.used_at = now
            sms_code.save(update_fields=["used_at"])

    if throttled:
        raise SmsThrottledError(refusal, field="code")
    if refusal is not None:
        raise ApplicationError(refusal, field="code")
    return sms_code


def sms_code_verify(*, mobile: str, code: str) -> User:
    """Spend the latest login code of `mobile` (sms_code_spend) and return the county's user
    for it, creating a resident on first sign-in; refused for an inactive or staff account
    (the code is spent all the same)."""
    mobile = mobile_normalize(mobile=mobile)
    sms_code_spend(mobile=mobile, code=code, purpose=SmsCode.Purpose.LOGIN)
    user = user_resident_get_or_create(mobile=mobile)
    refusal = _user_may_sign_in_by_sms(user)
    if refusal is not None:
        raise ApplicationError(refusal, field="code")
    return user


def sms_outbox_deliver(*, outbox_id: int) -> SmsOutbox:
    """Send one outbox row through FENGSHOU_SMS_BACKEND, at most once.

    The row stays locked while the provider is called, so a redelivered task waits and then
    sees sent_at. A provider failure is recorded on the row and raised as SmsBackendError.
    """
    backend = sms_backend_get()
    failure = None
    with transaction.atomic():
        outbox = SmsOutbox.objects.select_for_update().get(pk=outbox_id)
        if outbox.sent_at is not None:
            return outbox
        outbox.backend = backend.path()
        try:
            backend.send(outbox.mobile, outbox.text)
        except Exception as exc:  # a provider SDK may raise anything; record it, then retry
            failure = exc
            outbox.status = SmsOutbox.Status.FAILED
            outbox.error = f"{type(exc).__name__}: {exc}"
        else:
            outbox.status = SmsOutbox.Status.SENT
            outbox.sent_at = timezone.now()
            outbox.error = ""
        outbox.full_clean()
        outbox.save()
    if failure is not None:
        raise SmsBackendError(outbox.error) from failure
    return outbox


# ------------------------------------------------------------------------------
# Consents
# ------------------------------------------------------------------------------
def _consent_photo_check(data: bytes) -> None:
    """The photo arrives normalised (an upright JPEG without metadata, made by the caller's
    photo pipeline); checked again here so the record never holds something not a picture."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ApplicationError(CONSENT_PHOTO_INVALID, field="photo") from error


@transaction.atomic
def consent_record(
    *,
    actor,
    user: User,
    method: str,
    purpose: str = Consent.Purpose.PLATFORM_PRIVACY,
    notice_version: str = PLATFORM_NOTICE_CURRENT,
    confirmed_mobile: str = "",
    proxy_mobile: str = "",
    proxy_relation: str = "",
    paper_photo: bytes | None = None,
    point_name: str = "",
    explanation: str = "",
    now=None,
) -> Consent:
    """Record that `user` agreed to `purpose` as worded in notice `notice_version`.

    Online (SELF_ONLINE) only by the person themselves; otherwise `actor` is who took the
    consent and is recorded as such. Whoever calls on someone's behalf has checked that
    `actor` may (service_points.services.villager_register checks the clerk and the SMS
    code). SMS_OWN and SMS_PROXY name the mobile the code went to; SMS_PROXY and PAPER keep
    the photo of the signed form, SMS_PROXY the proxy and their relation.
    """
    if purpose not in Consent.Purpose.values:
        raise ApplicationError(CONSENT_PURPOSE_UNKNOWN, field="purpose")
    if purpose == Consent.Purpose.PLATFORM_PRIVACY and notice_version not in PLATFORM_NOTICES:
        raise ApplicationError(CONSENT_NOTICE_UNKNOWN, field="notice_version")
    if (
        purpose != Consent.Purpose.PLATFORM_PRIVACY
        and purpose_notice(purpose, notice_version) is None
    ):
        raise ApplicationError(CONSENT_NOTICE_UNKNOWN, field="notice_version")
    explanation = (explanation or "").strip()
    if (
        purpose != Consent.Purpose.PLATFORM_PRIVACY
        and method != Consent.Method.SELF_ONLINE
        and not explanation
    ):
        raise ApplicationError(CONSENT_EXPLANATION_NEEDED, field="explanation")
    if method == Consent.Method.SELF_ONLINE:
        if actor is None or actor.pk != user.pk:
            raise ApplicationError(CONSENT_SELF_ONLY, field="method")
        recorded_by = None
    else:
        if actor is None or not actor.is_authenticated or not actor.is_active:
            raise ApplicationError(CONSENT_RECORDER_NEEDED, field="method")
        recorded_by = actor
    if method in (Consent.Method.SMS_OWN, Consent.Method.SMS_PROXY) and not confirmed_mobile:
        raise ApplicationError(CONSENT_CONFIRMED_MOBILE_NEEDED, field="mobile")
    proxy_relation = (proxy_relation or "").strip()
    if method == Consent.Method.SMS_PROXY and not (proxy_mobile and proxy_relation):
        raise ApplicationError(CONSENT_PROXY_NEEDED, field="proxy_mobile")
    if method in (Consent.Method.SMS_PROXY, Consent.Method.PAPER) and not paper_photo:
        raise ApplicationError(CONSENT_PHOTO_NEEDED, field="photo")
    consent = Consent(
        user=user,
        purpose=purpose,
        notice_version=notice_version,
        method=method,
        confirmed_mobile=confirmed_mobile,
        proxy_mobile=proxy_mobile if method == Consent.Method.SMS_PROXY else "",
        proxy_relation=proxy_relation if method == Consent.Method.SMS_PROXY else "",
        given_at=now or timezone.now(),
        recorded_by=recorded_by,
        recorded_at_point=(point_name or "").strip()[:128],
        explanation=explanation,
    )
    if paper_photo:
        _consent_photo_check(paper_photo)
        consent.paper_photo.save("form.jpg", ContentFile(paper_photo), save=False)
    try:
        full_clean_or_refuse(consent)
        consent.save()
    except Exception:
        # No row will point at the file: the transaction is rolled back.
        if consent.paper_photo:
            consent.paper_photo.delete(save=False)
        raise
    return consent


@transaction.atomic
def consent_revoke(*, actor, consent: Consent, now=None) -> Consent:
    """Withdraw a consent (the person themselves, or whoever records it for them: the
    caller checks). The record stays, with when and by whom it was withdrawn; nothing else
    of it ever changes."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.revoked_at is not None:
        raise ApplicationError(CONSENT_ALREADY_REVOKED)
    locked.revoked_at = now or timezone.now()
    locked.revoked_by = actor
    locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


STAFF_ONLY = _("只有用密码登录管理后台的账号可以开启双重验证。")


@transaction.atomic
def staff_totp_enable(*, user: User, name: str = "authenticator"):
    """Give a staff account a confirmed TOTP device (django-otp): from then on its password
    login also asks for the authenticator's code (accounts.forms.LockoutMixin). Replaces any
    device it had, so a lost phone is fixed by enabling again. Returns the device, whose
    config_url (otpauth://...) the authenticator app scans once."""
    # Staff are the accounts with a password (county operators are not is_staff: Wagtail's
    # permission lets them in); residents and hand-off accounts have none.
    if not user.has_usable_password():
        raise ApplicationError(STAFF_ONLY)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice(user=user, name=name[:64], confirmed=True)
    full_clean_or_refuse(device)
    device.save()
    return device


@transaction.atomic
def staff_totp_disable(*, user: User) -> int:
    """Back to the password alone; returns how many devices were removed."""
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    return removed


# ------------------------------------------------------------------------------
# The separate consents of issue 11 (sharing with the bank, SMS) and the sharing record
# ------------------------------------------------------------------------------
def _purpose_check(purpose: str) -> None:
    if purpose not in Consent.Purpose.values or purpose == Consent.Purpose.PLATFORM_PRIVACY:
        raise ApplicationError(CONSENT_PURPOSE_UNKNOWN, field="purpose")


@transaction.atomic
def consent_give_own(*, user: User, purpose: str, notice_version: str = "") -> Consent:
    """The person agrees, on their own account page, to `purpose` as worded in its current
    notice (or `notice_version`, the one the page showed: a page older than a new version
    is refused rather than recorded as agreeing to text never shown)."""
    _purpose_check(purpose)
    User.objects.select_for_update().filter(pk=user.pk).first()  # one consent per double tap
    if consent_current(user=user, purpose=purpose) is not None:
        raise ApplicationError(CONSENT_ALREADY_GIVEN, field="purpose")
    notice = purpose_notice(purpose, notice_version or None)
    if notice is None or (notice_version and notice.version != notice_version):
        raise ApplicationError(CONSENT_NOTICE_UNKNOWN, field="notice_version")
    if purpose_notice(purpose).version != notice.version:
        raise ApplicationError(CONSENT_NOTICE_UNKNOWN, field="notice_version")
    return consent_record(
        actor=user,
        user=user,
        method=Consent.Method.SELF_ONLINE,
        purpose=purpose,
        notice_version=notice.version,
    )


SMS_CONSENT_PURPOSE = _(
    "【丰收】%(point)s的店员请您同意：%(title)s。验证码 %(code)s，%(minutes)s 分钟内有效。"
    "把验证码告诉店员即表示同意；不同意不影响您使用平台，以后可在“我的账户”一键撤回。"
)


def consent_assisted_code_send(*, user: User, purpose: str, point_name: str, ip: str | None):
    """Text the person's OWN mobile a code that means "I agree to `purpose`", naming it (the
    clerk's console calls this, for a villager of the clerk's point). A proxy's phone is not
    offered: sharing data with a bank is the person's own decision."""
    _purpose_check(purpose)
    if not user.mobile:
        raise ApplicationError(CONSENT_ASSISTED_OWN_CODE, field="code")
    return sms_code_send(
        mobile=user.mobile,
        purpose=SmsCode.Purpose.CONSENT,
        text=SMS_CONSENT_PURPOSE,
        ip=ip,
        params={"point": point_name, "title": str(purpose_notice(purpose).title)},
    )


def consent_assisted_record(
    *, clerk: User, user: User, purpose: str, code: str, explanation: str, point_name: str
) -> Consent:
    """A consent to `purpose` taken at a service point: the clerk explained it (`explanation`
    is kept, in their words) and the person read out the code sent to THEIR OWN mobile
    (purpose "consent"). A clerk can never consent for someone: without the person's own
    code nothing is recorded; a proxy's phone does not do for sharing data with a bank.

    Not inside a caller's transaction: a wrong code is counted and committed (sms_code_spend)."""
    _purpose_check(purpose)
    if not (explanation or "").strip():
        raise ApplicationError(CONSENT_EXPLANATION_NEEDED, field="explanation")
    if not user.mobile or clerk.pk == user.pk:
        raise ApplicationError(CONSENT_ASSISTED_OWN_CODE, field="code")
    sms_code_spend(mobile=user.mobile, code=code, purpose=SmsCode.Purpose.CONSENT)
    with transaction.atomic():
        if consent_current(user=user, purpose=purpose) is not None:
            raise ApplicationError(CONSENT_ALREADY_GIVEN, field="purpose")
        return consent_record(
            actor=clerk,
            user=user,
            method=Consent.Method.SMS_OWN,
            purpose=purpose,
            notice_version=purpose_notice(purpose).version,
            confirmed_mobile=user.mobile,
            point_name=point_name,
            explanation=explanation,
        )


@transaction.atomic
def consent_revoke_own(*, user: User, consent_id: int) -> Consent:
    """One tap on the account page: the person withdraws one of their own consents. Someone
    else's, or an unknown one, is "not found" alike."""
    consent = Consent.objects.filter(pk=consent_id, user=user).first()
    if consent is None:
        raise ApplicationError(CONSENT_NOT_FOUND)
    return consent_revoke(actor=user, consent=consent)


@transaction.atomic
def sharing_record(
    *,
    user: User,
    recipient: str,
    purpose: str,
    data_items: str,
    reference: str = "",
    consent_purpose: str | None = None,
    now=None,
) -> SharingRecord:
    """Record that `data_items` of `user` go to `recipient` now, and say whether they may.

    With `consent_purpose` the sharing rests on the person's consent to it: the newest live
    one is locked and named, and without one this refuses (ApplicationError) and the caller
    sends nothing (call it before sending, in the transaction that sends). Without it the
    sharing is what the person's own contract needs (basis "contract": a credit draw they
    confirmed), recorded all the same so they can see it."""
    consent = None
    if consent_purpose is not None:
        consent = (
            Consent.objects.select_for_update()
            .filter(user=user, purpose=consent_purpose, revoked_at__isnull=True)
            .order_by("-given_at", "-id")
            .first()
        )
        if consent is None:
            raise ApplicationError(
                SHARING_NO_CONSENT
                % {
                    "name": user.get_full_name() or user.username,
                    "purpose": Consent.Purpose(consent_purpose).label,
                    "recipient": recipient,
                }
            )
    record = SharingRecord(
        user=user,
        recipient=str(recipient)[:128],
        purpose=str(purpose)[:64],
        data_items=str(data_items)[:500],
        basis=SharingRecord.Basis.CONSENT if consent else SharingRecord.Basis.CONTRACT,
        consent=consent,
        reference=reference[:64],
        shared_at=now or timezone.now(),
    )
    full_clean_or_refuse(record)
    record.save()
    return record
