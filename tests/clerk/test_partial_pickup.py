"""Partial pickup at the clerk's console (issue 9, point 8): the buyer takes some lines now,
the rest waits under a new code. Cash is taken for the lines handed over only, once per
hand-over (a retried form books nothing twice), and the ledger adds up on the daily report.
Every refusal leaves orders, lines, hand-overs, codes, events, SMS, ledger and stock as they
were."""

import re

import pytest
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from accounts.models import SmsOutbox
from core.errors import ApplicationError
from county_sites.ledger.models import LedgerEntry
from county_sites.ledger.selectors import ledger_daily_totals, ledger_totals
from county_sites.orders.models import Order, OrderEvent, OrderHandover, OrderLine
from county_sites.orders.selectors import order_cash_due
from county_sites.orders.services import (
    HANDOVER_MAX_WRONG_TRIES,
    MSG_LINE_NOT_TO_HAND_OVER,
    MSG_NO_LINES_CHOSEN,
    MSG_NOT_FOUND_HERE,
    MSG_PICKUP_CODE_WRONG,
    MSG_REFUND_OPEN,
    MSG_TOO_MANY_TRIES,
    handover_wrong_tries,
    order_arrive,
    order_collect,
    order_hand_over,
    order_mark_paid,
    order_prepare,
    refund_request_create,
)
from farmers.models import Listing
from tests.fixtures.orders import place

HANDOVER = "/clerk/handover/"


@pytest.fixture(autouse=True)
def fresh_tries():
    """Wrong tries live in Redis, keyed by order id: start every test with none."""
    cache.clear()
    yield
    cache.clear()


def _at_point(operator, order):
    order_prepare(order=order, actor=operator)
    order_arrive(order=order, actor=operator)
    order.refresh_from_db()
    return order


@pytest.fixture
def cash_parcel(operator, buyer, tea, shoots, point):
    """Cash on pickup: 安吉白茶 × 1 (¥128.00) and 鲜竹笋 × 2 (¥13.00) on point P's shelf."""
    return _at_point(
        operator, place(buyer, [(tea, 1), (shoots, 2)], point=point, payment="cash_on_pickup")
    )


def _line(order, listing) -> OrderLine:
    return OrderLine.objects.get(order=order, listing=listing)


def _wrong(code):
    return "000000" if code != "000000" else "111111"


def _snapshot():
    return {
        "orders": list(
            Order.objects.order_by("pk").values_list(
                "pk", "state", "pickup_code", "completed_at", "updated_at"
            )
        ),
        "lines": list(
            OrderLine.objects.order_by("pk").values_list("pk", "handed_over_at", "handover_id")
        ),
        "handovers": list(OrderHandover.objects.order_by("pk").values_list("pk", "key")),
        "events": list(
            OrderEvent.objects.order_by("pk").values_list("pk", "to_state", "actor_id", "note")
        ),
        "ledger": list(LedgerEntry.objects.order_by("pk").values_list("pk", "kind", "amount_fen")),
        "sms": list(SmsOutbox.objects.order_by("pk").values_list("pk", "text")),
        "stock": list(Listing.objects.order_by("pk").values_list("pk", "stock")),
    }


def _refused(message, **kwargs):
    before = _snapshot()
    with pytest.raises(ApplicationError) as refusal:
        order_hand_over(**kwargs)
    assert refusal.value.message == message
    assert _snapshot() == before
    return refusal.value


def _split(order, kinds=("cash_collected", "seller_payable", "commission")):
    return sorted(
        LedgerEntry.objects.filter(order=order, kind__in=kinds).values_list(
            "kind", "amount_fen", "order_line__title", "receipt_key"
        )
    )


