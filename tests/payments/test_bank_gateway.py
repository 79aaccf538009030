"""The bank gateway with the sandbox bank: start, notify (signed, checked, idempotent),
reconciliation, and refusals of forged, replayed or mismatched notifies that change nothing."""

import secrets
import time

import pytest

from county_sites.ledger.models import LedgerEntry
from county_sites.orders.models import Order
from county_sites.orders.services import order_pay_start, order_payment_reconcile
from county_sites.payments import signing as county_signing
from county_sites.payments.models import NotifyNonce, Payment, PaymentSettings
from sandbox_bank import signing as bank_signing
from sandbox_bank.models import SandboxMerchant, SandboxTransaction
from sandbox_bank.services import notify_payload, transaction_pay
from tests.fixtures.orders import place

NOTIFY = "/payments/notify/bank-gateway/"


@pytest.fixture
def started(buyer, tea, point, bank_in_process):
    """An online order sent to the sandbox bank: (order, pay URL, bank transaction)."""
    order = place(buyer, [(tea, 2)], point=point)
    url = order_pay_start(
        order=order,
        notify_url="http://anji.localhost/payments/notify/bank-gateway/",
        return_url=f"http://anji.localhost/payments/return/{order.number}/",
    )
    return order, url, SandboxTransaction.objects.get(out_trade_no=order.number)


def _paid_notify(trade, **changes) -> dict:
    """What the bank would send once the buyer paid, with `changes` applied before signing."""
    payload = {k: v for k, v in notify_payload(trade=trade).items() if k != "sign"}
    payload.update(changes)
    return bank_signing.signed(payload, trade.merchant.secret)


def _snapshot(order):
    order.refresh_from_db()
    return {
        "order": (order.state, order.paid_at),
        "ledger": list(LedgerEntry.objects.order_by("pk").values()),
        "payments": list(Payment.objects.order_by("pk").values()),
        "nonces": NotifyNonce.objects.count(),
    }


def test_start_opens_the_merchant_and_redirects_to_the_sandbox_pay_page(started, county):
    order, url, trade = started

    merchant = SandboxMerchant.objects.get(county_id=county.pk)
    account = PaymentSettings.objects.get()
    assert (account.merchant_id, account.secret) == (merchant.merchant_id, merchant.secret)
    assert url == f"http://localhost:8000/sandbox-bank/pay/{trade.token}/"
    assert (trade.amount_fen, trade.state) == (25_600, "pending")
    assert Payment.objects.get(order=order).state == Payment.State.PENDING


def test_starting_again_reuses_the_same_bank_transaction(started):
    order, url, _trade = started

    again = order_pay_start(order=order, notify_url="http://x/", return_url="http://y/")

    assert again == url
    assert SandboxTransaction.objects.filter(out_trade_no=order.number).count() == 1


def test_a_valid_notify_marks_paid_and_books_the_ledger_once(started, county_client):
    order, _url, trade = started
    transaction_pay(token=trade.token)
    trade.refresh_from_db()

    first = county_client.post(NOTIFY, _paid_notify(trade))
    duplicate = county_client.post(NOTIFY, _paid_notify(trade))  # a redelivery, new nonce

    assert (first.status_code, first.content) == (200, b"success")
    assert (duplicate.status_code, duplicate.content) == (200, b"success")
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert Payment.objects.get(order=order).bank_trade_no == trade.trade_no
    assert LedgerEntry.objects.filter(order=order, kind="payment").count() == 1
    assert LedgerEntry.objects.get(order=order, kind="payment").amount_fen == 25_600


@pytest.mark.parametrize(
    "tamper",
    [
        "forged_signature",
        "wrong_secret",
        "amount_mismatch",
        "unknown_order",
        "other_merchant",
        "stale_timestamp",
        "future_timestamp",
        "not_success",
        "missing_field",
    ],
)
def test_bad_notifies_are_4xx_and_change_nothing(started, county_client, tamper):
    order, _url, trade = started
    transaction_pay(token=trade.token)
    trade.refresh_from_db()
    secret = trade.merchant.secret
    if tamper == "forged_signature":
        payload = {**_paid_notify(trade), "sign": "0" * 64}
    elif tamper == "wrong_secret":
        payload = bank_signing.signed(
            {k: v for k, v in _paid_notify(trade).items() if k != "sign"}, "guessed-secret"
        )
    elif tamper == "amount_mismatch":
        payload = _paid_notify(trade, amount_fen="1")
    elif tamper == "unknown_order":
        payload = _paid_notify(trade, out_trade_no="99999999999999")
    elif tamper == "other_merchant":
        payload = _paid_notify(trade, merchant_id="SBXOTHER")
    elif tamper == "stale_timestamp":
        payload = _paid_notify(trade, timestamp=str(int(time.time()) - 3600))
    elif tamper == "future_timestamp":
        payload = _paid_notify(trade, timestamp=str(int(time.time()) + 3600))
    elif tamper == "not_success":
        payload = _paid_notify(trade, trade_status="CLOSED")
    else:
        payload = _paid_notify(trade)
        del payload["nonce"]
        payload["sign"] = bank_signing.sign(payload, secret)
    before = _snapshot(order)

    response = county_client.post(NOTIFY, payload)

    assert 400 <= response.status_code < 500
    assert response.content != b"success"
    assert _snapshot(order) == before
    assert before["order"] == (Order.State.PLACED, None)


def test_a_replayed_notify_is_refused_and_changes_nothing(started, county_client):
    order, _url, trade = started
    transaction_pay(token=trade.token)
    trade.refresh_from_db()
    payload = _paid_notify(trade)
    assert county_client.post(NOTIFY, payload).status_code == 200
    before = _snapshot(order)

    replay = county_client.post(NOTIFY, payload)

    assert replay.status_code == 409
    assert _snapshot(order) == before


def test_a_notify_for_another_countys_merchant_is_refused_on_this_host(
    started, county_client, other_county
):
    """County B's secret and merchant id cannot pay county A's order."""
    from sandbox_bank.services import merchant_open

    order, _url, trade = started
    transaction_pay(token=trade.token)
    trade.refresh_from_db()
    other = merchant_open(county_id=other_county.pk, name="淳安县")
    payload = {k: v for k, v in notify_payload(trade=trade).items() if k != "sign"}
    payload["merchant_id"] = other.merchant_id
    before = _snapshot(order)

    response = county_client.post(NOTIFY, bank_signing.signed(payload, other.secret))

    assert response.status_code == 403
    assert _snapshot(order) == before


def test_reconciliation_applies_a_payment_whose_notify_was_lost(started):
    order, _url, trade = started
    assert order_payment_reconcile(order_id=order.pk) is False  # not paid yet

    transaction_pay(token=trade.token)  # the notify never arrives
    assert order_payment_reconcile(order_id=order.pk) is True
    assert order_payment_reconcile(order_id=order.pk) is False

    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert LedgerEntry.objects.filter(order=order, kind="payment").count() == 1


def test_the_bank_and_the_county_sign_alike():
    fields = {"b": "2", "a": "1", "empty": "", "sign": "ignored", "中文": "白茶"}
    secret = secrets.token_urlsafe(32)

    assert bank_signing.canonical(fields) == "a=1&b=2&中文=白茶"
    assert bank_signing.sign(fields, secret) == county_signing.sign(fields, secret)
    assert county_signing.verify(bank_signing.signed(fields, secret), secret)
    assert not county_signing.verify({**bank_signing.signed(fields, secret), "a": "9"}, secret)
