"""Payment of an order: its status (from a PaymentStatus) and where to pay."""

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from ninja import Schema

from core.money import yuan_sign
from county_sites.orders.models import Order
from county_sites.payments.models import Payment


@dataclass(frozen=True)
class PaymentStatus:
    """What GET /orders/{number}/payment/ answers from: the order, its online payment row if
    it was ever sent to the bank, and whether it is paid (the provider's word for cash)."""

    order: Order
    payment: Payment | None
    paid: bool


class PaymentStatusOut(Schema):
    order_number: str
    order_state: str
    order_state_label: str
    payment_method: str
    amount_fen: int
    amount_display: str
    paid: bool
    paid_at: dt.datetime | None
    payment_state: Literal["none", "pending", "succeeded", "closed"]

    @staticmethod
    def resolve_order_number(status: PaymentStatus) -> str:
        return status.order.number

    @staticmethod
    def resolve_order_state(status: PaymentStatus) -> str:
        return status.order.state

    @staticmethod
    def resolve_order_state_label(status: PaymentStatus) -> str:
        return str(status.order.get_state_display())

    @staticmethod
    def resolve_payment_method(status: PaymentStatus) -> str:
        return status.order.payment_method

    @staticmethod
    def resolve_amount_fen(status: PaymentStatus) -> int:
        return status.order.total_fen

    @staticmethod
    def resolve_amount_display(status: PaymentStatus) -> str:
        return yuan_sign(status.order.total_fen)

    @staticmethod
    def resolve_paid_at(status: PaymentStatus) -> dt.datetime | None:
        return status.order.paid_at

    @staticmethod
    def resolve_payment_state(status: PaymentStatus) -> str:
        return status.payment.state if status.payment is not None else "none"


# From {"order_number": the order's number, "redirect_url": the bank's pay page or None}.
class PayOut(Schema):
    order_number: str
    redirect_url: str | None
