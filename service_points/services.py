"""Writes for village service points; run inside the county's schema.

County operators add and edit points in the county Wagtail admin (service_points.wagtail_hooks);
the demo seeding acts as the county's operator account. A point is never deleted: orders
and sellers refer to it (PROTECT). It is closed with service_point_update(is_active=False),
which takes it off the pickup choices at checkout.

Clerks (a county user bound to one point) and shelf positions are the operator's too. A
refusal raises ApplicationError inside the transaction, so nothing is changed.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Consent, SmsCode, User
from accounts.selectors import consent_current, user_sms_mobile
from accounts.services import (
    CONSENT_PHOTO_NEEDED,
    USER_INACTIVE,
    USER_NAME_REQUIRED,
    consent_record,
    mobile_normalize,
    sms_code_send,
    sms_code_spend,
    sms_send,
    user_create_resident_without_mobile,
    user_name_fill,
    user_resident_get_or_create,
)
from core.errors import ApplicationError, full_clean_or_refuse
from core.roles import MSG_OPERATOR_ONLY, county_operator_check
from core.updates import MSG_UNKNOWN_FIELDS, model_update
from farmers.images import photo_normalise, photo_validate
from farmers.models import Listing, Seller
from farmers.services import listing_create, listing_photos_add, listing_submit, seller_register
from service_points.models import (
    AssistedListing,
    Clerk,
    PointVillager,
    ServicePoint,
    ShelfPosition,
)
from service_points.selectors import clerk_point_for_user

__all__ = [
    "ASSISTED_LISTING_PHOTOS_MAX",
    "MSG_ASSISTED_PHOTOS",
    "MSG_CLERK_ALREADY_HERE",
    "MSG_CLERK_ELSEWHERE",
    "MSG_CLERK_IS_STAFF",
    "MSG_CLERK_NOT_ACTIVE",
    "MSG_HOW_UNKNOWN",
    "MSG_NO_CONSENT",
    "MSG_NOT_A_CLERK",
    "MSG_NOT_THIS_POINTS_VILLAGER",
    "MSG_RELATION_REQUIRED",
    "MSG_SELLER_NEEDS_MOBILE",
    "MSG_SELLER_NAME_REQUIRED",
    "MSG_SELLER_OTHER_ACCOUNT",
    "MSG_VILLAGER_IS_STAFF",
    "MSG_OPERATOR_ONLY",
    "MSG_POINT_CLOSED",
    "MSG_SHELF_LABEL_TAKEN",
    "MSG_UNKNOWN_FIELDS",
    "RegistrationHow",
    "assisted_listing_create",
    "clerk_add",
    "clerk_deactivate",
    "clerk_move",
    "clerk_reactivate",
    "point_villager_add",
    "service_point_create",
    "service_point_update",
    "shelf_position_create",
    "shelf_position_update",
    "villager_register",
    "villager_register_start",
]

MSG_CLERK_ELSEWHERE = _("这个手机号已是“%(point)s”的店员，请先在那里停用或调动。")
MSG_CLERK_ALREADY_HERE = _("这个手机号已是本服务点的店员。")
MSG_CLERK_IS_STAFF = _("管理后台的工作人员不能同时做店员。")
MSG_CLERK_NOT_ACTIVE = _("这个店员已停用，请先恢复。")
MSG_POINT_CLOSED = _("服务点“%(point)s”已停业，不能安排店员。")
MSG_NOT_A_CLERK = _("只有营业中服务点的在岗店员才能办理。")
MSG_SHELF_LABEL_TAKEN = _("本服务点已有货架位置“%(label)s”。")
MSG_VILLAGER_IS_STAFF = _("这个手机号是管理后台工作人员的账户，不能登记为村民。")
MSG_RELATION_REQUIRED = _("请填写家人与村民的关系，例如：儿子。")
MSG_HOW_UNKNOWN = _("请选择村民怎样确认：本人手机、家人手机或纸质同意书。")
MSG_NOT_THIS_POINTS_VILLAGER = _("本服务点没有登记这位村民。")
MSG_NO_CONSENT = _("这位村民还没有有效的同意记录，请先重新登记。")
MSG_SELLER_NEEDS_MOBILE = _("卖家需要一个能收短信的手机号：这位村民没有手机，也没有登记家人手机。")
MSG_SELLER_NAME_REQUIRED = _("请填写农户姓名。")
MSG_SELLER_OTHER_ACCOUNT = _("手机号码 %(mobile)s 已登记为另一个账户的卖家，请联系县运营人员。")
MSG_ASSISTED_PHOTOS = _("请在柜台拍 1 到 %(max)s 张商品照片。")

# The SMS a villager (or the family member who reads it for them) gets: what is happening, at
# which point, and that reading the code out means agreeing. In Chinese whatever the page
# language (providers only deliver pre-approved Chinese templates).
SMS_CONSENT_OWN = _(
    "【丰收】%(point)s的店员正在为您登记丰收账户。验证码 %(code)s，%(minutes)s 分钟内有效。"
    "把验证码告诉店员，即表示您同意《丰收平台隐私政策》。"
)
SMS_CONSENT_PROXY = _(
    "【丰收】%(point)s的店员正在为您的家人%(name)s登记丰收账户，由您代收短信。"
    "验证码 %(code)s，%(minutes)s 分钟内有效。把验证码告诉店员，即表示同意《丰收平台隐私政策》。"
)
SMS_ASSISTED_LISTING = _(
    "【丰收】%(point)s的店员为您录入了商品“%(title)s”，审核通过后上架。"
    "用手机打开 %(url)s 查看和修改。"
)

ASSISTED_LISTING_PHOTOS_MAX = 3

SERVICE_POINT_EDITABLE_FIELDS = (
    "name", "village", "address", "latitude", "longitude", "opening_hours", "phone",
    "commission_rate", "is_active",
)  # fmt: skip
SHELF_POSITION_EDITABLE_FIELDS = ("label", "sort_order", "is_active")


@transaction.atomic
def service_point_create(
    *,
    actor,
    name: str,
    village: str,
    address: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    opening_hours: str = "",
    phone: str = "",
    commission_rate: Decimal | None = None,
    is_active: bool = True,
) -> ServicePoint:
    """A new service point of the current county, by a county operator."""
    county_operator_check(actor)
    point = ServicePoint(
        name=name.strip(),
        village=village.strip(),
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        opening_hours=opening_hours.strip(),
        phone=phone.strip(),
        commission_rate=commission_rate,
        is_active=is_active,
    )
    full_clean_or_refuse(point)
    point.save()
    return point


@transaction.atomic
def service_point_update(*, actor, point: ServicePoint, **changes) -> ServicePoint:
    """Change a point's SERVICE_POINT_EDITABLE_FIELDS (is_active=False closes it). Returns the
    point as saved."""
    county_operator_check(actor)
    saved, _changed = model_update(
        instance=point, fields=SERVICE_POINT_EDITABLE_FIELDS, data=changes
    )
    return saved


# ------------------------------------------------------------------------------
# Clerks
# ------------------------------------------------------------------------------
def _point_open_check(point: ServicePoint) -> None:
    if not ServicePoint.objects.filter(pk=point.pk, is_active=True).exists():
        raise ApplicationError(MSG_POINT_CLOSED % {"point": point.name}, field="point")


def _may_be_clerk_check(user: User) -> None:
    """An admin account signs in with a password, never by SMS (accounts.services), so it
    could never reach the console as a clerk: refuse it rather than make a clerk who cannot
    sign in."""
    if user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        raise ApplicationError(MSG_CLERK_IS_STAFF, field="mobile")


def _clerk_lock(clerk: Clerk) -> Clerk:
    return Clerk.objects.select_for_update().select_related("point").get(pk=clerk.pk)


@transaction.atomic
def clerk_add(*, actor, mobile: str, point: ServicePoint, name: str = "") -> Clerk:
    """Make the county user with this mobile a clerk of `point`, by a county operator.

    The mobile is normalised as at the SMS login ("137 0013 7555" is 13700137555); the user
    with it is found, or created as a resident (accounts.services.user_resident_get_or_create),
    never a second account. A former clerk's row comes back at `point`, active; an active
    clerk of another point is refused (move them instead).
    """
    county_operator_check(actor)
    mobile = mobile_normalize(mobile=mobile)
    _point_open_check(point)
    existing = Clerk.objects.select_for_update().filter(user__mobile=mobile).first()
    if existing is not None and existing.is_active:
        if existing.point_id == point.pk:
            raise ApplicationError(MSG_CLERK_ALREADY_HERE, field="mobile")
        raise ApplicationError(MSG_CLERK_ELSEWHERE % {"point": existing.point.name}, field="mobile")
    user = user_resident_get_or_create(mobile=mobile)
    _may_be_clerk_check(user)
    clerk = existing or Clerk(user=user, added_by=actor)
    clerk.point = point
    clerk.is_active = True
    clerk.name = name.strip() or clerk.name
    full_clean_or_refuse(clerk)
    clerk.save()
    return clerk


@transaction.atomic
def clerk_move(*, actor, clerk: Clerk, point: ServicePoint) -> Clerk:
    """Send an active clerk to work at another open point, by a county operator."""
    county_operator_check(actor)
    locked = _clerk_lock(clerk)
    if not locked.is_active:
        raise ApplicationError(MSG_CLERK_NOT_ACTIVE)
    _point_open_check(point)
    saved, _changed = model_update(instance=locked, fields=("point",), data={"point": point})
    return saved


@transaction.atomic
def clerk_deactivate(*, actor, clerk: Clerk) -> Clerk:
    """Take the console away from a clerk at once (their next page is a 403), by a county
    operator. The row stays: it records who the clerk was."""
    county_operator_check(actor)
    saved, _changed = model_update(instance=clerk, fields=("is_active",), data={"is_active": False})
    return saved


@transaction.atomic
def clerk_reactivate(*, actor, clerk: Clerk) -> Clerk:
    """Give a deactivated clerk their console back, at the point they were at (open), by a
    county operator."""
    county_operator_check(actor)
    locked = _clerk_lock(clerk)
    _point_open_check(locked.point)
    _may_be_clerk_check(locked.user)
    saved, _changed = model_update(instance=locked, fields=("is_active",), data={"is_active": True})
    return saved


# ------------------------------------------------------------------------------
# Shelf positions
# ------------------------------------------------------------------------------
def _shelf_label_free_check(position: ShelfPosition) -> None:
    taken = ShelfPosition.objects.filter(point_id=position.point_id, label=position.label)
    if taken.exclude(pk=position.pk).exists():
        raise ApplicationError(MSG_SHELF_LABEL_TAKEN % {"label": position.label}, field="label")


@transaction.atomic
def shelf_position_create(
    *, actor, point: ServicePoint, label: str, sort_order: int = 0, is_active: bool = True
) -> ShelfPosition:
    """A new place on a point's pickup shelf, by a county operator."""
    county_operator_check(actor)
    position = ShelfPosition(
        point=point, label=label.strip(), sort_order=sort_order, is_active=is_active
    )
    _shelf_label_free_check(position)
    full_clean_or_refuse(position)
    position.save()
    return position


