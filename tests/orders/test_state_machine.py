"""The order state machine: operator moves, refusals that change nothing, cancellation and
the payment timeout giving stock back exactly once."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import ApplicationError
from county_sites.ledger.models import LedgerEntry
from county_sites.orders.models import Order, OrderEvent
from county_sites.orders.services import (
    MSG_CANNOT_MOVE,
    MSG_OPERATOR_ONLY,
    MSG_PICKUP_CODE_WRONG,
    order_arrive,
    order_cancel,
    order_collect,
    order_deliver,
    order_mark_paid,
    order_pay_start,
    order_prepare,
    orders_cancel_expired,
)
from tests.fixtures.orders import place


def _state(order):
    order.refresh_from_db()
    return order.state


def test_online_pickup_order_goes_paid_preparing_at_point_collected(
    buyer, county_operator, tea, point
):
    order = place(buyer, [(tea, 1)], point=point)
    order_mark_paid(order=order)
    order_prepare(order=order, actor=county_operator)
    order_arrive(order=order, actor=county_operator)
    order_collect(order=order, actor=county_operator, pickup_code=order.pickup_code)

    assert _state(order) == Order.State.COLLECTED
    assert list(OrderEvent.objects.filter(order=order).values_list("to_state", flat=True)) == [
        "placed", "paid", "preparing", "at_service_point", "collected",
    ]  # fmt: skip
    # Online money was booked at payment, not again at collection.
    assert LedgerEntry.objects.filter(order=order, kind="payment").count() == 1
    assert not LedgerEntry.objects.filter(kind="cash_collected").exists()


def test_cash_order_skips_paid_and_books_the_cash_at_collection(buyer, county_operator, tea, point):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    order_prepare(order=order, actor=county_operator)
    order_arrive(order=order, actor=county_operator)
    assert not LedgerEntry.objects.exists()

    order_collect(order=order, actor=county_operator, pickup_code=order.pickup_code)

    assert _state(order) == Order.State.COLLECTED
    cash = LedgerEntry.objects.get(order=order, kind="cash_collected")
    assert cash.amount_fen == 12_800


def test_delivery_order_is_delivered(buyer, county_operator, tea, zone):
    order = place(buyer, [(tea, 1)], zone=zone)
    order_mark_paid(order=order)
    order_prepare(order=order, actor=county_operator)
    order_deliver(order=order, actor=county_operator)

    assert _state(order) == Order.State.DELIVERED


@pytest.mark.parametrize(
    ("move", "label"),
    [
        (order_prepare, "开始备货"),
        (order_arrive, "标记为已到服务点"),
        (order_deliver, "标记为已送达"),
    ],
)
def test_moves_out_of_order_are_refused_and_change_nothing(
    buyer, county_operator, tea, point, move, label
):
    order = place(buyer, [(tea, 1)], point=point)  # online, unpaid
    events = OrderEvent.objects.count()

    with pytest.raises(ApplicationError) as refusal:
        move(order=order, actor=county_operator)

    assert str(refusal.value.message) == str(
        MSG_CANNOT_MOVE % {"number": order.number, "state": "待支付", "action": label}
    )
    assert _state(order) == Order.State.PLACED
    assert OrderEvent.objects.count() == events


def test_only_operators_move_orders(buyer, tea, point):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")

    with pytest.raises(ApplicationError) as refusal:
        order_prepare(order=order, actor=buyer)

    assert refusal.value.message == MSG_OPERATOR_ONLY
    assert _state(order) == Order.State.PLACED


def test_a_wrong_pickup_code_hands_nothing_over(buyer, county_operator, tea, point):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    order_prepare(order=order, actor=county_operator)
    order_arrive(order=order, actor=county_operator)
    wrong = "000000" if order.pickup_code != "000000" else "111111"

    with pytest.raises(ApplicationError) as refusal:
        order_collect(order=order, actor=county_operator, pickup_code=wrong)

    assert refusal.value.message == MSG_PICKUP_CODE_WRONG
    assert _state(order) == Order.State.AT_SERVICE_POINT
    assert not LedgerEntry.objects.exists()


def test_cancelling_restores_stock_exactly_once(buyer, tea, point):
    order = place(buyer, [(tea, 3)], point=point)
    tea.refresh_from_db()
    assert tea.stock == 17

    order_cancel(order=order, actor=buyer, reason="不要了")
    with pytest.raises(ApplicationError):
        order_cancel(order=order, actor=buyer)

    tea.refresh_from_db()
    assert tea.stock == 20
    assert _state(order) == Order.State.CANCELLED


def test_a_paid_order_cannot_be_cancelled(buyer, tea, point):
    order = place(buyer, [(tea, 3)], point=point)
    order_mark_paid(order=order)

    with pytest.raises(ApplicationError):
        order_cancel(order=order, actor=buyer)

    tea.refresh_from_db()
    assert (tea.stock, _state(order)) == (17, Order.State.PAID)


def test_another_resident_cannot_cancel(buyer, other_buyer, tea, point):
    order = place(buyer, [(tea, 3)], point=point)

    with pytest.raises(ApplicationError):
        order_cancel(order=order, actor=other_buyer)

    assert _state(order) == Order.State.PLACED


def test_unpaid_online_orders_time_out_after_30_minutes_and_release_stock(
    buyer, tea, shoots, point, bank_in_process
):
    old = place(buyer, [(tea, 2)], point=point)
    order_pay_start(
        order=old, notify_url="http://anji.localhost/n/", return_url="http://anji.localhost/r/"
    )
    fresh = place(buyer, [(tea, 1)], point=point)
    cash = place(buyer, [(shoots, 1)], point=point, payment="cash_on_pickup")
    # The window counts from the buyer's confirmation, which is the placing for their own.
    half_an_hour_ago = timezone.now() - dt.timedelta(minutes=31)
    Order.objects.filter(pk__in=[old.pk, cash.pk]).update(
        placed_at=half_an_hour_ago, buyer_confirmed_at=half_an_hour_ago
    )

    cancelled = orders_cancel_expired()

    assert cancelled == [old.number]
    assert (_state(old), _state(fresh), _state(cash)) == ("cancelled", "placed", "placed")
    tea.refresh_from_db()
    assert tea.stock == 19
    assert orders_cancel_expired() == []
    tea.refresh_from_db()
    assert tea.stock == 19
    # The bank transaction was closed: it can no longer be paid.
    from sandbox_bank.models import SandboxTransaction

    assert SandboxTransaction.objects.get(out_trade_no=old.number).state == "closed"
