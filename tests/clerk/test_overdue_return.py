"""Parcels not collected within the hold (issue 9, point 8): flagged from exactly the hold's
day on, listed at /clerk/overdue/, and returned to the county by the point's clerk or an
operator: an online order's lines still on the shelf refunded at once, every such line
restocked, once. Refusals (too early, twice, point Q's clerk, a refund open, not a clerk,
another county) change nothing."""

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import SmsOutbox
from core.errors import ApplicationError
from county_sites.clerk.selectors import clerk_overdue_parcels, console_today
from county_sites.ledger.models import LedgerEntry
from county_sites.ledger.selectors import ledger_daily_totals, ledger_totals
from county_sites.orders.models import Order, OrderEvent, OrderLine, RefundRequest
from county_sites.orders.services import (
    MSG_CANNOT_MOVE,
    MSG_NOT_FOUND_HERE,
    MSG_NOT_OVERDUE,
    MSG_REFUND_OPEN,
    MSG_RETURN_NOT_ALLOWED,
    order_arrive,
    order_hand_over,
    order_mark_paid,
    order_pay_start,
    order_prepare,
    order_return,
    refund_request_create,
)
from county_sites.payments.models import Refund
from farmers.models import Listing
from sandbox_bank.models import SandboxRefund, SandboxTransaction
from sandbox_bank.services import transaction_pay
from service_points.selectors import service_point_settings_get
from service_points.services import clerk_add
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place

TZ = zoneinfo.ZoneInfo(settings.TIME_ZONE)
ARRIVED = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
OVERDUE = "/clerk/overdue/"
RETURN = "/clerk/overdue/return/"


@pytest.fixture
def hold():
    return service_point_settings_get().parcel_hold_days


@pytest.fixture
def at_hold(hold):
    """Exactly `hold` whole days after the parcel arrived."""
    return ARRIVED + dt.timedelta(days=hold)


def _arrived(operator, order, at=ARRIVED):
    order_prepare(order=order, actor=operator)
    order_arrive(order=order, actor=operator)
    OrderEvent.objects.filter(order=order, to_state="at_service_point").update(at=at)
    order.refresh_from_db()
    return order


def _paid(order):
    order_pay_start(order=order, notify_url="http://anji.localhost/n/", return_url="http://r/")
    transaction_pay(token=SandboxTransaction.objects.get(out_trade_no=order.number).token)
    return order_mark_paid(order=order)


@pytest.fixture
def online_parcel(operator, buyer, tea, shoots, point, bank_in_process):
    """Paid online: 安吉白茶 × 1 (¥128.00) and 鲜竹笋 × 2 (¥13.00), at point P since ARRIVED."""
    return _arrived(operator, _paid(place(buyer, [(tea, 1), (shoots, 2)], point=point)))


@pytest.fixture
def cash_parcel(operator, buyer, tea, shoots, point):
    return _arrived(
        operator, place(buyer, [(tea, 1), (shoots, 2)], point=point, payment="cash_on_pickup")
    )


def _line(order, listing) -> OrderLine:
    return OrderLine.objects.get(order=order, listing=listing)


def _stock(*listings):
    return [Listing.objects.get(pk=listing.pk).stock for listing in listings]


def _snapshot():
    return {
        "orders": list(
            Order.objects.order_by("pk").values_list(
                "pk", "state", "stock_released_at", "cancelled_at", "updated_at"
            )
        ),
        "events": list(OrderEvent.objects.order_by("pk").values_list("pk", "to_state", "note")),
        "refunds": list(RefundRequest.objects.order_by("pk").values_list("pk", "state")),
        "payments_refunds": list(Refund.objects.order_by("pk").values_list("pk", "amount_fen")),
        "bank_refunds": SandboxRefund.objects.count(),
        "ledger": list(LedgerEntry.objects.order_by("pk").values_list("pk", "kind", "amount_fen")),
        "sms": list(SmsOutbox.objects.order_by("pk").values_list("pk", "text")),
        "stock": list(Listing.objects.order_by("pk").values_list("pk", "stock")),
    }


def _refused(message, **kwargs):
    before = _snapshot()
    with pytest.raises(ApplicationError) as refusal:
        order_return(**kwargs)
    assert refusal.value.message == message
    assert _snapshot() == before


