"""The clerk's console (/clerk/): only an active clerk of an open point gets in, and sees only
that point's orders, in their own county."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from county_sites.orders.models import OrderEvent
from county_sites.orders.services import (
    order_arrive,
    order_buyer_confirm,
    order_cancel,
    order_prepare,
)
from service_points.services import clerk_add, clerk_deactivate, service_point_update
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place

CONSOLE = "/clerk/"
MSG_FORBIDDEN = "这个账户不是营业中服务点的在岗店员。如需开通，请联系县运营人员。"


@pytest.fixture
def point_q(in_county):
    return ServicePointFactory(name="梅溪服务点", village="梅溪村", opening_hours="每天 7:00-19:00")


def _day_of_work(*, operator, buyer, listing, point, entered_by, count=1):
    """`count` orders of each kind for pickup at `point`: on their way, waiting on the shelf
    and entered by a clerk waiting for the buyer. Returns their numbers by kind."""
    made = {"incoming": [], "waiting": [], "awaiting": []}
    for _ in range(count):
        incoming = place(buyer, [(listing, 1)], point=point, payment="cash_on_pickup")
        order_prepare(order=incoming, actor=operator)
        waiting = place(buyer, [(listing, 1)], point=point, payment="cash_on_pickup")
        order_prepare(order=waiting, actor=operator)
        order_arrive(order=waiting, actor=operator)
        awaiting = place(
            buyer, [(listing, 1)], point=point, payment="cash_on_pickup", entered_by=entered_by
        )
        made["incoming"].append(incoming.number)
        made["waiting"].append(waiting.number)
        made["awaiting"].append(awaiting.number)
    return made


# ------------------------------------------------------------------------------
# Who gets in
# ------------------------------------------------------------------------------
def test_anonymous_is_sent_to_the_phone_login(county_client, in_county):
    response = county_client.get(CONSOLE)

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/clerk/"


def test_a_signed_in_non_clerk_gets_403_with_the_reason(county_client, buyer):
    county_client.force_login(buyer)

    response = county_client.get(CONSOLE)

    assert response.status_code == 403
    assert MSG_FORBIDDEN in response.content.decode()


def test_a_deactivated_clerk_gets_403(clerk_client, operator, clerk):
    clerk_deactivate(actor=operator, clerk=clerk)

    response = clerk_client.get(CONSOLE)

    assert response.status_code == 403
    assert MSG_FORBIDDEN in response.content.decode()


def test_a_clerk_of_a_closed_point_gets_403(clerk_client, operator, point):
    service_point_update(actor=operator, point=point, is_active=False)

    response = clerk_client.get(CONSOLE)

    assert response.status_code == 403


def test_the_console_is_never_cached(clerk_client):
    response = clerk_client.get(CONSOLE)

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


# ------------------------------------------------------------------------------
# What the clerk sees
# ------------------------------------------------------------------------------
def test_the_home_shows_the_point_and_todays_work_of_this_point_only(
    clerk_client, operator, buyer, shoots, point, point_q, clerk, clerk_q
):
    mine = _day_of_work(
        operator=operator, buyer=buyer, listing=shoots, point=point, entered_by=clerk.user
    )
    theirs = _day_of_work(
        operator=operator, buyer=buyer, listing=shoots, point=point_q, entered_by=clerk_q.user
    )

    response = clerk_client.get(CONSOLE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "递铺服务点" in page and "递铺村" in page and "每天 8:00-20:00" in page
    for number in mine["incoming"]:
        assert page.count(number) == 1
    for number in mine["waiting"] + mine["awaiting"]:
        assert page.count(number) == 2  # the order and its handover / confirmation link
    for number in theirs["incoming"] + theirs["waiting"] + theirs["awaiting"]:
        assert number not in page
    assert "梅溪服务点" not in page
    today = response.context["today"]
    assert [order.number for order in today.incoming] == mine["incoming"]
    assert [parcel.order.number for parcel in today.waiting] == mine["waiting"]
    assert [order.number for order in today.awaiting_confirmation] == mine["awaiting"]
    assert "¥6.50" in page  # the listing's price, through the yuan filter


def test_a_parcel_shows_whole_days_waiting_and_the_hold_passed(
    clerk_client, operator, buyer, shoots, point, clerk
):
    made = _day_of_work(
        operator=operator, buyer=buyer, listing=shoots, point=point, entered_by=clerk.user
    )
    OrderEvent.objects.filter(order__number=made["waiting"][0], to_state="at_service_point").update(
        at=timezone.now() - dt.timedelta(days=8)
    )

    response = clerk_client.get(CONSOLE)

    (parcel,) = response.context["today"].waiting
    assert parcel.days_waiting == 8
    page = response.content.decode()
    assert "已等 8 天" in page and "已超过保留期" in page


def test_a_confirmed_or_cancelled_order_is_not_waiting_for_the_buyer(
    clerk_client, buyer, shoots, point, clerk
):
    confirmed = place(
        buyer, [(shoots, 1)], point=point, payment="cash_on_pickup", entered_by=clerk.user
    )
    order_buyer_confirm(order=confirmed, buyer=buyer)
    cancelled = place(
        buyer, [(shoots, 1)], point=point, payment="cash_on_pickup", entered_by=clerk.user
    )
    order_cancel(order=cancelled, actor=buyer)

    today = clerk_client.get(CONSOLE).context["today"]

    assert today.awaiting_confirmation == []
    assert [order.number for order in today.incoming] == [confirmed.number]


def test_the_number_of_queries_does_not_grow_with_the_orders(
    clerk_client, operator, buyer, shoots, point, clerk
):
    def queries_with(count):
        _day_of_work(
            operator=operator,
            buyer=buyer,
            listing=shoots,
            point=point,
            entered_by=clerk.user,
            count=count,
        )
        with CaptureQueriesContext(connection) as queries:
            response = clerk_client.get(CONSOLE)
        assert response.status_code == 200
        return len(queries)

    at_two = queries_with(2)
    at_ten = queries_with(8)  # 2 + 8 = 10 of each kind

    assert at_ten == at_two


# ------------------------------------------------------------------------------
# Another county
# ------------------------------------------------------------------------------
def test_another_county_shows_nothing_of_this_one(
    clerk_client, operator, buyer, shoots, point, clerk, other_county, other_county_client
):
    mine = _day_of_work(
        operator=operator, buyer=buyer, listing=shoots, point=point, entered_by=clerk.user
    )
    # County A's signed-in clerk, on county B's host: no session there, so the phone login.
    other_county_client.cookies = clerk_client.cookies

    response = other_county_client.get(CONSOLE)

    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/clerk/"

    # County B's own clerk, with the same mobile, sees B's point and none of A's orders.
    with tenant_context(other_county):
        b_operator = get_user_model().objects.get(username="operator")
        b_point = ServicePointFactory(name="千岛湖服务点", village="千岛湖村")
        b_clerk = clerk_add(actor=b_operator, mobile="13700137555", point=b_point)
    other_county_client.force_login(b_clerk.user)

    response = other_county_client.get(CONSOLE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "千岛湖服务点" in page and "递铺服务点" not in page
    for number in mine["incoming"] + mine["waiting"] + mine["awaiting"]:
        assert number not in page


def test_the_home_shows_the_first_of_each_list_and_counts_and_the_list_pages_the_rest(
    clerk_client, operator, buyer, shoots, point, clerk, point_q, clerk_q
):
    from county_sites.clerk.selectors import HOME_LIST_LIMIT, LIST_PAGE_SIZE

    total = LIST_PAGE_SIZE + 3
    _day_of_work(
        operator=operator,
        buyer=buyer,
        listing=shoots,
        point=point,
        entered_by=clerk.user,
        count=total,
    )
    home = clerk_client.get(CONSOLE)
    today = home.context["today"]
    assert (today.waiting_count, today.incoming_count, today.awaiting_count) == (
        total,
        total,
        total,
    )
    assert len(today.waiting) == len(today.incoming) == HOME_LIST_LIMIT
    assert f"全部 {total} 个包裹" in home.content.decode()

    first = clerk_client.get("/clerk/list/waiting/")
    second = clerk_client.get("/clerk/list/waiting/?page=2")
    assert first.status_code == second.status_code == 200
    numbers = [p.order.number for p in first.context["parcels"]] + [
        p.order.number for p in second.context["parcels"]
    ]
    assert len(numbers) == len(set(numbers)) == total
    assert clerk_client.get("/clerk/list/nonsense/").status_code == 404

    # Point Q's clerk sees none of point P's orders in any list.
    clerk_client.force_login(clerk_q.user)
    for which in ("waiting", "incoming", "confirm"):
        response = clerk_client.get(f"/clerk/list/{which}/")
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0
