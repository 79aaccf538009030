"""The hand-over at the clerk's console (issue 9, point 8): order_hand_over and /clerk/handover/.
Only the order's own point and its clerks, only at the point, never with a refund open; wrong
codes are limited; every refusal leaves orders, events, ledger and stock as they were."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django_tenants.utils import tenant_context

from core.errors import ApplicationError
from county_sites.ledger.models import LedgerEntry
from county_sites.orders.models import Order, OrderEvent
from county_sites.orders.services import (
    HANDOVER_MAX_WRONG_TRIES,
    MSG_CANNOT_MOVE,
    MSG_NOT_A_CLERK,
    MSG_NOT_FOUND_HERE,
    MSG_PICKUP_CODE_WRONG,
    MSG_REFUND_OPEN,
    MSG_TOO_MANY_TRIES,
    handover_wrong_tries,
    order_arrive,
    order_hand_over,
    order_mark_paid,
    order_prepare,
    refund_request_create,
)
from county_sites.orders.services import handover as handover_module
from farmers.models import Listing
from service_points.services import clerk_add
from tests.factories.service_points import ServicePointFactory
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
    """A cash-on-pickup order of 安吉白茶 × 1 and 鲜竹笋 × 2 (¥141.00) on point P's shelf."""
    return _at_point(
        operator, place(buyer, [(tea, 1), (shoots, 2)], point=point, payment="cash_on_pickup")
    )


def _wrong(order):
    return "000000" if order.pickup_code != "000000" else "111111"


def _snapshot():
    return {
        "orders": list(
            Order.objects.order_by("pk").values_list("pk", "state", "completed_at", "updated_at")
        ),
        "events": list(
            OrderEvent.objects.order_by("pk").values_list("pk", "to_state", "actor_id", "note")
        ),
        "ledger": list(LedgerEntry.objects.order_by("pk").values_list("pk", "kind", "amount_fen")),
        "stock": list(Listing.objects.order_by("pk").values_list("pk", "stock")),
    }


def _refused(message, **kwargs):
    before = _snapshot()
    with pytest.raises(ApplicationError) as refusal:
        order_hand_over(**kwargs)
    assert refusal.value.message == message
    assert _snapshot() == before
    return refusal.value


# ------------------------------------------------------------------------------
# The service
# ------------------------------------------------------------------------------
def test_a_cash_parcel_is_handed_over_and_the_cash_booked_by_the_clerk(cash_parcel, clerk, tea):
    stock_before = Listing.objects.get(pk=tea.pk).stock

    order = order_hand_over(
        clerk_user=clerk.user, order=cash_parcel, pickup_code=f" {cash_parcel.pickup_code} "
    )

    order.refresh_from_db()
    assert order.state == Order.State.COLLECTED
    assert order.completed_at is not None
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.from_state, event.to_state, event.actor_id, event.note) == (
        "at_service_point", "collected", clerk.user.pk, "",
    )  # fmt: skip
    cash = LedgerEntry.objects.get(order=order, kind="cash_collected")
    assert cash.amount_fen == 14_100
    assert cash.created_at == order.completed_at
    assert cash.provider == "cash_on_pickup"
    assert (
        LedgerEntry.objects.filter(order=order, kind__in=["payment", "cash_collected"]).count() == 1
    )
    assert Listing.objects.get(pk=tea.pk).stock == stock_before  # taken at placing, not again


def test_pickup_by_someone_else_is_recorded_on_the_event(cash_parcel, clerk):
    order_hand_over(
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
        collected_by_name=" 张伟 ",
        relation="儿子",
    )

    assert OrderEvent.objects.filter(order=cash_parcel).last().note == "代取：张伟（儿子）"


def test_an_online_paid_parcel_is_handed_over_without_cash(operator, buyer, tea, point, clerk):
    order = place(buyer, [(tea, 1)], point=point)
    order_mark_paid(order=order)
    order = _at_point(operator, order)

    order_hand_over(clerk_user=clerk.user, order=order, pickup_code=order.pickup_code)

    assert Order.objects.get(pk=order.pk).state == Order.State.COLLECTED
    assert not LedgerEntry.objects.filter(order=order, kind="cash_collected").exists()
    assert LedgerEntry.objects.filter(order=order, kind="payment").count() == 1