@transaction.atomic
def shelf_position_update(*, actor, position: ShelfPosition, **changes) -> ShelfPosition:
    """Change a shelf position's SHELF_POSITION_EDITABLE_FIELDS (is_active=False retires it),
    by a county operator."""
    county_operator_check(actor)
    saved, _changed = model_update(
        instance=position,
        fields=SHELF_POSITION_EDITABLE_FIELDS,
        data=changes,
        validate=lambda locked, _changed: _shelf_label_free_check(locked),
    )
    return saved


# ------------------------------------------------------------------------------
# The villagers a point serves
# ------------------------------------------------------------------------------
@transaction.atomic
def point_villager_add(*, clerk_user, user: User) -> tuple[PointVillager, bool]:
    """Record that the clerk's own point serves `user` (once: a second call finds the row).
    Returns (link, created). Only an active clerk of an open point; the point is theirs,
    never one they name, so a clerk cannot attach a villager to another point."""
    point = clerk_point_for_user(user=clerk_user)
    if point is None:
        raise ApplicationError(MSG_NOT_A_CLERK)
    link, created = PointVillager.objects.get_or_create(
        point=point, user=user, defaults={"added_by": clerk_user}
    )
    return link, created


# ------------------------------------------------------------------------------
# Registering a villager at the counter, with their consent
# ------------------------------------------------------------------------------
class RegistrationHow:
    """How the villager confirms: the code on their own phone, the code on a family member's
    phone (no phone of their own; the signed paper form is photographed too), or the signed
    paper form alone."""

    OWN = "own"
    PROXY = "proxy"
    PAPER = "paper"
    ALL = (OWN, PROXY, PAPER)


