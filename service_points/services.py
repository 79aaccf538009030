"""Writes for village service points; run inside the county's schema.

County operators add and edit points in the county Wagtail admin (service_points.wagtail_hooks);
the demo seeding acts as the county's operator account. A point is never deleted: orders
and sellers refer to it (PROTECT). It is closed with service_point_update(is_active=False),
which takes it off the pickup choices at checkout. A refusal raises ApplicationError inside
the transaction, so nothing is changed.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from config.errors import ApplicationError, full_clean_or_refuse
from farmers.permissions import is_county_operator
from service_points.models import ServicePoint

MSG_OPERATOR_ONLY = _("只有县级运营人员可以这样做。")
MSG_UNKNOWN_FIELDS = _("这些字段不能在这里修改：%(fields)s。")

SERVICE_POINT_EDITABLE_FIELDS = (
    "name", "village", "address", "latitude", "longitude", "opening_hours", "phone", "is_active",
)  # fmt: skip


def _check_actor(actor) -> None:
    # Always a person: no `None` that a careless caller could pass to skip the check.
    if not is_county_operator(actor):
        raise ApplicationError(MSG_OPERATOR_ONLY)


def _stripped(value):
    return value.strip() if isinstance(value, str) else value


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
    is_active: bool = True,
) -> ServicePoint:
    """A new service point of the current county, by a county operator."""
    _check_actor(actor)
    point = ServicePoint(
        name=name.strip(),
        village=village.strip(),
        address=address.strip(),
        latitude=latitude,
        longitude=longitude,
        opening_hours=opening_hours.strip(),
        phone=phone.strip(),
        is_active=is_active,
    )
    full_clean_or_refuse(point)
    point.save()
    return point


@transaction.atomic
def service_point_update(*, actor, point: ServicePoint, **changes) -> ServicePoint:
    """Change a point's SERVICE_POINT_EDITABLE_FIELDS (is_active=False closes it). Returns the
    point as saved."""
    _check_actor(actor)
    unknown = set(changes) - set(SERVICE_POINT_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(MSG_UNKNOWN_FIELDS % {"fields": ", ".join(sorted(unknown))})
    locked = ServicePoint.objects.select_for_update().get(pk=point.pk)
    if not changes:
        return locked
    for name, value in changes.items():
        setattr(locked, name, _stripped(value))
    full_clean_or_refuse(locked)
    locked.save(update_fields=list(changes))
    return locked