# ------------------------------------------------------------------------------
# The service
# ------------------------------------------------------------------------------
def test_a_partial_pickup_hands_over_the_chosen_lines_and_takes_their_cash_only(
    cash_parcel, clerk, buyer, tea, shoots
):
    old_code = cash_parcel.pickup_code
    stock_before = list(Listing.objects.order_by("pk").values_list("pk", "stock"))
    sms_before = SmsOutbox.objects.count()

    order = order_hand_over(
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=old_code,
        line_ids=[_line(cash_parcel, tea).pk],
        collected_by_name="张伟",
        relation="儿子",
        handover_key="form-1",
    )

    order.refresh_from_db()
    handover = OrderHandover.objects.get(order=order)
    assert (handover.key, handover.handed_by_id, handover.cash_fen) == (
        "form-1",
        clerk.user.pk,
        12_800,
    )
    assert (handover.collected_by_name, handover.relation) == ("张伟", "儿子")
    tea_line, shoots_line = _line(order, tea), _line(order, shoots)
    assert (tea_line.handover_id, tea_line.handed_over_at) == (handover.pk, handover.at)
    assert (shoots_line.handover_id, shoots_line.handed_over_at) == (None, None)
    # The order waits at the point for the rest, under a new code.
    assert order.state == Order.State.AT_SERVICE_POINT
    assert order.completed_at is None
    assert re.fullmatch(r"\d{6}", order.pickup_code) and order.pickup_code != old_code
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.from_state, event.to_state, event.actor_id) == (
        "at_service_point", "at_service_point", clerk.user.pk,
    )  # fmt: skip
    assert event.note == "部分交付：安吉白茶 × 1；代取：张伟（儿子）"
    # Cash for the tea only, split for the tea line only, under the hand-over's key.
    assert _split(order) == [
        ("cash_collected", 12_800, None, "form-1"),
        ("commission", 640, "安吉白茶", "form-1"),
        ("seller_payable", 12_160, "安吉白茶", "form-1"),
    ]
    assert LedgerEntry.objects.get(order=order, kind="cash_collected").created_at == handover.at
    assert order_cash_due(order) == 1_300
    # The buyer is told the new code; the stock was taken at placing, not again.
    sms = SmsOutbox.objects.order_by("pk").last()
    assert SmsOutbox.objects.count() == sms_before + 1
    assert sms.mobile == buyer.mobile
    assert sms.text == (
        f"【丰收】订单 {order.number} 已取走部分商品。其余商品请凭新取货码 {order.pickup_code} "
        "到 递铺服务点 领取，原取货码作废。"
    )
    assert list(Listing.objects.order_by("pk").values_list("pk", "stock")) == stock_before


def test_the_old_code_is_void_and_the_new_one_hands_over_the_rest(cash_parcel, clerk, tea):
    old_code = cash_parcel.pickup_code
    order = order_hand_over(
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=old_code,
        line_ids=[_line(cash_parcel, tea).pk],
    )
    order.refresh_from_db()

    _refused(MSG_PICKUP_CODE_WRONG, clerk_user=clerk.user, order=order, pickup_code=old_code)

    order = order_hand_over(clerk_user=clerk.user, order=order, pickup_code=order.pickup_code)

    order.refresh_from_db()
    last = order.handover
    assert order.state == Order.State.COLLECTED
    assert order.completed_at == last.at
    assert last.cash_fen == 1_300
    assert OrderLine.objects.filter(order=order, handed_over_at__isnull=True).count() == 0
    assert OrderEvent.objects.filter(order=order).last().to_state == "collected"
    cash = LedgerEntry.objects.filter(order=order, kind="cash_collected").order_by("pk")
    assert [entry.amount_fen for entry in cash] == [12_800, 1_300]
    assert sum(entry.amount_fen for entry in cash) == order.total_fen
    assert order_cash_due(order) == 0