METHOD_FOR_HOW = {
    RegistrationHow.OWN: Consent.Method.SMS_OWN,
    RegistrationHow.PROXY: Consent.Method.SMS_PROXY,
    RegistrationHow.PAPER: Consent.Method.PAPER,
}


@dataclass(frozen=True)
class Registration:
    """What a registration is about, checked and normalised: the point, how, the villager's
    mobile (OWN), name, and the family member's mobile and relation (PROXY)."""

    point: ServicePoint
    how: str
    mobile: str
    name: str
    proxy_mobile: str
    proxy_relation: str

    @property
    def code_mobile(self) -> str:
        """Where the code goes, or "" for the paper form alone."""
        return {RegistrationHow.OWN: self.mobile, RegistrationHow.PROXY: self.proxy_mobile}.get(
            self.how, ""
        )


def _villager_may_be_registered(user: User | None) -> None:
    if user is None:
        return
    if not user.is_active:
        raise ApplicationError(USER_INACTIVE, field="mobile")
    if user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"):
        raise ApplicationError(MSG_VILLAGER_IS_STAFF, field="mobile")


def _registration_check(
    *, clerk_user, how: str, mobile: str, name: str, proxy_mobile: str, proxy_relation: str
) -> Registration:
    point = clerk_point_for_user(user=clerk_user)
    if point is None:
        raise ApplicationError(MSG_NOT_A_CLERK)
    if how not in RegistrationHow.ALL:
        raise ApplicationError(MSG_HOW_UNKNOWN, field="how")
    name = (name or "").strip()
    if how == RegistrationHow.OWN:
        mobile = mobile_normalize(mobile=mobile)
        _villager_may_be_registered(User.objects.filter(mobile=mobile).first())
        return Registration(point, how, mobile, name, "", "")
    # No phone of their own: known by name.
    if not name:
        raise ApplicationError(USER_NAME_REQUIRED, field="name")
    if how == RegistrationHow.PAPER:
        return Registration(point, how, "", name, "", "")
    try:
        proxy_mobile = mobile_normalize(mobile=proxy_mobile)
    except ApplicationError as error:
        raise ApplicationError(error.message, field="proxy_mobile") from error
    proxy_relation = (proxy_relation or "").strip()
    if not proxy_relation:
        raise ApplicationError(MSG_RELATION_REQUIRED, field="proxy_relation")
    return Registration(point, how, "", name, proxy_mobile, proxy_relation[:32])


