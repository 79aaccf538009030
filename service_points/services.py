"""Writes for village service points; run inside the county's schema.

County operators add and edit points in the county Wagtail admin (service_points.wagtail_hooks);
the demo seeding acts as the county's operator account. A point is never deleted: orders
and sellers refer to it (PROTECT). It is closed with service_point_update(is_active=False),
which takes it off the pickup choices at checkout.

Clerks (a county user bound to one point) and shelf positions are the operator's too. A
refusal raises ApplicationError inside the transaction, so nothing is changed.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import mobile_normalize, user_resident_get_or_create
from core.errors import ApplicationError, full_clean_or_refuse
from core.roles import MSG_OPERATOR_ONLY, county_operator_check
from core.updates import MSG_UNKNOWN_FIELDS, model_update
from service_points.models import Clerk, PointVillager, ServicePoint, ShelfPosition
from service_points.selectors import clerk_point_for_user

__all__ = [
    "MSG_CLERK_ALREADY_HERE",
    "MSG_CLERK_ELSEWHERE",
    "MSG_CLERK_IS_STAFF",
    "MSG_CLERK_NOT_ACTIVE",
    "MSG_NOT_A_CLERK",
    "MSG_OPERATOR_ONLY",
    "MSG_POINT_CLOSED",
    "MSG_SHELF_LABEL_TAKEN",
    "MSG_UNKNOWN_FIELDS",
    "clerk_add",
    "clerk_deactivate",
    "clerk_move",
    "clerk_reactivate",
    "point_villager_add",
    "service_point_create",
    "service_point_update",
    "shelf_position_create",
    "shelf_position_update",
]

MSG_CLERK_ELSEWHERE = _("这个手机号已是“%(point)s”的店员，请先在那里停用或调动。")
MSG_CLERK_ALREADY_HERE = _("这个手机号已是本服务点的店员。")
MSG_CLERK_IS_STAFF = _("管理后台的工作人员不能同时做店员。")
MSG_CLERK_NOT_ACTIVE = _("这个店员已停用，请先恢复。")
MSG_POINT_CLOSED = _("服务点“%(point)s”已停业，不能安排店员。")
MSG_NOT_A_CLERK = _("只有营业中服务点的在岗店员才能办理。")
MSG_SHELF_LABEL_TAKEN = _("本服务点已有货架位置“%(label)s”。")

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