def test_a_wrong_code_is_refused_and_counted(cash_parcel, clerk):
    error = _refused(
        MSG_PICKUP_CODE_WRONG,
        clerk_user=clerk.user,
        order=cash_parcel,
        pickup_code=_wrong(cash_parcel),
    )

    assert error.field == "pickup_code"
    assert handover_wrong_tries(cash_parcel) == 1


def test_another_points_order_is_not_found_here(operator, buyer, tea, point_q, clerk):
    theirs = _at_point(operator, place(buyer, [(tea, 1)], point=point_q, payment="cash_on_pickup"))

    _refused(
        MSG_NOT_FOUND_HERE, clerk_user=clerk.user, order=theirs, pickup_code=theirs.pickup_code
    )


def test_another_points_clerk_cannot_hand_over(cash_parcel, clerk_q):
    _refused(
        MSG_NOT_FOUND_HERE,
        clerk_user=clerk_q.user,
        order=cash_parcel,
        pickup_code=cash_parcel.pickup_code,
    )


def test_a_non_clerk_cannot_hand_over(cash_parcel, operator, buyer):
    for user in (operator, buyer):
        _refused(
            MSG_NOT_A_CLERK, clerk_user=user, order=cash_parcel, pickup_code=cash_parcel.pickup_code
        )


def test_a_parcel_with_a_refund_open_is_not_handed_over(operator, buyer, tea, point, clerk):
    order = place(buyer, [(tea, 1)], point=point)
    order_mark_paid(order=order)
    order = _at_point(operator, order)
    refund_request_create(buyer=buyer, order=order, reason="等太久了，不想要了")

    _refused(
        MSG_REFUND_OPEN % {"number": order.number},
        clerk_user=clerk.user,
        order=order,
        pickup_code=order.pickup_code,
    )


def test_a_parcel_not_yet_arrived_is_not_handed_over(operator, buyer, tea, point, clerk):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    order_prepare(order=order, actor=operator)

    _refused(
        MSG_CANNOT_MOVE % {"number": order.number, "state": "备货中", "action": "取货"},
        clerk_user=clerk.user,
        order=order,
        pickup_code=order.pickup_code,
    )


def test_after_five_wrong_codes_even_the_right_one_is_refused_until_the_window_passes(
    cash_parcel, clerk, monkeypatch
):
    monkeypatch.setattr(handover_module, "HANDOVER_WINDOW_SECONDS", 2)
    assert HANDOVER_MAX_WRONG_TRIES == 5
    for _ in range(5):
        _refused(
            MSG_PICKUP_CODE_WRONG,
            clerk_user=clerk.user,
            order=cash_parcel,
            pickup_code=_wrong(cash_parcel),
        )
    assert handover_wrong_tries(cash_parcel) == 5

    for code in (_wrong(cash_parcel), cash_parcel.pickup_code):
        _refused(
            MSG_TOO_MANY_TRIES
            % {"minutes": 1},  # the window is 2 s here (whole minutes, rounded up)
            clerk_user=clerk.user,
            order=cash_parcel,
            pickup_code=code,
        )
    assert handover_wrong_tries(cash_parcel) == 5  # refused tries while locked are not counted

    time.sleep(2.2)

    assert handover_wrong_tries(cash_parcel) == 0
    order_hand_over(clerk_user=clerk.user, order=cash_parcel, pickup_code=cash_parcel.pickup_code)
    assert Order.objects.get(pk=cash_parcel.pk).state == Order.State.COLLECTED