def villager_register_start(
    *,
    clerk_user,
    how: str,
    mobile: str = "",
    name: str = "",
    proxy_mobile: str = "",
    proxy_relation: str = "",
    ip: str | None = None,
) -> Registration:
    """Step 1 of registering a villager at the clerk's point: check what the clerk typed and,
    for OWN and PROXY, text the confirmation code (accounts' SMS codes, purpose CONSENT, with
    their throttles). Writes nothing else: no account, link or consent exists until
    villager_register is given the right code."""
    registration = _registration_check(
        clerk_user=clerk_user,
        how=how,
        mobile=mobile,
        name=name,
        proxy_mobile=proxy_mobile,
        proxy_relation=proxy_relation,
    )
    if registration.how == RegistrationHow.OWN:
        sms_code_send(
            mobile=registration.mobile,
            purpose=SmsCode.Purpose.CONSENT,
            text=SMS_CONSENT_OWN,
            params={"point": registration.point.name},
            ip=ip,
        )
    elif registration.how == RegistrationHow.PROXY:
        sms_code_send(
            mobile=registration.proxy_mobile,
            purpose=SmsCode.Purpose.CONSENT,
            text=SMS_CONSENT_PROXY,
            params={"point": registration.point.name, "name": registration.name},
            ip=ip,
        )
    return registration