def test_money_adds_up_on_the_daily_report_after_hand_overs_in_parts(
    cash_parcel, clerk, operator, buyer, tea, shoots, point
):
    online = _at_point(
        operator, order_mark_paid(order=place(buyer, [(tea, 1), (shoots, 3)], point=point))
    )
    order = order_hand_over(
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=[_line(cash_parcel, shoots).pk],
    )
    order_hand_over(clerk_user=clerk.user, order=order, pickup_code=order.pickup_code)
    online = order_hand_over(
        clerk_user=clerk.user,
        order=online,
        pickup_code=online.pickup_code,
        line_ids=[_line(online, tea).pk],
    )
    today = timezone.localdate()

    (day,) = ledger_daily_totals(since=today, until=today)

    assert day.difference == 0
    assert day.get("cash_collected") == 14_100  # the cash order, in two parts
    assert day.get("payment") == 12_800 + 1_950  # the online order, once, at payment
    totals = ledger_totals()
    assert totals["payment"] + totals["cash_collected"] == (
        totals["seller_payable"] + totals["commission"] + totals.get("refund", 0)
    )
    assert LedgerEntry.objects.filter(order=online, kind="cash_collected").count() == 0


def test_an_online_order_in_parts_books_no_money_at_the_point(
    operator, buyer, tea, shoots, point, clerk
):
    order = _at_point(
        operator, order_mark_paid(order=place(buyer, [(tea, 1), (shoots, 2)], point=point))
    )
    ledger_before = _split(
        order, kinds=("payment", "cash_collected", "seller_payable", "commission")
    )

    order = order_hand_over(
        clerk_user=clerk.user,
        order=order,
        pickup_code=order.pickup_code,
        line_ids=[_line(order, tea).pk],
    )
    assert order.handover.cash_fen == 0
    order = order_hand_over(clerk_user=clerk.user, order=order, pickup_code=order.pickup_code)

    assert Order.objects.get(pk=order.pk).state == Order.State.COLLECTED
    assert (
        _split(order, kinds=("payment", "cash_collected", "seller_payable", "commission"))
        == ledger_before
    )


def test_the_same_hand_over_key_again_changes_nothing(cash_parcel, clerk, tea):
    tea_line = _line(cash_parcel, tea).pk
    first = order_hand_over(
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=[tea_line],
        handover_key="form-1",
    )
    before = _snapshot()

    # The same form again: the old code it carries is void by now, the lines are gone.
    again = order_hand_over(
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=[tea_line],
        handover_key="form-1",
    )

    assert again.replayed is True and first.replayed is False
    assert again.handover.pk == first.handover.pk
    assert _snapshot() == before
    assert handover_wrong_tries(cash_parcel) == 0


def test_the_delivery_fee_goes_with_the_first_hand_over_only(cash_parcel, clerk, tea, shoots):
    # Pickup orders have no fee today; the rule is there for an order that has one.
    Order.objects.filter(pk=cash_parcel.pk).update(
        delivery_fee_fen=500, total_fen=F("total_fen") + 500
    )
    assert order_cash_due(Order.objects.get(pk=cash_parcel.pk)) == 14_600

    order = order_hand_over(
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=[_line(cash_parcel, shoots).pk],
    )
    assert order.handover.cash_fen == 1_300 + 500
    order = order_hand_over(clerk_user=clerk.user, order=order, pickup_code=order.pickup_code)

    assert order.handover.cash_fen == 12_800
    fee = LedgerEntry.objects.get(order=order, kind="commission", order_line__isnull=True)
    assert fee.amount_fen == 500
    totals = ledger_totals()
    assert totals["cash_collected"] == 14_600 == totals["seller_payable"] + totals["commission"]