# ------------------------------------------------------------------------------
# The flag
# ------------------------------------------------------------------------------
def test_a_parcel_is_flagged_from_exactly_the_hold_day(cash_parcel, point, hold, at_hold):
    day_before = dt.datetime.combine(at_hold.date() - dt.timedelta(days=1), dt.time(23, 59), TZ)

    (waiting,) = console_today(point=point, now=at_hold).waiting
    assert waiting.days_waiting == hold
    assert clerk_overdue_parcels(point=point, hold_days=hold, now=day_before) == []
    (overdue,) = clerk_overdue_parcels(point=point, hold_days=hold, now=at_hold)
    assert (overdue.order.pk, overdue.days_waiting) == (cash_parcel.pk, hold)


def test_a_return_before_the_hold_is_refused(cash_parcel, clerk, hold, at_hold):
    _refused(
        MSG_NOT_OVERDUE % {"number": cash_parcel.number, "days": hold - 1, "hold": hold},
        actor=clerk.user,
        order=cash_parcel,
        now=at_hold - dt.timedelta(days=1),
    )


def test_a_partial_pickup_does_not_restart_the_hold(cash_parcel, clerk, point, tea, hold, at_hold):
    order_hand_over(
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        line_ids=[_line(cash_parcel, tea).pk],
    )

    (overdue,) = clerk_overdue_parcels(point=point, hold_days=hold, now=at_hold)
    assert overdue.days_waiting == hold


# ------------------------------------------------------------------------------
# The return
# ------------------------------------------------------------------------------
def test_an_online_parcel_returned_refunds_and_restocks_what_was_left_once(
    online_parcel, clerk, buyer, tea, shoots, at_hold
):
    # The buyer took the tea; the bamboo shoots stayed on the shelf past the hold.
    order_hand_over(
        clerk_user=clerk.user,
        order=online_parcel,
        pickup_code=online_parcel.pickup_code,
        line_ids=[_line(online_parcel, tea).pk],
    )
    stock_before = _stock(tea, shoots)

    order = order_return(actor=clerk.user, order=online_parcel, now=at_hold)

    order.refresh_from_db()
    assert order.state == Order.State.RETURNED
    assert order.stock_released_at is not None
    assert order.cancel_reason == "超过保留期未取，退回县里"
    assert _stock(tea, shoots) == [stock_before[0], stock_before[1] + 2]
    request = RefundRequest.objects.get(order=order)
    assert (request.state, request.amount_fen, request.decided_by_id) == (
        "approved", 1_300, clerk.user.pk,
    )  # fmt: skip
    assert SandboxRefund.objects.get(transaction__out_trade_no=order.number).amount_fen == 1_300
    assert Refund.objects.get(refund_request=request).amount_fen == 1_300
    reversal = sorted(
        LedgerEntry.objects.filter(refund_request=request).values_list(
            "kind", "amount_fen", "order_line__title"
        )
    )
    assert reversal == [
        ("commission", -65, "鲜竹笋"),
        ("refund", 1_300, None),
        ("seller_payable", -1_235, "鲜竹笋"),
    ]
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.from_state, event.to_state, event.actor_id) == (
        "at_service_point", "returned", clerk.user.pk,
    )  # fmt: skip
    sms = SmsOutbox.objects.order_by("pk").last()
    assert sms.mobile == buyer.mobile
    assert sms.text == (
        f"【丰收】订单 {order.number} 超过保留期未取，已退回县里，未取商品的 13.00 元将原路退回。"
    )
    today = timezone.localdate()
    (day,) = ledger_daily_totals(since=today, until=today)
    assert day.difference == 0
    totals = ledger_totals()
    assert totals["payment"] == 14_100 and totals["refund"] == 1_300
    assert totals["seller_payable"] + totals["commission"] == 12_800
    # The tea the buyer took earns the point its commission (the county's default 3 %).
    assert list(
        LedgerEntry.objects.filter(order=order, kind="point_commission").values_list(
            "amount_fen", "base_fen", "service_point_id"
        )
    ) == [(384, 12_800, order.service_point_id)]

    # Twice: refused, nothing more refunded or restocked.
    _refused(
        MSG_CANNOT_MOVE % {"number": order.number, "state": "已退回", "action": "退回县里"},
        actor=clerk.user,
        order=order,
        now=at_hold,
    )
    assert _stock(tea, shoots) == [stock_before[0], stock_before[1] + 2]