def test_the_limit_is_per_order(operator, buyer, tea, point, clerk, cash_parcel):
    other = _at_point(operator, place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup"))
    for _ in range(5):
        with pytest.raises(ApplicationError):
            order_hand_over(clerk_user=clerk.user, order=other, pickup_code=_wrong(other))

    order_hand_over(clerk_user=clerk.user, order=cash_parcel, pickup_code=cash_parcel.pickup_code)

    assert Order.objects.get(pk=cash_parcel.pk).state == Order.State.COLLECTED


# ------------------------------------------------------------------------------
# The console page
# ------------------------------------------------------------------------------
def test_the_home_links_each_waiting_parcel_to_its_handover(clerk_client, cash_parcel):
    page = clerk_client.get("/clerk/").content.decode()

    assert f'href="/clerk/handover/?order={cash_parcel.number}"' in page


def test_the_handover_form_shows_the_parcel_and_a_big_numeric_code_input(clerk_client, cash_parcel):
    response = clerk_client.get(HANDOVER, {"order": cash_parcel.number})

    page = response.content.decode()
    assert response.status_code == 200
    assert "安吉白茶 × 1、鲜竹笋 × 2" in page
    assert f'name="order" value="{cash_parcel.number}"' in page
    assert 'name="pickup_code" inputmode="numeric"' in page
    assert "no-cache" in response["Cache-Control"]


def test_the_clerk_hands_over_through_the_page_and_sees_the_cash_to_take(
    clerk_client, cash_parcel, clerk
):
    response = clerk_client.post(
        HANDOVER,
        {
            "order": cash_parcel.number,
            "pickup_code": cash_parcel.pickup_code,
            "collected_by_name": "张伟",
            "relation": "儿子",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "请收取现金 ¥141.00，再交付以下商品：" in page
    assert "安吉白茶 × 1" in page and "鲜竹笋 × 2" in page
    assert "取货人：张伟（儿子）" in page
    event = OrderEvent.objects.filter(order=cash_parcel).last()
    assert (event.to_state, event.actor_id, event.note) == (
        "collected", clerk.user.pk, "代取：张伟（儿子）",
    )  # fmt: skip
    assert LedgerEntry.objects.get(order=cash_parcel, kind="cash_collected").amount_fen == 14_100


def test_a_wrong_code_on_the_page_is_a_400_with_the_reason(clerk_client, cash_parcel):
    before = _snapshot()

    response = clerk_client.post(
        HANDOVER, {"order": cash_parcel.number, "pickup_code": _wrong(cash_parcel)}
    )

    assert response.status_code == 400
    assert "取货码不正确。" in response.content.decode()
    assert _snapshot() == before


def test_another_points_parcel_is_not_found_here_on_the_page(
    clerk_client, operator, buyer, tea, point_q
):
    theirs = _at_point(operator, place(buyer, [(tea, 1)], point=point_q, payment="cash_on_pickup"))
    before = _snapshot()

    shown = clerk_client.get(HANDOVER, {"order": theirs.number})
    posted = clerk_client.post(
        HANDOVER, {"order": theirs.number, "pickup_code": theirs.pickup_code}
    )

    for response in (shown, posted):
        page = response.content.decode()
        assert response.status_code == 400
        assert "本服务点没有这个包裹。" in page
        assert "安吉白茶" not in page and "梅溪" not in page
    assert _snapshot() == before


def test_a_non_clerk_gets_403_and_anonymous_the_login(county_client, buyer, cash_parcel):
    anonymous = county_client.post(
        HANDOVER, {"order": cash_parcel.number, "pickup_code": cash_parcel.pickup_code}
    )
    county_client.force_login(buyer)
    signed_in = county_client.post(
        HANDOVER, {"order": cash_parcel.number, "pickup_code": cash_parcel.pickup_code}
    )

    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/account/login/?next=/clerk/handover/"
    assert signed_in.status_code == 403
    assert Order.objects.get(pk=cash_parcel.pk).state == Order.State.AT_SERVICE_POINT


def test_another_countys_host_and_clerk_see_nothing_of_this_one(
    clerk_client, cash_parcel, other_county, other_county_client
):
    # County A's clerk's session on county B's host: not signed in there.
    other_county_client.cookies = clerk_client.cookies
    response = other_county_client.post(
        HANDOVER, {"order": cash_parcel.number, "pickup_code": cash_parcel.pickup_code}
    )
    assert response.status_code == 302

    # County B's own clerk, with the same mobile: the number is not found at B's point.
    with tenant_context(other_county):
        b_operator = get_user_model().objects.get(username="operator")
        b_point = ServicePointFactory(name="千岛湖服务点", village="千岛湖村")
        b_clerk = clerk_add(actor=b_operator, mobile="13700137555", point=b_point)
    other_county_client.force_login(b_clerk.user)

    response = other_county_client.post(
        HANDOVER, {"order": cash_parcel.number, "pickup_code": cash_parcel.pickup_code}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "本服务点没有这个包裹。" in page and "安吉白茶" not in page
    assert Order.objects.get(pk=cash_parcel.pk).state == Order.State.AT_SERVICE_POINT
