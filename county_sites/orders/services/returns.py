"""Parcels not collected within the point's hold, returned to the county (issue 9, point 8):
by the point's clerk at the console (/clerk/overdue/) or by a county operator on the admin's
act page.

The return is its own decision, with no refund request to approve afterwards: its rule (the
hold has passed, the parcel is at the point) leaves nothing to judge, the goods go back to
stock at once, and a pending approval would leave the buyer's money waiting on a parcel that
is already gone. So for an online order the lines still on the shelf are refunded right away
through the refund path (a RefundRequest made approved, the money through
county_sites.payments.services.refund_execute, the refund and the reversal of those lines'
split in the ledger). A cash order has nothing to refund: the cash of lines already handed
over stays taken, the rest was never paid. Either way the lines still on the shelf go back to
their listings' stock, once (the return is a move to `returned`, which is final, and the
order's stock_released_at is set), and the buyer gets an SMS.

Lines handed over before stay handed over, and earn the point its commission on their value
(county_sites.ledger.point_commissions), as the last hand-over would have. Lines found short
or damaged on arrival are not returned here: they are after-sales cases of their own
(receiving).

Rules, each refusal an ApplicationError that changes nothing:

1. the actor is a county operator, or an active clerk of an open point;
2. a clerk's order is a pickup order at the clerk's own point, else "not found here";
3. no refund request is open on the order;
4. the order is at the service point (the return move, county_sites.orders.states);
5. it has waited the county's hold (ServicePointSettings.parcel_hold_days) whole days or
   more since it arrived, as the console flags it.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.services import sms_send
from core.errors import ApplicationError
from core.money import yuan
from core.roles import is_county_operator
from county_sites.credit.services import credit_return_record
from county_sites.ledger.point_commissions import ledger_point_commission_accrue
from county_sites.ledger.services import ledger_record_refund
from county_sites.orders import states
from county_sites.orders.models import Order, OrderLine, RefundRequest
from county_sites.orders.selectors import (
    days_waiting,
    handover_is_first,
    order_arrived_at,
    order_lines_to_hand_over,
    order_return_refund_due,
)
from county_sites.orders.services.base import order_lock, order_move, order_move_check
from county_sites.orders.services.handover import MSG_NOT_FOUND_HERE, MSG_REFUND_OPEN
from county_sites.payments.services import refund_execute
from farmers.models import Listing
from farmers.services.province import listing_province_sync_queue
from service_points.selectors import clerk_point_for_user, service_point_settings_get

MSG_RETURN_NOT_ALLOWED = _("只有本服务点的在岗店员或县里的运营人员才能退回包裹。")
MSG_NOT_OVERDUE = _("订单 %(number)s 到站 %(days)s 天，保留期 %(hold)s 天，还不能退回。")
NOTE_RETURNED = _("超过保留期未取，退回县里")
SMS_RETURNED_REFUND = _(
    "【丰收】订单 %(number)s 超过保留期未取，已退回县里，未取商品的 %(amount)s 元将原路退回。"
)
SMS_RETURNED = _("【丰收】订单 %(number)s 超过保留期未取，已退回县里，订单已关闭。")
REASON_MAX = 255


@transaction.atomic
def order_return(
    *, actor, order: Order | int, reason: str = "", now: dt.datetime | None = None
) -> Order:
    """Return a parcel that waited past the hold to the county (rules in the module
    docstring): refund (online) and restock what was still on the shelf, `returned`, SMS.
    `now` is the moment the hold is measured at (tests); the bookings carry the real time.
    Returns the order with `refund_request` (None when nothing was refunded)."""
    operator = is_county_operator(actor)
    point = None if operator else clerk_point_for_user(user=actor)
    if not operator and point is None:
        raise ApplicationError(MSG_RETURN_NOT_ALLOWED)
    try:
        order = order_lock(order)
    except Order.DoesNotExist:
        raise ApplicationError(MSG_NOT_FOUND_HERE) from None
    if point is not None and (
        order.fulfilment != Order.Fulfilment.PICKUP or order.service_point_id != point.pk
    ):
        raise ApplicationError(MSG_NOT_FOUND_HERE)
    if RefundRequest.objects.filter(order=order, state=RefundRequest.State.REQUESTED).exists():
        raise ApplicationError(MSG_REFUND_OPEN % {"number": order.number}, field="state")
    order_move_check(order, states.RETURN)
    hold = service_point_settings_get().parcel_hold_days
    waited = days_waiting(arrived_at=order_arrived_at(order=order), now=now)
    if waited < hold:
        raise ApplicationError(
            MSG_NOT_OVERDUE % {"number": order.number, "days": waited, "hold": hold}
        )
    note = str((reason or "").strip() or NOTE_RETURNED)[:REASON_MAX]
    lines = order_lines_to_hand_over(order=order)
    at = timezone.now()
    refund_request = _refund(order, lines=lines, actor=actor, note=note, at=at)
    _restock(order, lines=lines, at=at)
    order_move(order, states.RETURN, actor=actor, note=note)
    # What the buyer did collect before the rest came back earns the point its commission,
    # as a last hand-over would have (moves.order_collect_locked); once for the order.
    handed_over_fen = sum(
        order.lines.filter(handed_over_at__isnull=False).values_list("line_total_fen", flat=True)
    )
    if handed_over_fen:
        ledger_point_commission_accrue(
            order=order, point=order.service_point, value_fen=handed_over_fen, at=at
        )
    order.cancelled_at = at
    order.cancel_reason = note
    order.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
    _sms_returned(order, refund_request)
    order.refund_request = refund_request
    return order


def _refund(order: Order, *, lines: list[OrderLine], actor, note: str, at) -> RefundRequest | None:
    """An online order's money for `lines` (and the delivery fee if nothing was handed over)
    back to the buyer, decided by the return itself."""
    amount = order_return_refund_due(order)
    if amount == 0:
        return None
    fee = handover_is_first(order=order)
    request = RefundRequest(
        order=order,
        reason=note,
        amount_fen=amount,
        state=RefundRequest.State.APPROVED,
        requested_by=actor,
        requested_at=at,
        decided_by=actor,
        decided_at=at,
    )
    request.full_clean(validate_constraints=False)
    request.save()
    if not fee:  # some lines left with the buyer: the request covers the ones still here
        request.scope = RefundRequest.Scope.LINES
        request.save(update_fields=["scope"])
        request.lines.set(lines)
    refund_execute(order=order, refund_request=request)
    credit_return_record(order=order, refund_request=request)  # a credit order's line
    ledger_record_refund(order=order, refund_request=request, lines=None if fee else lines, at=at)
    return request


def _restock(order: Order, *, lines: list[OrderLine], at) -> None:
    """The returned lines' quantities back to their listings, once ever (stock_released_at),
    in listing order like every stock write (no deadlocks)."""
    if order.stock_released_at is not None:
        return
    for line in sorted(lines, key=lambda line: (line.listing_id, line.pk)):
        Listing.objects.filter(pk=line.listing_id).update(stock=F("stock") + line.quantity)
    listing_province_sync_queue(listing_ids=[line.listing_id for line in lines])
    order.stock_released_at = at
    order.save(update_fields=["stock_released_at", "updated_at"])


def _sms_returned(order: Order, refund_request: RefundRequest | None) -> None:
    mobile = order.contact_mobile or order.buyer.mobile
    if not mobile:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if refund_request is not None:
            text = SMS_RETURNED_REFUND % {
                "number": order.number,
                "amount": yuan(refund_request.amount_fen),
            }
        else:
            text = SMS_RETURNED % {"number": order.number}
        text = str(text)
    sms_send(mobile=mobile, text=text)
