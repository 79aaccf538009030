"""Delivery zones, written by county operators (the county Wagtail admin's 配送区域; the demo
seeding acts as one). A zone is deactivated, never deleted: orders keep it."""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, full_clean_or_refuse
from core.roles import county_operator_check
from core.updates import model_update
from county_sites.orders.models import DeliveryZone

MSG_ZONE_FEE_INVALID = _("配送费必须是不小于0的整数（单位：分）。")

DELIVERY_ZONE_EDITABLE_FIELDS = ("name", "description", "fee_fen", "sort_order", "is_active")
# A new zone goes this far after the last one: room to slot one in between by hand later.
ZONE_SORT_STEP = 10


def _check_fee(fee_fen) -> None:
    # Integer fen, like every amount: 8.5 or "800" is a caller's bug, refused rather than cast.
    if isinstance(fee_fen, bool) or not isinstance(fee_fen, int) or fee_fen < 0:
        raise ApplicationError(MSG_ZONE_FEE_INVALID, field="fee_fen")


@transaction.atomic
def delivery_zone_create(
    *,
    actor,
    name: str,
    description: str = "",
    fee_fen: int = 0,
    sort_order: int | None = None,
    is_active: bool = True,
) -> DeliveryZone:
    """A new delivery zone, by a county operator; `sort_order` None puts it after the last
    zone."""
    county_operator_check(actor)
    _check_fee(fee_fen)
    if sort_order is None:
        last = DeliveryZone.objects.aggregate(last=Max("sort_order"))["last"]
        sort_order = 0 if last is None else last + ZONE_SORT_STEP
    zone = DeliveryZone(
        name=name.strip(),
        description=description.strip(),
        fee_fen=fee_fen,
        sort_order=sort_order,
        is_active=is_active,
    )
    full_clean_or_refuse(zone)
    zone.save()
    return zone


@transaction.atomic
def delivery_zone_update(*, actor, zone: DeliveryZone, **changes) -> DeliveryZone:
    """Change a zone's DELIVERY_ZONE_EDITABLE_FIELDS (core.updates.model_update: unknown
    fields refused, the row locked, strings stripped, the model's checks, saved). A zone is
    deactivated (is_active=False), never deleted. Orders already placed keep the fee they were
    placed with (Order.delivery_fee_fen)."""
    county_operator_check(actor)

    def fee_check(_locked: DeliveryZone) -> None:
        # The fee as given, before anything is set: a bad one is refused even if unchanged.
        if "fee_fen" in changes:
            _check_fee(changes["fee_fen"])

    locked, _changed = model_update(
        instance=zone, fields=DELIVERY_ZONE_EDITABLE_FIELDS, data=changes, check=fee_check
    )
    return locked
