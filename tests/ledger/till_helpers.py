"""Helpers for the till and point-commission tests: parcels handed over at a point, refunds
approved, and a snapshot of everything a refusal must leave as it was."""

from county_sites.ledger.models import LedgerEntry, TillClose
from county_sites.orders.services import (
    order_arrive,
    order_hand_over,
    order_mark_paid,
    order_pay_start,
    order_prepare,
    refund_approve,
    refund_request_create,
)
from tests.fixtures.orders import place


def handed_over(*, operator, clerk, buyer, lines, point, cash: bool):
    """A pickup order of `lines` at `point`, paid online (or cash on pickup), sent there and
    handed over by `clerk` with its code."""
    order = place(buyer, lines, point=point, payment="cash_on_pickup" if cash else "bank_gateway")
    if not cash:
        paid_at_the_bank(order)
    order_prepare(order=order, actor=operator)
    order_arrive(order=order, actor=operator)
    order.refresh_from_db()
    order = order_hand_over(clerk_user=clerk.user, order=order, pickup_code=order.pickup_code)
    order.refresh_from_db()
    return order


def paid_at_the_bank(order):
    """Pay an online order at the sandbox bank (use with the `bank_in_process` fixture), so
    its refund can go back through the bank."""
    from sandbox_bank.models import SandboxTransaction
    from sandbox_bank.services import transaction_pay

    order_pay_start(order=order, notify_url="http://anji.localhost/n/", return_url="http://r/")
    transaction_pay(token=SandboxTransaction.objects.get(out_trade_no=order.number).token)
    return order_mark_paid(order=order)


def refunded(*, operator, order):
    request = refund_request_create(buyer=order.buyer, order=order, reason="坏了")
    return refund_approve(actor=operator, refund_request=request)


def ledger_snapshot():
    return {
        "ledger": list(
            LedgerEntry.objects.order_by("pk").values_list(
                "pk", "kind", "amount_fen", "service_point_id", "order_id", "memo"
            )
        ),
        "closes": list(TillClose.objects.order_by("pk").values_list("pk", "business_day")),
    }
