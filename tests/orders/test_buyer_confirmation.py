"""An order a clerk entered on the buyer's behalf waits for the buyer's confirmation: until
then it cannot be paid, prepared, sent to the service point, handed over or delivered (the
refusal changes nothing); only the buyer can confirm it; once confirmed it moves on as any
order. Cancelling stays open."""

from urllib.parse import unquote

import pytest

from core.errors import ApplicationError
from county_sites.ledger.models import LedgerEntry
from county_sites.orders.models import Order, OrderEvent
from county_sites.orders.services import (
    MSG_AWAITING_BUYER,
    MSG_NOT_YOUR_ORDER,
    order_arrive,
    order_buyer_confirm,
    order_cancel,
    order_collect,
    order_deliver,
    order_mark_paid,
    order_pay_start,
    order_prepare,
)
from county_sites.payments.models import Payment
from farmers.models import Listing
from sandbox_bank.models import SandboxTransaction
from tests.fixtures.orders import place


def _snapshot(order) -> dict:
    """The order, its events, the money and the stock: what a refused move must not change."""
    return {
        "order": Order.objects.values().get(pk=order.pk),
        "events": list(OrderEvent.objects.order_by("pk").values()),
        "ledger": list(LedgerEntry.objects.order_by("pk").values()),
        "payments": list(Payment.objects.order_by("pk").values()),
        "bank": SandboxTransaction.objects.filter(out_trade_no=order.number).count(),
        "stock": list(Listing.objects.order_by("pk").values_list("pk", "stock")),
    }


def _awaiting(order, action: str) -> str:
    return str(MSG_AWAITING_BUYER % {"number": order.number, "action": action})


@pytest.fixture
def clerk(county_operator):
    """The service-point clerk typing the order in (an operator: they may also move it)."""
    return county_operator


@pytest.fixture
def entered_online(buyer, clerk, tea, point):
    return place(buyer, [(tea, 2)], point=point, entered_by=clerk)


@pytest.fixture
def entered_cash(buyer, clerk, tea, point):
    return place(buyer, [(tea, 2)], point=point, payment="cash_on_pickup", entered_by=clerk)


def test_an_unconfirmed_order_cannot_be_paid(entered_online, bank_in_process):
    order = entered_online
    before = _snapshot(order)

    with pytest.raises(ApplicationError) as marked:
        order_mark_paid(order=order)
    with pytest.raises(ApplicationError) as started:
        order_pay_start(order=order, notify_url="http://anji.localhost/n/", return_url="http://r/")

    assert str(marked.value.message) == _awaiting(order, "支付")
    assert str(started.value.message) == _awaiting(order, "支付")
    assert _snapshot(order) == before
    assert before["order"]["state"] == "placed" and before["bank"] == 0


def test_an_unconfirmed_cash_order_cannot_be_prepared(entered_cash, clerk):
    order = entered_cash
    before = _snapshot(order)

    with pytest.raises(ApplicationError) as refusal:
        order_prepare(order=order, actor=clerk)

    assert (refusal.value.field, str(refusal.value.message)) == (
        "state",
        _awaiting(order, "开始备货"),
    )
    assert _snapshot(order) == before


@pytest.mark.parametrize(
    ("state", "move", "action"),
    [
        ("preparing", "arrive", "标记为已到服务点"),
        ("at_service_point", "collect", "取货"),
    ],
)
def test_an_unconfirmed_order_already_under_way_is_not_moved_on(
    entered_cash, clerk, state, move, action
):
    """An order moved on before the rule (or by any other way round the services) still
    waits: not to the service point, not handed over, no cash booked."""
    order = entered_cash
    Order.objects.filter(pk=order.pk).update(state=state)
    before = _snapshot(order)

    with pytest.raises(ApplicationError) as refusal:
        if move == "arrive":
            order_arrive(order=order, actor=clerk)
        else:
            order_collect(order=order, actor=clerk, pickup_code=order.pickup_code)

    assert str(refusal.value.message) == _awaiting(order, action)
    assert _snapshot(order) == before
    assert not LedgerEntry.objects.exists()