def test_a_whole_online_parcel_returned_refunds_the_whole_order(
    online_parcel, operator, tea, shoots, at_hold
):
    stock_before = _stock(tea, shoots)

    order_return(actor=operator, order=online_parcel, now=at_hold)

    assert Order.objects.get(pk=online_parcel.pk).state == Order.State.RETURNED
    assert RefundRequest.objects.get(order=online_parcel).amount_fen == 14_100
    assert _stock(tea, shoots) == [stock_before[0] + 1, stock_before[1] + 2]
    assert ledger_totals()["refund"] == 14_100
    (day,) = ledger_daily_totals(since=timezone.localdate(), until=timezone.localdate())
    assert day.difference == 0


def test_a_cash_parcel_returned_refunds_nothing_and_restocks(
    cash_parcel, clerk, buyer, tea, shoots, at_hold
):
    stock_before = _stock(tea, shoots)

    order_return(actor=clerk.user, order=cash_parcel, now=at_hold)

    order = Order.objects.get(pk=cash_parcel.pk)
    assert order.state == Order.State.RETURNED
    assert not RefundRequest.objects.filter(order=order).exists()
    assert not LedgerEntry.objects.filter(order=order).exists()
    assert _stock(tea, shoots) == [stock_before[0] + 1, stock_before[1] + 2]
    assert SmsOutbox.objects.order_by("pk").last().text == (
        f"【丰收】订单 {order.number} 超过保留期未取，已退回县里，订单已关闭。"
    )
    # The void pickup code no longer finds anything at the point.
    with pytest.raises(ApplicationError):
        order_hand_over(clerk_user=clerk.user, order=order, pickup_code=order.pickup_code)


def test_point_qs_clerk_cannot_return_ps_parcel(cash_parcel, clerk_q, at_hold):
    _refused(MSG_NOT_FOUND_HERE, actor=clerk_q.user, order=cash_parcel, now=at_hold)


def test_a_buyer_cannot_return_a_parcel(cash_parcel, buyer, at_hold):
    _refused(MSG_RETURN_NOT_ALLOWED, actor=buyer, order=cash_parcel, now=at_hold)


def test_a_parcel_with_a_refund_open_is_not_returned(online_parcel, clerk, buyer, at_hold):
    refund_request_create(buyer=buyer, order=online_parcel, reason="不要了")

    _refused(
        MSG_REFUND_OPEN % {"number": online_parcel.number},
        actor=clerk.user,
        order=online_parcel,
        now=at_hold,
    )


# ------------------------------------------------------------------------------
# The console pages
# ------------------------------------------------------------------------------
@pytest.fixture
def overdue_now(operator, buyer, tea, shoots, point, hold):
    """A cash parcel at P that has waited exactly the hold as of the real now."""
    return _arrived(
        operator,
        place(buyer, [(tea, 1), (shoots, 2)], point=point, payment="cash_on_pickup"),
        at=timezone.now() - dt.timedelta(days=hold),
    )


def test_the_list_shows_the_overdue_parcel_and_the_clerk_returns_it(
    clerk_client, overdue_now, operator, buyer, tea, point
):
    fresh = _arrived(
        operator, place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup"), at=timezone.now()
    )

    page = clerk_client.get(OVERDUE).content.decode()
    assert f'href="/clerk/overdue/return/?order={overdue_now.number}"' in page
    assert fresh.number not in page
    assert 'href="/clerk/overdue/"' in clerk_client.get("/clerk/").content.decode()

    confirm = clerk_client.get(RETURN, {"order": overdue_now.number})
    assert confirm.status_code == 200
    assert "没有要退的钱，订单关闭。" in confirm.content.decode()

    response = clerk_client.post(RETURN, {"order": overdue_now.number})

    assert response.status_code == 302
    assert response["Location"] == f"/clerk/overdue/?returned={overdue_now.number}"
    assert Order.objects.get(pk=overdue_now.pk).state == Order.State.RETURNED
    done = clerk_client.get(response["Location"]).content.decode()
    assert f"订单 {overdue_now.number} 已退回县里，已短信通知买家。" in done


