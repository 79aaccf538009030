"""Writes for village service points; run inside the county's schema.

County operators add and edit points in the county Wagtail admin (service_points.wagtail_hooks);
the demo seeding acts as the county's operator account. A point is never deleted: orders
and sellers refer to it (PROTECT). It is closed with service_point_update(is_active=False),
which takes it off the pickup choices at checkout. A refusal raises ApplicationError inside
the transaction, so nothing is changed.
"""

from decimal import Decimal

from django.db import transaction

from core.errors import full_clean_or_refuse
from core.roles import MSG_OPERATOR_ONLY, county_operator_check
from core.updates import MSG_UNKNOWN_FIELDS, model_update
from service_points.models import ServicePoint

__all__ = [
    "MSG_OPERATOR_ONLY",
    "MSG_UNKNOWN_FIELDS",
    "service_point_create",
    "service_point_update",
]

SERVICE_POINT_EDITABLE_FIELDS = (
    "name", "village", "address", "latitude", "longitude", "opening_hours", "phone", "is_active",
)  # fmt: skip


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
    county_operator_check(actor)
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
    county_operator_check(actor)
    saved, _changed = model_update(
        instance=point, fields=SERVICE_POINT_EDITABLE_FIELDS, data=changes
    )
    return saved
