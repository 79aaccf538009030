"""Receiving a delivery at its service point (issue 9, point 7): the point's clerk checks the
delivery against its manifest line by line (received, short, damaged) on the console
(/clerk/receive/<id>/), in one go.

Rules (each refusal an ApplicationError that changes nothing):

1. the user is an active clerk of an open point, and the delivery is that point's (another
   point's delivery is "not found", like an unknown one);
2. the delivery has been dispatched and not received yet: receiving twice is refused;
3. every line of every order on it has a check, and each order with a received line that
   the point has shelf positions for gets one of the point's own active positions.

Then, per order still being prepared (one that left that state meanwhile, e.g. a refund the
buyer asked for on the way, only gets its line checks recorded):

- at least one line received: the order arrives at the point (at_service_point, the clerk
  as the event's actor, the short or damaged lines named in the event's note) on its shelf
  position, and the buyer gets an SMS: where, which shelf, the pickup code, collect by when
  (arrival day + the county's hold days: the day the console starts flagging the parcel);
- some lines short or damaged: an online order gets a refund request for exactly those
  lines, opened by the clerk for the buyer and decided by the operator as any other; a cash
  order is simply not charged for them (orders.selectors.order_cash_due);
- every line short or damaged: the order does not go to the shelf: an online order becomes
  a whole-order refund request, a cash order is cancelled (nothing paid, nothing owed); the
  buyer gets an SMS saying so.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.services import sms_send
from core.errors import ApplicationError
from core.money import yuan
from county_sites.orders import states
from county_sites.orders.models import Order, OrderLine, PointDelivery, RefundRequest
from county_sites.orders.selectors import order_cash_due, order_refundable_fen
from county_sites.orders.services.base import order_lock, order_move
from county_sites.orders.services.handover import MSG_NOT_A_CLERK
from county_sites.orders.services.refunds import refund_request_lines_create
from service_points.models import ShelfPosition
from service_points.selectors import clerk_point_for_user, service_point_settings_get

MSG_DELIVERY_NOT_FOUND = _("本服务点没有这张配送单。")
MSG_DELIVERY_NOT_DISPATCHED = _("这张配送单还没有发出。")
MSG_DELIVERY_ALREADY_RECEIVED = _("这张配送单已经收过货了。")
MSG_CHECK_MISSING = _("请为每一件商品选择：收到、缺货或破损。")
MSG_SHELF_REQUIRED = _("请为订单 %(number)s 选择货架位置。")
MSG_SHELF_INVALID = _("货架位置不对，请从本服务点的货架中选择。")

NOTE_SHORT = _("到货检查：%(lines)s")
REASON_SHORT = _("到货检查发现缺货或破损：%(lines)s")
REASON_ALL_SHORT = _("到货检查发现全部商品缺货或破损：%(lines)s")
LINE_CHECK = _("%(title)s × %(quantity)s %(arrival)s")

SMS_PARCEL_ARRIVED = _(
    "【丰收】您的包裹已到%(point)s（货架 %(shelf)s），取货码 %(code)s，"
    "请在 %(month)s月%(day)s日前取货。"
)
SMS_PARCEL_ARRIVED_NO_SHELF = _(
    "【丰收】您的包裹已到%(point)s，取货码 %(code)s，请在 %(month)s月%(day)s日前取货。"
)
SMS_PART_REFUND = _("其中%(lines)s缺货或破损，将退款 %(amount)s 元。")
SMS_PART_CASH = _("其中%(lines)s缺货或破损，不收这部分钱，取货时付 %(amount)s 元。")
SMS_NOTHING_ARRIVED_REFUND = _(
    "【丰收】订单 %(number)s 的商品到货时缺货或破损，将为您退款 %(amount)s 元。"
)
SMS_NOTHING_ARRIVED_CASH = _(
    "【丰收】订单 %(number)s 的商品到货时缺货或破损，订单已取消，无需付款。"
)

Arrival = OrderLine.Arrival
ARRIVALS = frozenset(Arrival.values)


@dataclass(frozen=True)
class _Outcome:
    order: Order
    received: list[OrderLine]
    missing: list[OrderLine]


def _lines_text(lines: list[OrderLine]) -> str:
    return "、".join(
        str(LINE_CHECK)
        % {"title": line.title, "quantity": line.quantity, "arrival": line.get_arrival_display()}
        for line in lines
    )


def collect_by(arrived_at: dt.datetime, *, hold_days: int) -> dt.date:
    """The day before which the buyer should collect: the local arrival day + hold days (the
    day the console flags the parcel as over the hold)."""
    return timezone.localdate(arrived_at) + dt.timedelta(days=hold_days)


def _lock_for_clerk(clerk_user, delivery: PointDelivery | int) -> PointDelivery:
    point = clerk_point_for_user(user=clerk_user)
    if point is None:
        raise ApplicationError(MSG_NOT_A_CLERK)
    found = (
        PointDelivery.objects.select_for_update()
        .filter(pk=getattr(delivery, "pk", delivery), point=point)
        .first()
    )
    if found is None:
        raise ApplicationError(MSG_DELIVERY_NOT_FOUND)
    if found.state == PointDelivery.State.PLANNED:
        raise ApplicationError(MSG_DELIVERY_NOT_DISPATCHED, field="state")
    if found.state == PointDelivery.State.RECEIVED:
        raise ApplicationError(MSG_DELIVERY_ALREADY_RECEIVED, field="state")
    return found


def _checks_apply(orders: list[Order], checks: dict, now) -> list[_Outcome]:
    outcomes = []
    for order in orders:
        lines = list(order.lines.order_by("pk"))
        for line in lines:
            arrival = checks.get(line.pk)
            if arrival not in ARRIVALS:
                raise ApplicationError(MSG_CHECK_MISSING, field="checks")
            line.arrival = arrival
            line.arrival_checked_at = now
        OrderLine.objects.bulk_update(lines, ["arrival", "arrival_checked_at"])
        outcomes.append(
            _Outcome(
                order=order,
                received=[line for line in lines if line.arrival == Arrival.RECEIVED],
                missing=[line for line in lines if line.arrival != Arrival.RECEIVED],
            )
        )
    return outcomes


def _shelf_positions(outcomes: list[_Outcome], shelf: dict, point) -> dict[int, ShelfPosition]:
    """The shelf position of each order going on the shelf, checked before anything moves."""
    active = {position.pk: position for position in point.shelf_positions.filter(is_active=True)}
    chosen = {}
    for outcome in outcomes:
        if not outcome.received or outcome.order.state != Order.State.PREPARING:
            continue
        raw = shelf.get(outcome.order.pk)
        if raw in (None, ""):
            if active:
                raise ApplicationError(
                    MSG_SHELF_REQUIRED % {"number": outcome.order.number}, field="shelf"
                )
            continue
        try:
            chosen[outcome.order.pk] = active[int(raw)]
        except (KeyError, TypeError, ValueError):
            raise ApplicationError(MSG_SHELF_INVALID, field="shelf") from None
    return chosen


def _shelve(outcome: _Outcome, *, clerk_user, position, hold_days: int, now) -> None:
    order = outcome.order
    note = NOTE_SHORT % {"lines": _lines_text(outcome.missing)} if outcome.missing else ""
    order_move(order, states.ARRIVE, actor=clerk_user, note=note)
    order.shelf_position = position
    order.save(update_fields=["shelf_position", "updated_at"])
    if outcome.missing and order.is_online:
        refund_request_lines_create(
            actor=clerk_user,
            order=order,
            lines=outcome.missing,
            reason=str(REASON_SHORT % {"lines": _lines_text(outcome.missing)}),
        )
    by = collect_by(now, hold_days=hold_days)
    values = {
        "point": order.service_point.name,
        "code": order.pickup_code,
        "month": by.month,
        "day": by.day,
    }
    if position is not None:
        text = str(SMS_PARCEL_ARRIVED % {**values, "shelf": position.label})
    else:
        text = str(SMS_PARCEL_ARRIVED_NO_SHELF % values)
    if outcome.missing:
        titles = "、".join(line.title for line in outcome.missing)
        if order.is_online:
            amount = sum(line.line_total_fen for line in outcome.missing)
            text += str(SMS_PART_REFUND % {"lines": titles, "amount": yuan(amount)})
        else:
            text += str(SMS_PART_CASH % {"lines": titles, "amount": yuan(order_cash_due(order))})
    _sms(order, text)


def _nothing_arrived(outcome: _Outcome, *, clerk_user) -> None:
    order = outcome.order
    reason = str(REASON_ALL_SHORT % {"lines": _lines_text(outcome.missing)})
    if order.is_online:
        order_move(order, states.REQUEST_REFUND, actor=clerk_user, note=reason)
        order.state_before_refund = Order.State.PREPARING
        order.save(update_fields=["state_before_refund", "updated_at"])
        request = RefundRequest(
            order=order,
            reason=reason,
            amount_fen=order_refundable_fen(order),
            requested_by=clerk_user,
        )
        request.full_clean()
        request.save()
        text = SMS_NOTHING_ARRIVED_REFUND % {
            "number": order.number,
            "amount": yuan(request.amount_fen),
        }
    else:
        order_move(order, states.CANCEL_UNDELIVERED, actor=clerk_user, note=reason)
        order.cancelled_at = timezone.now()
        order.cancel_reason = reason[:255]
        order.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
        text = SMS_NOTHING_ARRIVED_CASH % {"number": order.number}
    _sms(order, str(text))


def _sms(order: Order, text: str) -> None:
    mobile = order.contact_mobile or order.buyer.mobile
    if mobile:
        sms_send(mobile=mobile, text=text)


@transaction.atomic
def point_delivery_receive(
    *,
    clerk_user,
    delivery: PointDelivery | int,
    checks: dict[int, str],
    shelf: dict[int, int | str | None] | None = None,
) -> PointDelivery:
    """Receive a dispatched delivery at the clerk's own point (rules in the module
    docstring). `checks`: order line id -> "received" / "short" / "damaged", for every line
    on the delivery; `shelf`: order id -> shelf position id, for the orders going on the
    shelf."""
    delivery = _lock_for_clerk(clerk_user, delivery)
    now = timezone.now()
    orders = [
        order_lock(pk)
        for pk in Order.objects.filter(point_delivery=delivery)
        .order_by("pk")
        .values_list("pk", flat=True)
    ]
    outcomes = _checks_apply(orders, checks, now)
    positions = _shelf_positions(outcomes, shelf or {}, delivery.point)
    hold_days = service_point_settings_get().parcel_hold_days
    # Notes, reasons and texts are kept and sent in the site's language, whoever is at the till.
    with translation.override(settings.LANGUAGE_CODE):
        for outcome in outcomes:
            if outcome.order.state != Order.State.PREPARING:
                continue
            if outcome.received:
                _shelve(
                    outcome,
                    clerk_user=clerk_user,
                    position=positions.get(outcome.order.pk),
                    hold_days=hold_days,
                    now=now,
                )
            else:
                _nothing_arrived(outcome, clerk_user=clerk_user)
    delivery.state = PointDelivery.State.RECEIVED
    delivery.received_by = clerk_user
    delivery.received_at = now
    delivery.full_clean(validate_constraints=False)
    delivery.save()
    return delivery
