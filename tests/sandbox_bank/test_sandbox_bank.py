"""The sandbox bank: its pay page on the hub host, its signed API, and its notify task
delivering a signed notify the county accepts."""

import time

import pytest
from django_tenants.utils import tenant_context

from county_sites.orders.models import Order
from county_sites.orders.services import order_pay_start
from sandbox_bank import signing
from sandbox_bank.api import api_call
from sandbox_bank.models import SandboxMerchant, SandboxTransaction
from sandbox_bank.services import transaction_pay
from tests.fixtures.orders import place


@pytest.fixture
def trade(buyer, tea, point, bank_in_process):
    order = place(buyer, [(tea, 1)], point=point)
    order_pay_start(
        order=order,
        notify_url="http://anji.localhost/payments/notify/bank-gateway/",
        return_url=f"http://anji.localhost/payments/return/{order.number}/",
    )
    return SandboxTransaction.objects.select_related("merchant").get(out_trade_no=order.number)


def test_the_pay_page_shows_the_amount_and_pays_on_the_hub_host(
    trade, hub_client, django_capture_on_commit_callbacks
):
    page = hub_client.get(f"/sandbox-bank/pay/{trade.token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "沙箱银行" in html and "¥128.00" in html and 'value="pay"' in html

    with django_capture_on_commit_callbacks() as callbacks:
        paid = hub_client.post(f"/sandbox-bank/pay/{trade.token}/", {"action": "pay"})

    assert paid.status_code == 303
    assert paid["Location"] == trade.return_url
    trade.refresh_from_db()
    assert trade.state == "paid"
    assert len(callbacks) == 1  # the notify is queued once committed


def test_cancel_returns_without_paying(trade, hub_client):
    response = hub_client.post(f"/sandbox-bank/pay/{trade.token}/", {"action": "cancel"})

    assert response.status_code == 303
    trade.refresh_from_db()
    assert trade.state == "pending"


def test_an_unknown_token_is_404(hub_client, in_public):
    assert hub_client.get("/sandbox-bank/pay/nope/").status_code == 404


def test_the_api_refuses_a_bad_signature_and_an_old_request(trade):
    merchant = trade.merchant
    fields = {"merchant_id": merchant.merchant_id, "out_trade_no": trade.out_trade_no,
              "timestamp": int(time.time()), "nonce": "n1"}  # fmt: skip

    assert api_call("query", {**signing.signed(fields, merchant.secret), "sign": "x"})[0] == 403
    assert api_call("query", signing.signed(fields, "wrong"))[0] == 403
    assert api_call("query", signing.signed({**fields, "timestamp": 1}, merchant.secret))[0] == 400
    status, body = api_call("query", signing.signed(fields, merchant.secret))
    assert (status, body["trade_status"]) == (200, "WAIT_PAY")
    assert signing.verify(body, merchant.secret)


def test_a_closed_transaction_cannot_be_paid(trade):
    from sandbox_bank.services import SandboxBankError, transaction_close

    transaction_close(merchant=trade.merchant, out_trade_no=trade.out_trade_no)

    with pytest.raises(SandboxBankError):
        transaction_pay(token=trade.token)
    trade.refresh_from_db()
    assert trade.state == "closed"


def test_the_notify_task_posts_a_signed_notify_the_county_accepts(
    trade, county, county_client, monkeypatch
):
    """The task's HTTP POST is routed to the county's notify view through the test client."""
    from sandbox_bank import tasks

    posts = []

    def post_to_county(url, data, *, timeout):
        posts.append((url, data))
        response = county_client.post("/payments/notify/bank-gateway/", data)
        return response.status_code, response.content

    monkeypatch.setattr(tasks, "http_post_form", post_to_county)
    transaction_pay(token=trade.token)

    assert tasks.sandbox_notify_deliver.apply(args=(trade.pk,)).get() == "delivered"
    assert tasks.sandbox_notify_deliver.apply(args=(trade.pk,)).get() == "skipped"

    url, data = posts[0]
    assert url == "http://anji.localhost/payments/notify/bank-gateway/"
    assert signing.verify(data, trade.merchant.secret)
    assert len(posts) == 1
    with tenant_context(county):
        assert Order.objects.get(number=trade.out_trade_no).state == Order.State.PAID
    trade.refresh_from_db()
    assert trade.notified_at is not None


def test_merchants_are_one_per_county(trade, county):
    assert SandboxMerchant.objects.filter(county_id=county.pk).count() == 1