def villager_register(
    *,
    clerk_user,
    how: str,
    mobile: str = "",
    name: str = "",
    proxy_mobile: str = "",
    proxy_relation: str = "",
    code: str = "",
    photo: bytes | IO[bytes] | None = None,
) -> PointVillager:
    """Step 2: the villager agreed. Returns their link to the clerk's point.

    Everything is checked first (the clerk, the input, the photo of the signed form for PROXY
    and PAPER, normalised by farmers.images: upright JPEG, no metadata); then the code the
    villager (or family member) read out is spent (accounts.services.sms_code_spend: a
    wrong, expired or used code is refused and counted); only then, in one transaction, the
    account is found by mobile or made (never a second one for a number; a villager without a
    phone gets a new account by name), linked to the point, and the consent recorded with the
    notice version, method, clerk and point. A refusal at any step leaves no account, link or
    consent behind.
    """
    registration = _registration_check(
        clerk_user=clerk_user,
        how=how,
        mobile=mobile,
        name=name,
        proxy_mobile=proxy_mobile,
        proxy_relation=proxy_relation,
    )
    photo_data = None
    if registration.how in (RegistrationHow.PROXY, RegistrationHow.PAPER):
        if photo is None:
            raise ApplicationError(CONSENT_PHOTO_NEEDED, field="photo")
        photo_data = photo_normalise(photo_validate(photo)).data
    if registration.code_mobile:
        sms_code_spend(mobile=registration.code_mobile, code=code, purpose=SmsCode.Purpose.CONSENT)
    return _villager_register_write(
        clerk_user=clerk_user, registration=registration, photo_data=photo_data
    )


@transaction.atomic
def _villager_register_write(
    *, clerk_user, registration: Registration, photo_data: bytes | None
) -> PointVillager:
    if registration.how == RegistrationHow.OWN:
        user = user_resident_get_or_create(mobile=registration.mobile)
        _villager_may_be_registered(user)
        user_name_fill(user=user, name=registration.name)
    else:
        user = user_create_resident_without_mobile(name=registration.name)
    link, _created = point_villager_add(clerk_user=clerk_user, user=user)
    consent_record(
        actor=clerk_user,
        user=user,
        method=METHOD_FOR_HOW[registration.how],
        confirmed_mobile=registration.code_mobile,
        proxy_mobile=registration.proxy_mobile,
        proxy_relation=registration.proxy_relation,
        paper_photo=photo_data,
        point_name=registration.point.name,
    )
    return link


# ------------------------------------------------------------------------------
# Listing produce for a farmer at the counter
# ------------------------------------------------------------------------------
def clerk_helps_seller(user, *, seller_user_id: int, listing=None) -> bool:
    """farmers.permissions' counter-help rule (registered in ServicePointsConfig.ready()): an
    active clerk of an open point may help a person that point serves and who has a current
    platform consent; on a listing, only one entered at that point."""
    point = clerk_point_for_user(user=user)
    if point is None:
        return False
    if not PointVillager.objects.filter(point=point, user_id=seller_user_id).exists():
        return False
    if consent_current(user=seller_user_id) is None:
        return False
    if listing is None:
        return True
    return AssistedListing.objects.filter(listing_id=listing.pk, point=point).exists()


