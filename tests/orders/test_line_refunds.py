"""Refunds of some lines (issue 9, point 7): a request covering the lines found short or
damaged gives back exactly their value through the bank, reverses only those lines' split in
the ledger and leaves the order where it is; the receipts invariant holds after every step.
A cash order is not charged for such lines instead (order_cash_due)."""

import pytest

from core.errors import ApplicationError
from county_sites.ledger.models import LedgerEntry
from county_sites.orders.models import Order, OrderLine, RefundRequest
from county_sites.orders.selectors import order_cash_due, order_refundable_fen
from county_sites.orders.services import (
    MSG_REFUND_ALREADY_OPEN,
    MSG_REFUND_LINES_INVALID,
    MSG_REFUND_LINES_ONLINE_ONLY,
    MSG_REFUND_NOT_ALLOWED,
    MSG_REFUND_OPEN,
    order_arrive,
    order_collect,
    order_hand_over,
    order_prepare,
    refund_approve,
    refund_refuse,
    refund_request_create,
    refund_request_lines_create,
)
from county_sites.payments.models import Refund
from sandbox_bank.models import SandboxRefund
from service_points.services import clerk_add
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place
from tests.orders.delivery_helpers import ledger_adds_up, paid

pytestmark = pytest.mark.usefixtures("bank_in_process")


@pytest.fixture
def at_point(operator, buyer, tea, shoots, point):
    """An online order of 安吉白茶 × 2 (¥256.00) and 鲜竹笋 × 3 (¥19.50) at the point."""
    order = paid(place(buyer, [(tea, 2), (shoots, 3)], point=point))
    order_prepare(order=order, actor=operator)
    order_arrive(order=order, actor=operator)
    order.refresh_from_db()
    return order


def _shoots_line(order) -> OrderLine:
    return order.lines.get(title="鲜竹笋")


def _snapshot():
    return {
        "requests": list(RefundRequest.objects.order_by("pk").values_list("pk", "state")),
        "orders": list(Order.objects.order_by("pk").values_list("pk", "state")),
        "ledger": LedgerEntry.objects.count(),
    }


def test_a_line_refund_gives_back_that_lines_value_and_reverses_that_line_only(
    at_point, operator, buyer, bamboo_seller
):
    line = _shoots_line(at_point)
    request = refund_request_lines_create(
        actor=operator, order=at_point, lines=[line], reason="缺货"
    )
    assert (request.scope, request.amount_fen) == ("lines", 1_950)
    assert list(request.lines.all()) == [line]
    assert Order.objects.get(pk=at_point.pk).state == Order.State.AT_SERVICE_POINT

    refund_approve(actor=operator, refund_request=request)

    at_point.refresh_from_db()
    assert at_point.state == Order.State.AT_SERVICE_POINT
    assert SandboxRefund.objects.get(transaction__out_trade_no=at_point.number).amount_fen == 1_950
    assert Refund.objects.get(refund_request=request).amount_fen == 1_950
    reversal = list(
        LedgerEntry.objects.filter(refund_request=request)
        .order_by("pk")
        .values_list("kind", "amount_fen", "order_line_id", "seller_id")
    )
    assert reversal == [
        ("refund", 1_950, None, None),
        ("seller_payable", -(1_950 - 97), line.pk, bamboo_seller.pk),
        ("commission", -97, line.pk, bamboo_seller.pk),
    ]
    assert ledger_adds_up()
    assert order_refundable_fen(at_point) == 25_600


def test_a_whole_order_refund_after_a_line_refund_gives_back_the_rest_exactly(
    at_point, operator, buyer
):
    first = refund_request_lines_create(
        actor=operator, order=at_point, lines=[_shoots_line(at_point)], reason="缺货"
    )
    refund_approve(actor=operator, refund_request=first)
    order_collect(order=at_point, actor=operator, pickup_code=at_point.pickup_code)

    rest = refund_request_create(buyer=buyer, order=at_point, reason="茶叶受潮")
    refund_approve(actor=operator, refund_request=rest)

    assert rest.amount_fen == 25_600
    at_point.refresh_from_db()
    assert at_point.state == Order.State.REFUNDED
    assert SandboxRefund.objects.filter(transaction__out_trade_no=at_point.number).count() == 2
    booked = LedgerEntry.objects.filter(order=at_point, kind__in=["seller_payable", "commission"])
    assert sum(booked.values_list("amount_fen", flat=True)) == 0
    assert ledger_adds_up()


def test_a_refused_line_refund_leaves_the_order_where_it_was(at_point, operator):
    request = refund_request_lines_create(
        actor=operator, order=at_point, lines=[_shoots_line(at_point)], reason="缺货"
    )

    refund_refuse(actor=operator, refund_request=request, reason="已找到")

    at_point.refresh_from_db()
    assert at_point.state == Order.State.AT_SERVICE_POINT
    assert not LedgerEntry.objects.filter(kind="refund").exists()


