"""After-sales: a refund request with photos; approve through the same provider (sandbox bank
refund API, or cash from the till); refuse back to the prior state."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.errors import ApplicationError
from county_sites.ledger.models import LedgerEntry
from county_sites.orders.models import Order, RefundRequest
from county_sites.orders.services import (
    MSG_REFUND_TOO_MANY_PHOTOS,
    MSG_REFUSAL_REASON_REQUIRED,
    order_arrive,
    order_collect,
    order_mark_paid,
    order_pay_start,
    order_prepare,
    refund_approve,
    refund_refuse,
    refund_request_create,
)
from county_sites.payments.models import Refund
from sandbox_bank.models import SandboxRefund, SandboxTransaction
from sandbox_bank.services import transaction_pay
from tests.fixtures.orders import place


def _jpeg(name="p.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def paid_order(buyer, tea, point, bank_in_process):
    order = place(buyer, [(tea, 2)], point=point)
    order_pay_start(order=order, notify_url="http://anji.localhost/n/", return_url="http://r/")
    transaction_pay(token=SandboxTransaction.objects.get(out_trade_no=order.number).token)
    return order_mark_paid(order=order)


def test_bank_refund_goes_back_through_the_sandbox_bank_and_restocks_unprepared(
    paid_order, buyer, county_operator, tea
):
    request = refund_request_create(
        buyer=buyer, order=paid_order, reason="买错了", photos=[_jpeg(), _jpeg()]
    )
    paid_order.refresh_from_db()
    assert (paid_order.state, paid_order.state_before_refund) == ("refund_requested", "paid")
    assert request.photos.count() == 2

    refund_approve(actor=county_operator, refund_request=request)

    paid_order.refresh_from_db()
    assert paid_order.state == Order.State.REFUNDED
    bank_refund = SandboxRefund.objects.get(transaction__out_trade_no=paid_order.number)
    assert bank_refund.amount_fen == 25_600
    assert Refund.objects.get(order=paid_order).bank_refund_no == bank_refund.refund_no
    assert LedgerEntry.objects.get(order=paid_order, kind="refund").amount_fen == 25_600
    tea.refresh_from_db()
    assert tea.stock == 20  # never prepared: back on the shelf


def test_cash_refund_is_booked_from_the_till(buyer, county_operator, tea, point):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    order_prepare(order=order, actor=county_operator)
    order_arrive(order=order, actor=county_operator)
    order_collect(order=order, actor=county_operator, pickup_code=order.pickup_code)
    request = refund_request_create(buyer=buyer, order=order, reason="坏了")

    refund_approve(actor=county_operator, refund_request=request)

    assert Refund.objects.get(order=order).provider == "cash_on_pickup"
    assert LedgerEntry.objects.get(order=order, kind="refund").amount_fen == 12_800
    tea.refresh_from_db()
    assert tea.stock == 19  # handed over: not restocked


def test_refusal_needs_a_reason_and_returns_the_order_to_where_it_was(
    paid_order, buyer, county_operator
):
    order_prepare(order=paid_order, actor=county_operator)
    request = refund_request_create(buyer=buyer, order=paid_order, reason="太慢了")

    with pytest.raises(ApplicationError) as refusal:
        refund_refuse(actor=county_operator, refund_request=request, reason=" ")
    assert refusal.value.message == MSG_REFUSAL_REASON_REQUIRED

    refund_refuse(actor=county_operator, refund_request=request, reason="已在备货")

    paid_order.refresh_from_db()
    request.refresh_from_db()
    assert paid_order.state == Order.State.PREPARING
    assert (request.state, request.refusal_reason) == ("refused", "已在备货")
    assert not LedgerEntry.objects.filter(kind="refund").exists()
    assert not SandboxRefund.objects.exists()


def test_more_than_three_photos_or_a_stranger_are_refused_and_change_nothing(
    paid_order, buyer, other_buyer
):
    with pytest.raises(ApplicationError) as refusal:
        refund_request_create(buyer=buyer, order=paid_order, reason="x", photos=[_jpeg()] * 4)
    assert str(refusal.value.message) == str(MSG_REFUND_TOO_MANY_PHOTOS % {"max": 3})
    with pytest.raises(ApplicationError):
        refund_request_create(buyer=other_buyer, order=paid_order, reason="x")

    paid_order.refresh_from_db()
    assert paid_order.state == Order.State.PAID
    assert not RefundRequest.objects.exists()


def test_an_unpaid_online_order_cannot_ask_for_a_refund(buyer, tea, point):
    order = place(buyer, [(tea, 1)], point=point)

    with pytest.raises(ApplicationError):
        refund_request_create(buyer=buyer, order=order, reason="x")

    assert not RefundRequest.objects.exists()


def test_a_resident_cannot_approve_their_own_refund(paid_order, buyer):
    request = refund_request_create(buyer=buyer, order=paid_order, reason="x")

    with pytest.raises(ApplicationError):
        refund_approve(actor=buyer, refund_request=request)

    assert not SandboxRefund.objects.exists()
    paid_order.refresh_from_db()
    assert paid_order.state == Order.State.REFUND_REQUESTED