def test_an_unconfirmed_delivery_order_is_not_delivered(buyer, clerk, tea, zone):
    order = place(buyer, [(tea, 1)], zone=zone, entered_by=clerk)
    Order.objects.filter(pk=order.pk).update(state="preparing")
    before = _snapshot(order)

    with pytest.raises(ApplicationError) as refusal:
        order_deliver(order=order, actor=clerk)

    assert str(refusal.value.message) == _awaiting(order, "标记为已送达")
    assert _snapshot(order) == before


def test_the_act_page_refuses_with_400_and_changes_nothing(operator_client, entered_cash):
    order = entered_cash
    before = _snapshot(order)

    response = operator_client.post(f"/admin/orders/act/{order.pk}/", {"move": "prepare"})

    assert response.status_code == 400
    assert _awaiting(order, "开始备货") in response.content.decode()
    assert _snapshot(order) == before


def test_the_pay_button_sends_back_to_the_order_page_with_the_refusal(
    county_client, buyer, entered_online, bank_in_process
):
    order = entered_online
    county_client.force_login(buyer)
    before = _snapshot(order)

    response = county_client.post(f"/payments/pay/{order.number}/")

    assert response.status_code == 303
    assert (
        unquote(response["Location"]) == f"/orders/{order.number}/?error={_awaiting(order, '支付')}"
    )
    assert _snapshot(order) == before
    page = county_client.get(response["Location"])
    assert _awaiting(order, "支付") in page.content.decode()


def test_only_the_buyer_can_confirm(entered_cash, other_buyer, clerk):
    order = entered_cash
    before = _snapshot(order)

    for stranger in (other_buyer, clerk):
        with pytest.raises(ApplicationError) as refusal:
            order_buyer_confirm(order=order, buyer=stranger)
        assert refusal.value.message == MSG_NOT_YOUR_ORDER

    assert _snapshot(order) == before
    assert before["order"]["buyer_confirmed_at"] is None
    with pytest.raises(ApplicationError) as still_waiting:
        order_prepare(order=order, actor=clerk)
    assert str(still_waiting.value.message) == _awaiting(order, "开始备货")


def test_once_the_buyer_confirms_a_cash_order_moves_on_as_any(entered_cash, buyer, clerk):
    order = order_buyer_confirm(order=entered_cash, buyer=buyer)
    order_prepare(order=order, actor=clerk)
    order_arrive(order=order, actor=clerk)
    order_collect(order=order, actor=clerk, pickup_code=order.pickup_code)

    order.refresh_from_db()
    assert order.state == Order.State.COLLECTED
    assert list(order.events.values_list("to_state", flat=True)) == [
        "placed", "preparing", "at_service_point", "collected",
    ]  # fmt: skip
    assert LedgerEntry.objects.get(order=order, kind="cash_collected").amount_fen == 25_600


def test_once_the_buyer_confirms_an_online_order_is_paid_and_prepared(
    entered_online, buyer, clerk, bank_in_process
):
    order = order_buyer_confirm(order=entered_online, buyer=buyer)

    url = order_pay_start(
        order=order, notify_url="http://anji.localhost/n/", return_url="http://r/"
    )
    order_mark_paid(order=order)
    order_prepare(order=order, actor=clerk)

    order.refresh_from_db()
    assert url.startswith("http://localhost:8000/sandbox-bank/pay/")
    assert order.state == Order.State.PREPARING
    assert LedgerEntry.objects.filter(order=order, kind="payment").count() == 1


def test_an_unconfirmed_order_can_still_be_cancelled_and_gives_its_stock_back(
    entered_cash, buyer, tea
):
    order_cancel(order=entered_cash, actor=buyer, reason="不要了")

    entered_cash.refresh_from_db()
    tea.refresh_from_db()
    assert (entered_cash.state, tea.stock) == (Order.State.CANCELLED, 20)