def test_a_second_open_request_is_refused_and_changes_nothing(at_point, operator, buyer):
    refund_request_lines_create(
        actor=operator, order=at_point, lines=[_shoots_line(at_point)], reason="缺货"
    )
    before = _snapshot()

    with pytest.raises(ApplicationError) as refusal:
        refund_request_create(buyer=buyer, order=at_point, reason="不要了")

    assert refusal.value.message == MSG_REFUND_ALREADY_OPEN % {"number": at_point.number}
    assert _snapshot() == before


def test_lines_of_another_order_or_refunded_already_are_refused(
    at_point, operator, buyer, tea, point
):
    other = paid(place(buyer, [(tea, 1)], point=point))
    line = _shoots_line(at_point)
    approved = refund_request_lines_create(
        actor=operator, order=at_point, lines=[line], reason="缺"
    )
    refund_approve(actor=operator, refund_request=approved)

    for lines in ([other.lines.get()], [line], []):
        before = _snapshot()
        with pytest.raises(ApplicationError) as refusal:
            refund_request_lines_create(actor=operator, order=at_point, lines=lines, reason="缺")
        assert refusal.value.message == MSG_REFUND_LINES_INVALID
        assert _snapshot() == before


def test_a_cash_order_gets_no_line_refund_and_a_stranger_none_at_all(
    at_point, operator, other_buyer, buyer, shoots, point
):
    cash = place(buyer, [(shoots, 2)], point=point, payment="cash_on_pickup")
    point_q = ServicePointFactory(name="梅溪服务点")
    clerk_q = clerk_add(actor=operator, mobile="13700137666", point=point_q)
    cases = [
        (operator, cash, MSG_REFUND_LINES_ONLINE_ONLY),
        (other_buyer, at_point, MSG_REFUND_NOT_ALLOWED),
        (clerk_q.user, at_point, MSG_REFUND_NOT_ALLOWED),
    ]
    for actor, order, message in cases:
        before = _snapshot()
        with pytest.raises(ApplicationError) as refusal:
            refund_request_lines_create(
                actor=actor, order=order, lines=list(order.lines.all()), reason="缺货"
            )
        assert refusal.value.message == message
        assert _snapshot() == before


def test_a_line_refund_open_does_not_hold_back_the_handover_a_whole_one_does(
    at_point, operator, buyer, tea, point
):
    clerk = clerk_add(actor=operator, mobile="13700137555", point=point)
    refund_request_lines_create(
        actor=clerk.user, order=at_point, lines=[_shoots_line(at_point)], reason="缺货"
    )

    order_hand_over(clerk_user=clerk.user, order=at_point, pickup_code=at_point.pickup_code)
    assert Order.objects.get(pk=at_point.pk).state == Order.State.COLLECTED

    whole = paid(place(buyer, [(tea, 1)], point=point))
    order_prepare(order=whole, actor=operator)
    order_arrive(order=whole, actor=operator)
    refund_request_create(buyer=buyer, order=whole, reason="不要了")
    with pytest.raises(ApplicationError) as refusal:
        order_hand_over(clerk_user=clerk.user, order=whole, pickup_code=whole.pickup_code)
    assert refusal.value.message == MSG_REFUND_OPEN % {"number": whole.number}


def test_a_cash_order_is_not_charged_for_a_short_line_and_the_ledger_adds_up(
    operator, buyer, tea, shoots, point, tea_seller
):
    order = place(buyer, [(tea, 1), (shoots, 2)], point=point, payment="cash_on_pickup")
    order_prepare(order=order, actor=operator)
    order_arrive(order=order, actor=operator)
    order.lines.filter(title="鲜竹笋").update(arrival="short")
    order.lines.filter(title="安吉白茶").update(arrival="received")
    assert order_cash_due(order) == 12_800

    order_collect(order=order, actor=operator, pickup_code=order.pickup_code)

    cash = LedgerEntry.objects.get(order=order, kind="cash_collected")
    assert cash.amount_fen == 12_800
    split = LedgerEntry.objects.filter(order=order, kind__in=["seller_payable", "commission"])
    assert set(split.values_list("seller_id", flat=True)) == {tea_seller.pk}
    assert ledger_adds_up()

    request = refund_request_create(buyer=buyer, order=order, reason="茶叶不好")
    assert request.amount_fen == 12_800
    refund_approve(actor=operator, refund_request=request)
    assert ledger_adds_up()


def test_an_online_order_owes_no_cash(at_point):
    assert order_cash_due(at_point) == 0
