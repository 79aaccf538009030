"""Delivery days (issue 9, point 6; docs/adr/0015-delivery-days.md): the county operator
builds one delivery per service point and day from the point's prepared pickup orders,
prepares the ones still waiting in bulk, and dispatches it; the point's clerk then receives it
(.receiving).

    planned ──dispatch──> dispatched ──receive (clerk)──> received

An order travels on at most one delivery: it is added only while it has none, and only to a
planned delivery of its own point. Every write locks the delivery row, then the orders.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, full_clean_or_refuse
from core.roles import county_operator_check
from county_sites.orders import states
from county_sites.orders.models import Order, PointDelivery
from county_sites.orders.services.base import order_move
from service_points.models import ServicePoint

MSG_DELIVERY_EXISTS = _("%(point)s 在 %(day)s 已有配送单。")
MSG_DELIVERY_NOT_PLANNED = _("这张配送单已经发出，不能再改。")
MSG_DELIVERY_EMPTY = _("配送单里还没有订单，不能发出。")
MSG_DELIVERY_ORDER_NOT_READY = _("订单 %(number)s 现在是“%(state)s”，请先把它移出配送单。")
MSG_DELIVERY_ORDER_NOT_HERE = _("这张订单不在这张配送单上。")
MSG_DELIVERY_POINT_CLOSED = _("服务点已停业，不能安排配送。")
MSG_COLLECTION_PLACE_REQUIRED = _("请填写卖家送货的集货地点。")

# Sellers bring their goods to the collection place by this hour of the day before the
# delivery day, unless the operator sets another time on the delivery.
BRING_BY_DEFAULT_HOUR = 17


def delivery_bring_by_default(day: dt.date) -> dt.datetime:
    """The default "by when" for sellers: BRING_BY_DEFAULT_HOUR on the day before, local."""
    return dt.datetime.combine(
        day - dt.timedelta(days=1),
        dt.time(BRING_BY_DEFAULT_HOUR),
        tzinfo=timezone.get_current_timezone(),
    )


def _lock(delivery: PointDelivery | int) -> PointDelivery:
    return PointDelivery.objects.select_for_update().get(pk=getattr(delivery, "pk", delivery))


def _planned_check(delivery: PointDelivery) -> None:
    if delivery.state != PointDelivery.State.PLANNED:
        raise ApplicationError(MSG_DELIVERY_NOT_PLANNED, field="state")


def _waiting_orders(point_id: int):
    """The point's pickup orders on no delivery yet, locked, oldest first."""
    return (
        Order.objects.select_for_update()
        .filter(
            fulfilment=Order.Fulfilment.PICKUP,
            service_point_id=point_id,
            point_delivery__isnull=True,
        )
        .order_by("placed_at", "pk")
    )


@transaction.atomic
def point_delivery_create(
    *,
    actor,
    point: ServicePoint,
    day: dt.date,
    collection_place: str,
    bring_by: dt.datetime | None = None,
) -> PointDelivery:
    """A planned delivery for `point` on `day`, carrying the point's prepared pickup orders
    not on a delivery yet. One per point and day."""
    county_operator_check(actor)
    if not point.is_active:
        raise ApplicationError(MSG_DELIVERY_POINT_CLOSED, field="point")
    collection_place = (collection_place or "").strip()
    if not collection_place:
        raise ApplicationError(MSG_COLLECTION_PLACE_REQUIRED, field="collection_place")
    delivery = PointDelivery(
        point=point,
        day=day,
        bring_by=bring_by or delivery_bring_by_default(day),
        collection_place=collection_place,
        created_by=actor,
    )
    full_clean_or_refuse(delivery, validate_constraints=False)
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:
        raise ApplicationError(
            MSG_DELIVERY_EXISTS % {"point": point.name, "day": f"{day:%Y-%m-%d}"}, field="day"
        ) from None
    _add_prepared(delivery)
    return delivery


def _add_prepared(delivery: PointDelivery) -> int:
    return (
        _waiting_orders(delivery.point_id)
        .filter(state=Order.State.PREPARING)
        .update(point_delivery=delivery, updated_at=timezone.now())
    )


@transaction.atomic
def point_delivery_orders_add(*, actor, delivery: PointDelivery | int, prepare: bool) -> int:
    """Put the point's prepared pickup orders on no delivery onto this planned one; with
    `prepare`, first prepare those that may be (paid online orders, cash orders placed and
    confirmed), each through the state machine with its event. Returns how many were added."""
    county_operator_check(actor)
    delivery = _lock(delivery)
    _planned_check(delivery)
    if prepare:
        for order in _waiting_orders(delivery.point_id).filter(
            state__in=states.TRANSITIONS[states.PREPARE]
        ):
            if states.can(states.PREPARE, order):
                order_move(order, states.PREPARE, actor=actor)
    return _add_prepared(delivery)


@transaction.atomic
def point_delivery_order_remove(
    *, actor, delivery: PointDelivery | int, order: Order | int
) -> Order:
    """Take an order off a planned delivery (it waits for another day)."""
    county_operator_check(actor)
    delivery = _lock(delivery)
    _planned_check(delivery)
    order = Order.objects.select_for_update().get(pk=getattr(order, "pk", order))
    if order.point_delivery_id != delivery.pk:
        raise ApplicationError(MSG_DELIVERY_ORDER_NOT_HERE)
    order.point_delivery = None
    order.save(update_fields=["point_delivery", "updated_at"])
    return order


@transaction.atomic
def point_delivery_dispatch(*, actor, delivery: PointDelivery | int) -> PointDelivery:
    """planned -> dispatched: the van leaves with the manifest. Refused when empty, or while
    an order on it is no longer being prepared (a refund asked meanwhile): take it off first."""
    county_operator_check(actor)
    delivery = _lock(delivery)
    _planned_check(delivery)
    orders = list(Order.objects.select_for_update().filter(point_delivery=delivery).order_by("pk"))
    if not orders:
        raise ApplicationError(MSG_DELIVERY_EMPTY)
    for order in orders:
        if order.state != Order.State.PREPARING:
            raise ApplicationError(
                MSG_DELIVERY_ORDER_NOT_READY
                % {"number": order.number, "state": order.get_state_display()}
            )
    delivery.state = PointDelivery.State.DISPATCHED
    delivery.dispatched_by = actor
    delivery.dispatched_at = timezone.now()
    full_clean_or_refuse(delivery, validate_constraints=False)
    delivery.save()
    return delivery
