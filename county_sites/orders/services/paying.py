"""The money of online orders coming in: starting to pay, the bank's notify, reconciliation
with the bank, and the payment timeout.

county_sites.payments (below orders) talks to the bank and returns what it said; these services
move the order on with it (placed -> paid, booked in the ledger), in the same transaction as
the payment's record, so a refusal changes neither.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from county_sites.ledger.services import ledger_record_receipt
from county_sites.orders import states
from county_sites.orders.models import Order
from county_sites.orders.selectors import order_ids_awaiting_payment
from county_sites.orders.services.base import order_lock, order_move, order_move_check
from county_sites.orders.services.moves import order_cancel
from county_sites.payments.services import (
    MSG_NOT_PAYABLE,
    MSG_NOTIFY_ORDER_STATE,
    NotifyRejectedError,
    payment_notify_record,
    payment_notify_verify,
    payment_open,
    payment_pay_url,
    payment_query,
    payment_succeeded_record,
)

logger = logging.getLogger(__name__)

MSG_CANCELLED_TIMEOUT = _("超时未支付，订单已自动取消。")


@transaction.atomic
def order_mark_paid(*, order: Order | int) -> Order:
    """placed -> paid, and book the payment in the ledger, once the bank has confirmed the
    money (order_payment_notify, order_payment_reconcile); an already paid order is returned
    unchanged."""
    order = order_lock(order)
    if order.paid_at is not None:
        return order
    order_move(order, states.PAY)
    order.paid_at = timezone.now()
    order.save(update_fields=["paid_at", "updated_at"])
    ledger_record_receipt(order=order, cash=False, at=order.paid_at)
    return order


def order_pay_start(*, order: Order, notify_url: str, return_url: str) -> str | None:
    """Where to send the buyer to pay `order` (None for cash). Refused unless the order may be
    paid now (placed; an order entered for the buyer once they confirmed it). Starting twice
    reuses the same bank transaction."""
    if not order.is_bank_gateway:
        return None
    with transaction.atomic():
        order = order_lock(order)
        _payable_check(order)
        payment_open(order=order)
    return payment_pay_url(order=order, notify_url=notify_url, return_url=return_url)


def _payable_check(order: Order) -> None:
    if states.can(states.PAY, order):
        return
    if states.waits_for_buyer(states.PAY, order):
        order_move_check(order, states.PAY)  # raises: the buyer has to confirm it first
    raise ApplicationError(
        MSG_NOT_PAYABLE % {"number": order.number, "state": order.get_state_display()}
    )


def order_payment_notify(*, data: dict) -> Order:
    """Apply the bank's notify: verified by payments, then the order is marked paid in the
    same transaction as the payment's record. Raises NotifyRejectedError having changed
    nothing (forged, replayed, mismatched, or an order that can no longer be paid)."""
    notify = payment_notify_verify(data=data)
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(number=notify.order_number).first()
        if not payment_notify_record(notify=notify, order=order):
            return order  # already recorded: the order was marked paid then
        try:
            return order_mark_paid(order=order)
        except ApplicationError as refusal:
            # e.g. cancelled before the money arrived: left to an operator, nothing booked.
            logger.error("notify for %s refused: %s", order.number, refusal)
            raise NotifyRejectedError(MSG_NOTIFY_ORDER_STATE, status=409) from refusal


def order_payment_reconcile(*, order_id: int) -> bool:
    """Ask the bank about an unpaid online order and apply a confirmed payment (what a lost
    notify would have done). True if the order became paid."""
    order = Order.objects.get(pk=order_id)
    if order.state != Order.State.PLACED or not order.is_bank_gateway:
        return False
    result = payment_query(order=order)
    if result is None or not result.paid:
        return False
    with transaction.atomic():
        order = order_lock(order_id)
        if order.state != Order.State.PLACED:
            return False
        if result.amount_fen != order.total_fen:
            logger.error("bank amount %s != order %s total", result.amount_fen, order.number)
            return False
        if payment_succeeded_record(order=order, trade_no=result.trade_no):
            order_mark_paid(order=order)
    return True


def orders_reconcile_pending() -> list[str]:
    """Reconcile every online order still waiting for its money; the numbers now paid."""
    paid = []
    pending = Order.objects.filter(
        state=Order.State.PLACED,
        payment_method=Order.PaymentMethod.BANK_GATEWAY,
        payment__isnull=False,
    ).values_list("pk", "number")
    for order_id, number in pending:
        if order_payment_reconcile(order_id=order_id):
            paid.append(number)
    return paid


def order_expire(*, order_id: int, now=None) -> Order | None:
    """The payment timeout of one online order: ask the bank first (a lost notify must not
    cancel a paid order), then cancel and release the stock if it is still unpaid."""
    order_payment_reconcile(order_id=order_id)
    now = now or timezone.now()
    deadline = now - timezone.timedelta(minutes=settings.FENGSHOU_ORDER_PAYMENT_MINUTES)
    with transaction.atomic():
        order = order_lock(order_id)
        # Counted from the buyer's confirmation (placing, for their own orders): an order a
        # clerk entered is the villager's to pay only once they have agreed to it, and until
        # then it is held by its confirmation's own expiry (services.assisted).
        confirmed = order.buyer_confirmed_at
        if (
            order.state != Order.State.PLACED
            or not order.is_bank_gateway
            or confirmed is None
            or confirmed > deadline
        ):
            return None
        try:
            return order_cancel(order=order, actor=None, reason=MSG_CANCELLED_TIMEOUT)
        except ApplicationError:
            return None  # paid meanwhile: the next reconciliation applies it


def orders_cancel_expired(*, now=None) -> list[str]:
    """Cancel every online order unpaid FENGSHOU_ORDER_PAYMENT_MINUTES after the buyer
    confirmed it (placed it, for their own orders); their numbers."""
    now = now or timezone.now()
    cancelled = []
    for order_id in order_ids_awaiting_payment(
        older_than=now - timezone.timedelta(minutes=settings.FENGSHOU_ORDER_PAYMENT_MINUTES)
    ):
        order = order_expire(order_id=order_id, now=now)
        if order is not None:
            cancelled.append(order.number)
    return cancelled
