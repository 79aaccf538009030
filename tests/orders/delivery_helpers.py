"""Helpers for the delivery-day, receiving and line-refund tests: orders paid through the
sandbox bank, and a delivery built and dispatched by the operator."""

import datetime as dt

from county_sites.ledger.selectors import ledger_totals
from county_sites.orders.models import PointDelivery
from county_sites.orders.services import (
    order_mark_paid,
    order_pay_start,
    point_delivery_create,
    point_delivery_dispatch,
    point_delivery_orders_add,
)
from sandbox_bank.models import SandboxTransaction
from sandbox_bank.services import transaction_pay

DAY = dt.date(2026, 12, 3)
PLACE = "县城物流中心（递铺街道 88 号）"


def paid(order):
    """The order paid online through the sandbox bank (use with `bank_in_process`)."""
    order_pay_start(order=order, notify_url="http://anji.localhost/n/", return_url="http://r/")
    transaction_pay(token=SandboxTransaction.objects.get(out_trade_no=order.number).token)
    return order_mark_paid(order=order)


def delivery_planned(operator, point, *, day=DAY) -> PointDelivery:
    """A planned delivery for `point` on `day` with every order that may go there, prepared."""
    delivery = point_delivery_create(actor=operator, point=point, day=day, collection_place=PLACE)
    point_delivery_orders_add(actor=operator, delivery=delivery, prepare=True)
    delivery.refresh_from_db()
    return delivery


def delivery_dispatched(operator, point, *, day=DAY) -> PointDelivery:
    delivery = delivery_planned(operator, point, day=day)
    return point_delivery_dispatch(actor=operator, delivery=delivery)


def ledger_adds_up() -> bool:
    """receipts = payables + commissions + refunds, over everything booked."""
    totals = ledger_totals()
    received = totals.get("payment", 0) + totals.get("cash_collected", 0)
    accounted = (
        totals.get("seller_payable", 0) + totals.get("commission", 0) + totals.get("refund", 0)
    )
    return received == accounted