def _seller_for_villager(*, clerk_user, point: ServicePoint, user: User, name: str) -> Seller:
    """The villager's seller, made at this point if they have none: as a farmer, with the
    consent taken here, their SMS-verified mobile (or their proxy's) as the seller's number.
    A seller an operator or an import registered with the villager's verified mobile and no
    account yet becomes theirs."""
    seller = Seller.objects.filter(user=user).first()
    if seller is not None:
        return seller
    consent = consent_current(user=user)
    mobile = user_sms_mobile(user=user)
    if not mobile:
        raise ApplicationError(MSG_SELLER_NEEDS_MOBILE)
    existing = Seller.objects.select_for_update().filter(mobile=mobile).first()
    if existing is not None:
        own_verified = user.mobile == mobile and consent.method == Consent.Method.SMS_OWN
        if existing.user_id is None and own_verified:
            existing.user = user
            existing.mobile_verified_at = existing.mobile_verified_at or consent.given_at
            full_clean_or_refuse(existing)
            existing.save(update_fields=["user", "mobile_verified_at", "updated_at"])
            return existing
        raise ApplicationError(MSG_SELLER_OTHER_ACCOUNT % {"mobile": mobile})
    name = (name or "").strip() or user.first_name
    if not name:
        raise ApplicationError(MSG_SELLER_NAME_REQUIRED, field="seller_name")
    by_phone = consent.method in (Consent.Method.SMS_OWN, Consent.Method.SMS_PROXY)
    return seller_register(
        actor=clerk_user,
        kind=Seller.Kind.FARMER,
        name=name,
        mobile=mobile,
        consent_method=Seller.ConsentMethod.AT_SERVICE_POINT
        if by_phone
        else Seller.ConsentMethod.PAPER_FORM,
        village=point.village,
        user=user,
        registered_by_point=point,
        mobile_verified_at=consent.given_at
        if consent.method == Consent.Method.SMS_OWN and user.mobile == mobile
        else None,
    )


def assisted_listing_create(
    *,
    clerk_user,
    villager_user_id: int,
    title: str,
    category,
    unit: str,
    price_fen: int,
    stock: int,
    photos: Sequence[bytes | IO[bytes]],
    seller_url: str,
    seller_name: str = "",
    description: str = "",
) -> AssistedListing:
    """A clerk lists a farmer's produce at the counter: the weighed quantity as stock, 1 to 3
    photos taken there, submitted straight to the county's review queue.

    Only for a villager of the clerk's own point with a current consent (anyone else is "not
    this point's villager"). The farmer becomes a seller if they are not one yet
    (_seller_for_villager). The listing goes through farmers' own services (create, photos,
    submit; the clerk is the actor, allowed by farmers.permissions.can_help_at_counter), and
    the AssistedListing records who entered it where. After commit the farmer gets an SMS
    with `seller_url`, where they see and edit it like any of their listings. All or nothing.
    """
    point = clerk_point_for_user(user=clerk_user)
    if point is None:
        raise ApplicationError(MSG_NOT_A_CLERK)
    link = (
        PointVillager.objects.select_related("user")
        .filter(point=point, user_id=villager_user_id, user__is_active=True)
        .first()
    )
    if link is None:
        raise ApplicationError(MSG_NOT_THIS_POINTS_VILLAGER)
    if consent_current(user=link.user) is None:
        raise ApplicationError(MSG_NO_CONSENT)
    if not 1 <= len(photos) <= ASSISTED_LISTING_PHOTOS_MAX:
        raise ApplicationError(
            MSG_ASSISTED_PHOTOS % {"max": ASSISTED_LISTING_PHOTOS_MAX}, field="photo"
        )
    stored: list = []
    try:
        with transaction.atomic():
            seller = _seller_for_villager(
                clerk_user=clerk_user, point=point, user=link.user, name=seller_name
            )
            listing = listing_create(
                actor=clerk_user,
                seller=seller,
                title=title,
                category=category,
                unit=unit,
                price_fen=price_fen,
                stock=stock,
                description=description,
            )
            clerk = Clerk.objects.get(user=clerk_user)
            entry = AssistedListing(
                listing=listing, point=point, clerk_user=clerk_user, clerk_name=clerk.name
            )
            full_clean_or_refuse(entry)
            entry.save()
            stored = listing_photos_add(actor=clerk_user, listing=listing, images=photos)
            listing = listing_submit(actor=clerk_user, listing=listing)
            _sms_assisted_listing(seller=seller, listing=listing, point=point, url=seller_url)
    except Exception:
        # Rolled back: no row points at these files any more.
        for photo in stored:
            photo.original.delete(save=False)
        raise
    return entry


def _sms_assisted_listing(*, seller: Seller, listing: Listing, point: ServicePoint, url: str):
    with translation.override(settings.LANGUAGE_CODE):
        text = str(SMS_ASSISTED_LISTING % {"point": point.name, "title": listing.title, "url": url})
    sms_send(mobile=seller.mobile, text=text, now=timezone.now())