def test_a_short_line_is_not_handed_over_nor_paid_for_and_the_rest_completes_the_order(
    cash_parcel, clerk, tea, shoots
):
    OrderLine.objects.filter(pk=_line(cash_parcel, shoots).pk).update(arrival="short")
    OrderLine.objects.filter(pk=_line(cash_parcel, tea).pk).update(arrival="received")
    assert order_cash_due(cash_parcel) == 12_800

    _refused(
        MSG_LINE_NOT_TO_HAND_OVER,
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=[_line(cash_parcel, shoots).pk],
    )
    order = order_hand_over(
        clerk_user=clerk.user, order=cash_parcel, pickup_code=cash_parcel.pickup_code
    )

    order.refresh_from_db()
    assert order.state == Order.State.COLLECTED
    assert order.handover.cash_fen == 12_800
    assert _line(order, shoots).handed_over_at is None
    assert [
        e.amount_fen for e in LedgerEntry.objects.filter(order=order, kind="cash_collected")
    ] == [12_800]


def test_the_operators_collect_hands_over_what_is_left(cash_parcel, clerk, operator, tea):
    order = order_hand_over(
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=[_line(cash_parcel, tea).pk],
    )
    order.refresh_from_db()

    order_collect(order=order, actor=operator, pickup_code=order.pickup_code)

    order.refresh_from_db()
    assert order.state == Order.State.COLLECTED
    cash = LedgerEntry.objects.filter(order=order, kind="cash_collected").order_by("pk")
    assert [entry.amount_fen for entry in cash] == [12_800, 1_300]


# ------------------------------------------------------------------------------
# Refusals with lines chosen: nothing changes
# ------------------------------------------------------------------------------
def test_a_wrong_code_with_lines_chosen_changes_nothing(cash_parcel, clerk, tea):
    _refused(
        MSG_PICKUP_CODE_WRONG,
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=_wrong(cash_parcel.pickup_code),
        line_ids=[_line(cash_parcel, tea).pk],
    )
    assert handover_wrong_tries(cash_parcel) == 1


def test_another_points_parcel_and_another_points_clerk_are_refused(
    cash_parcel, clerk, clerk_q, operator, buyer, tea, point_q
):
    theirs = _at_point(operator, place(buyer, [(tea, 1)], point=point_q, payment="cash_on_pickup"))

    _refused(
        MSG_NOT_FOUND_HERE,
        clerk_user=clerk.user,
        order=theirs,
        pickup_code=theirs.pickup_code,
        line_ids=[_line(theirs, tea).pk],
    )
    _refused(
        MSG_NOT_FOUND_HERE,
        clerk_user=clerk_q.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=[_line(cash_parcel, tea).pk],
    )


