"""Orders paid later, from the buyer's credit line (issue 11, point 2).

The line, the draw and its schedule are county_sites.credit's; this moves the order: a credit
order is paid (placed -> paid, booked in the ledger as a `payment` with provider
`credit_line`: the bank pays the county the whole total, so sellers are settled exactly as for
an online payment) in the transaction that draws on the line. The buyer's own order draws at
placing; an order a clerk entered draws when the villager confirms it (services.assisted),
never before: the clerk alone cannot spend a villager's credit.
"""

from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from county_sites.credit.models import TERM_CHOICES
from county_sites.credit.services import (
    credit_bank_ready,
    credit_draw_bank_send,
    credit_draw_locked,
)
from county_sites.orders.models import Order
from county_sites.orders.services.paying import order_mark_paid

MSG_CREDIT_TERM_REQUIRED = _("请选择分期期数：1、3 或 6 期。")


def credit_term_check(*, payment_method: str, credit_term) -> int | None:
    """The term of a credit order (1, 3 or 6, refused otherwise); None for any other."""
    if payment_method != Order.PaymentMethod.CREDIT_LINE:
        return None
    term = int(credit_term) if str(credit_term or "").isdigit() else None
    if term not in TERM_CHOICES:
        raise ApplicationError(MSG_CREDIT_TERM_REQUIRED, field="credit_term")
    return term


def credit_order_prepare() -> None:
    """Before the transaction that draws (placing, or the villager's confirmation): the
    county's merchant account at the bank exists and is committed."""
    credit_bank_ready()


def order_pay_from_credit_locked(order: Order) -> Order:
    """Draw the locked, confirmed credit order's total on the buyer's line, mark it paid and
    book it, then (last) have the bank lend it; raises (ApplicationError) leaving the caller's
    transaction to undo everything."""
    draw = credit_draw_locked(order=order, term_months=order.credit_term_months)
    order = order_mark_paid(order=order)
    credit_draw_bank_send(draw=draw)
    return order