def test_the_return_page_says_what_an_online_parcel_refunds(
    clerk_client, operator, buyer, tea, point, hold, bank_in_process
):
    order = _arrived(
        operator,
        _paid(place(buyer, [(tea, 1)], point=point)),
        at=timezone.now() - dt.timedelta(days=hold),
    )

    page = clerk_client.get(RETURN, {"order": order.number}).content.decode()

    assert "买家的 ¥128.00 将原路退回。" in page


def test_a_return_too_early_on_the_page_is_a_400(clerk_client, operator, buyer, tea, point):
    order = _arrived(
        operator, place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup"), at=timezone.now()
    )
    before = _snapshot()

    response = clerk_client.post(RETURN, {"order": order.number})

    assert response.status_code == 400
    assert "还不能退回" in response.content.decode()
    assert _snapshot() == before


def test_point_qs_clerk_on_the_page_finds_nothing_and_changes_nothing(
    county_client, clerk_q, overdue_now
):
    county_client.force_login(clerk_q.user)
    before = _snapshot()

    listed = county_client.get(OVERDUE).content.decode()
    response = county_client.post(RETURN, {"order": overdue_now.number})

    assert overdue_now.number not in listed
    assert response.status_code == 400
    assert "本服务点没有这个包裹。" in response.content.decode()
    assert "安吉白茶" not in response.content.decode()
    assert _snapshot() == before


def test_a_non_clerk_gets_403_and_anonymous_the_login(county_client, buyer, overdue_now):
    anonymous = county_client.post(RETURN, {"order": overdue_now.number})
    county_client.force_login(buyer)
    before = _snapshot()
    listed = county_client.get(OVERDUE)
    posted = county_client.post(RETURN, {"order": overdue_now.number})

    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/account/login/?next=/clerk/overdue/return/"
    assert (listed.status_code, posted.status_code) == (403, 403)
    assert _snapshot() == before


def test_another_county_cannot_return_this_countys_parcel(
    clerk_client, overdue_now, other_county, other_county_client
):
    other_county_client.cookies = clerk_client.cookies
    assert other_county_client.post(RETURN, {"order": overdue_now.number}).status_code == 302

    with tenant_context(other_county):
        b_operator = get_user_model().objects.get(username="operator")
        b_point = ServicePointFactory(name="千岛湖服务点", village="千岛湖村")
        b_clerk = clerk_add(actor=b_operator, mobile="13700137555", point=b_point)
    other_county_client.force_login(b_clerk.user)

    response = other_county_client.post(RETURN, {"order": overdue_now.number})

    assert response.status_code == 400
    assert "本服务点没有这个包裹。" in response.content.decode()
    assert Order.objects.get(pk=overdue_now.pk).state == Order.State.AT_SERVICE_POINT


# ------------------------------------------------------------------------------
# The operator in the county admin
# ------------------------------------------------------------------------------
def test_the_operator_returns_an_overdue_parcel_on_the_act_page(
    operator_client, overdue_now, operator, buyer, tea, point
):
    fresh = _arrived(
        operator, place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup"), at=timezone.now()
    )
    assert (
        'value="return"'
        not in operator_client.get(f"/admin/orders/act/{fresh.pk}/").content.decode()
    )
    url = f"/admin/orders/act/{overdue_now.pk}/"
    assert 'value="return"' in operator_client.get(url).content.decode()

    response = operator_client.post(url, {"move": "return"})

    assert response.status_code == 302
    assert Order.objects.get(pk=overdue_now.pk).state == Order.State.RETURNED
    assert OrderEvent.objects.filter(order=overdue_now).last().actor_id == operator.pk


def test_the_overdue_list_does_not_grow_in_queries_with_the_parcels(
    clerk_client, operator, buyer, tea, shoots, point, hold
):
    def queries_with(count):
        for _ in range(count):
            _arrived(
                operator,
                place(buyer, [(tea, 1), (shoots, 1)], point=point, payment="cash_on_pickup"),
                at=timezone.now() - dt.timedelta(days=hold + 1),
            )
        with CaptureQueriesContext(connection) as queries:
            response = clerk_client.get(OVERDUE)
        assert response.status_code == 200
        return len(queries)

    assert queries_with(1) == queries_with(5)
