"""Payment status and starting a payment through the API, with the sandbox bank in process."""

from county_sites.orders.models import Order
from county_sites.orders.services import MSG_AWAITING_BUYER
from county_sites.payments.models import Payment
from county_sites.payments.services import MSG_NOT_PAYABLE
from sandbox_bank.models import SandboxTransaction
from sandbox_bank.services import transaction_pay
from tests.api.conftest import API
from tests.fixtures.orders import place


def _pay(client, number):
    return client.post(f"{API}/orders/{number}/pay/", content_type="application/json")


def test_pay_returns_the_bank_page_and_status_follows_the_payment(
    api_client, buyer, tea, point, bank_in_process
):
    order = place(buyer, [(tea, 2)], point=point)
    status_path = f"{API}/orders/{order.number}/payment/"
    unpaid = {
        "order_number": order.number, "order_state": "placed", "order_state_label": "待支付",
        "payment_method": "bank_gateway", "amount_fen": 25_600, "amount_display": "¥256.00",
        "paid": False, "paid_at": None, "payment_state": "none",
    }  # fmt: skip
    assert api_client.get(status_path).json() == unpaid

    started = _pay(api_client, order.number)
    again = _pay(api_client, order.number)

    trade = SandboxTransaction.objects.get(out_trade_no=order.number)
    assert started.status_code == 200
    assert started.json() == {
        "order_number": order.number,
        "redirect_url": f"http://localhost:8000/sandbox-bank/pay/{trade.token}/",
    }
    assert again.json() == started.json()
    assert api_client.get(status_path).json() == unpaid | {"payment_state": "pending"}

    transaction_pay(token=trade.token)  # paid at the bank; the notify has not come yet
    assert api_client.get(status_path).json()["paid"] is False
    refreshed = api_client.get(status_path, {"refresh": "true"})

    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert refreshed.status_code == 200
    body = refreshed.json()
    assert body["paid"] is True
    assert (body["order_state"], body["order_state_label"]) == ("paid", "已支付")
    assert body["payment_state"] == "succeeded"
    assert Payment.objects.get().state == Payment.State.SUCCEEDED


def test_a_cash_order_has_nothing_to_pay_online(api_client, buyer, tea, point):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")

    started = _pay(api_client, order.number)
    status = api_client.get(f"{API}/orders/{order.number}/payment/")

    assert started.json() == {"order_number": order.number, "redirect_url": None}
    assert status.json()["paid"] is False
    assert status.json()["payment_state"] == "none"
    assert not Payment.objects.exists()


def test_paying_a_cancelled_order_is_the_services_refusal(
    api_client, buyer, tea, point, bank_in_process
):
    order = place(buyer, [(tea, 1)], point=point)
    api_client.post(f"{API}/orders/{order.number}/cancel/", content_type="application/json")

    response = _pay(api_client, order.number)

    assert response.status_code == 400
    assert response.json() == {
        "detail": MSG_NOT_PAYABLE % {"number": order.number, "state": "已取消"}, "field": None,
    }  # fmt: skip
    assert not Payment.objects.exists()


def test_paying_an_order_the_buyer_has_not_confirmed_is_refused(
    api_client, buyer, county_operator, tea, point, bank_in_process
):
    order = place(buyer, [(tea, 1)], point=point, entered_by=county_operator)

    response = _pay(api_client, order.number)

    assert response.status_code == 400
    assert response.json() == {
        "detail": MSG_AWAITING_BUYER % {"number": order.number, "action": "支付"}, "field": "state",
    }  # fmt: skip
    assert not Payment.objects.exists()
    assert not SandboxTransaction.objects.filter(out_trade_no=order.number).exists()