def test_a_line_of_another_order_or_no_line_at_all_is_refused(
    cash_parcel, clerk, operator, buyer, tea, point
):
    other = _at_point(operator, place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup"))

    _refused(
        MSG_LINE_NOT_TO_HAND_OVER,
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=[_line(other, tea).pk],
    )
    _refused(
        MSG_NO_LINES_CHOSEN,
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=[],
    )
    _refused(
        MSG_LINE_NOT_TO_HAND_OVER,
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=["x"],
    )


def test_a_refund_open_refuses_a_partial_pickup(operator, buyer, tea, shoots, point, clerk):
    order = _at_point(
        operator, order_mark_paid(order=place(buyer, [(tea, 1), (shoots, 1)], point=point))
    )
    refund_request_create(buyer=buyer, order=order, reason="不想要了")

    _refused(
        MSG_REFUND_OPEN % {"number": order.number},
        clerk_user=clerk.user,
        order=order,
        pickup_code=order.pickup_code,
        line_ids=[_line(order, tea).pk],
    )


def test_too_many_tries_refuse_a_partial_pickup_even_with_the_right_code(cash_parcel, clerk, tea):
    for _ in range(HANDOVER_MAX_WRONG_TRIES):
        with pytest.raises(ApplicationError):
            order_hand_over(
                clerk_user=clerk.user,
                order=cash_parcel,
                pickup_code=_wrong(cash_parcel.pickup_code),
            )

    _refused(
        MSG_TOO_MANY_TRIES % {"minutes": 15},
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=[_line(cash_parcel, tea).pk],
    )


# ------------------------------------------------------------------------------
# The console page
# ------------------------------------------------------------------------------
def _key_of(page: str) -> str:
    return re.search(r'name="handover_key" value="([0-9a-f]{32})"', page).group(1)


def test_the_form_ticks_every_line_still_to_go_and_names_the_others(
    clerk_client, cash_parcel, tea, shoots
):
    OrderLine.objects.filter(pk=_line(cash_parcel, shoots).pk).update(arrival="damaged")

    page = clerk_client.get(HANDOVER, {"order": cash_parcel.number}).content.decode()

    tea_line, shoots_line = _line(cash_parcel, tea), _line(cash_parcel, shoots)
    assert f'name="lines" value="{tea_line.pk}" checked' in page
    assert f'value="{shoots_line.pk}"' not in page
    assert "破损，不交付" in page
    assert 'name="lines_shown" value="1"' in page
    assert "全部交付共 ¥128.00" in page
    assert _key_of(page)


def test_the_clerk_unticks_a_line_and_sees_the_cash_and_the_new_code(
    clerk_client, cash_parcel, tea, shoots
):
    page = clerk_client.get(HANDOVER, {"order": cash_parcel.number}).content.decode()
    form = {
        "order": cash_parcel.number,
        "handover_key": _key_of(page),
        "lines_shown": "1",
        "lines": [str(_line(cash_parcel, shoots).pk)],
        "pickup_code": cash_parcel.pickup_code,
    }

    response = clerk_client.post(HANDOVER, form)

    page = response.content.decode()
    order = Order.objects.get(pk=cash_parcel.pk)
    assert response.status_code == 200
    assert "请收取现金 ¥13.00，再交付以下商品：" in page
    assert "<strong>鲜竹笋 × 2</strong>" in page
    assert "其余商品留在店里" in page and "<strong>安吉白茶 × 1</strong>" in page
    assert f'<strong class="c-newcode">{order.pickup_code}</strong>' in page
    assert order.pickup_code != cash_parcel.pickup_code
    assert order.state == Order.State.AT_SERVICE_POINT

    # The same form posted again (a reload, a double tap): the same page, nothing booked twice.
    before = _snapshot()
    again = clerk_client.post(HANDOVER, form)

    assert again.status_code == 200
    assert "请收取现金 ¥13.00，再交付以下商品：" in again.content.decode()
    assert f'<strong class="c-newcode">{order.pickup_code}</strong>' in again.content.decode()
    assert _snapshot() == before
    assert LedgerEntry.objects.filter(order=order, kind="cash_collected").count() == 1
    assert handover_wrong_tries(order) == 0


def test_nothing_ticked_is_a_400_and_changes_nothing(clerk_client, cash_parcel, tea, shoots):
    before = _snapshot()

    response = clerk_client.post(
        HANDOVER,
        {"order": cash_parcel.number, "lines_shown": "1", "pickup_code": cash_parcel.pickup_code},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "请至少选择一件这次交付的商品。" in page
    # The form comes back unticked as it was sent.
    assert f'name="lines" value="{_line(cash_parcel, tea).pk}" checked' not in page
    assert _snapshot() == before


def test_the_form_without_an_order_looks_the_number_up_first(clerk_client, cash_parcel):
    page = clerk_client.get(HANDOVER).content.decode()

    assert 'method="get"' in page and 'name="order"' in page
    assert 'name="pickup_code"' not in page


def test_a_non_clerk_cannot_post_a_partial_pickup(county_client, buyer, cash_parcel, tea):
    county_client.force_login(buyer)
    before = _snapshot()

    response = county_client.post(
        HANDOVER,
        {
            "order": cash_parcel.number,
            "lines_shown": "1",
            "lines": [str(_line(cash_parcel, tea).pk)],
            "pickup_code": cash_parcel.pickup_code,
        },
    )

    assert response.status_code == 403
    assert _snapshot() == before
