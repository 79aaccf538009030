"""Ordering for a villager at the clerk's console (issue 9, point 5): /clerk/order/... The basket
of one villager of the clerk's own point, sent for confirmation, confirmed on the large screen;
another point's clerk, another role and another county get nothing; the buyer and the operator
see who entered the order and how it was confirmed."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from accounts.models import SmsOutbox
from county_sites.orders.models import Order, OrderConfirmation
from county_sites.orders.services import MSG_CODE_WRONG, assisted_order_confirm
from farmers.models import Listing
from service_points.services import clerk_add
from tests.factories.farmers import ListingFactory
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.assisted import screen_code, send, sms_code, snapshot, wrong

pytestmark = pytest.mark.usefixtures("fresh_tries")

BASKET = "/clerk/order/"


def _add(client, villager, listing, quantity, q=""):
    return client.post(
        "/clerk/order/basket/",
        {"villager": villager.pk, "listing": listing.pk, "quantity": quantity, "q": q},
    )


def _send_form(client, villager, **data):
    page = client.get(BASKET, {"villager": villager.pk})
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode()).group(1)
    return client.post(
        "/clerk/order/send/",
        {
            "villager": villager.pk,
            "idempotency_key": key,
            "payment_method": "cash_on_pickup",
            "method": "screen",
            **data,
        },
    )


# ------------------------------------------------------------------------------
# Who gets in
# ------------------------------------------------------------------------------
def test_anonymous_goes_to_the_login_and_a_non_clerk_gets_403(county_client, villager):
    assert county_client.get(BASKET, {"villager": villager.pk}).status_code == 302
    county_client.force_login(villager)

    assert county_client.get(BASKET, {"villager": villager.pk}).status_code == 403


def test_a_villager_the_point_does_not_serve_is_a_404(clerk_client, other_buyer, in_county):
    assert clerk_client.get(BASKET, {"villager": other_buyer.pk}).status_code == 404
    assert clerk_client.get(BASKET, {"villager": "x"}).status_code == 404
    assert clerk_client.get(BASKET).status_code == 404


def test_a_clerk_of_point_q_sees_nothing_of_ps_villager_or_orders(
    county_client, clerk_q, villager, clerk, tea
):
    order = send(clerk, villager, [(tea, 1)], method="screen")
    county_client.force_login(clerk_q.user)
    before = snapshot()

    assert county_client.get(BASKET, {"villager": villager.pk}).status_code == 404
    assert _add(county_client, villager, tea, 1).status_code == 404
    for path in ("", "confirm/"):
        assert county_client.get(f"/clerk/order/{order.number}/{path}").status_code == 404
    for path in ("confirm/", "resend/", "cancel/"):
        response = county_client.post(
            f"/clerk/order/{order.number}/{path}", {"code": screen_code(order), "method": "sms"}
        )
        assert response.status_code == 404
    assert snapshot() == before


def test_a_clerk_of_another_county_knows_nothing_of_the_order(
    other_county_client, other_county, clerk, villager, tea, in_county
):
    order = send(clerk, villager, [(tea, 1)], method="screen")
    with tenant_context(other_county):
        operator_there = get_user_model().objects.get(username="operator")
        point_there = ServicePointFactory(name="千岛湖服务点")
        clerk_there = clerk_add(actor=operator_there, mobile="13700137555", point=point_there)
    other_county_client.force_login(clerk_there.user)
    before = snapshot()

    assert other_county_client.get(f"/clerk/order/{order.number}/confirm/").status_code == 404
    posted = other_county_client.post(
        f"/clerk/order/{order.number}/confirm/", {"code": screen_code(order)}
    )
    assert posted.status_code == 404
    assert other_county_client.get(BASKET, {"villager": villager.pk}).status_code == 404
    assert snapshot() == before


# ------------------------------------------------------------------------------
# The flow
# ------------------------------------------------------------------------------
def test_a_three_item_assisted_order_in_at_most_ten_taps(
    clerk_client, villager, tea, shoots, bamboo_seller, point
):
    honey = ListingFactory(
        seller=bamboo_seller, title="百花蜂蜜", price_fen=4_500, stock=10, approved=True
    )
    taps = 0
    # Tap 1: the villager, from the home's mobile box.
    found = clerk_client.get("/clerk/order/find/", {"mobile": "137 0000 0001"})
    taps += 1
    assert found.status_code == 303
    assert found["Location"] == f"{BASKET}?villager={villager.pk}"
    # Pinyin initials, full pinyin and characters each find their item (typing is not a tap;
    # the search button is).
    for q, listing in (("bc", tea), ("zhusun", shoots), ("蜂蜜", honey)):
        page = clerk_client.get(BASKET, {"villager": villager.pk, "q": q})
        taps += 1
        assert f'data-add="{listing.pk}"' in page.content.decode()
        added = _add(clerk_client, villager, listing, 1, q=q)
        taps += 1
        assert added.status_code == 303
        assert added["Location"].endswith(f"#l{listing.pk}")
    page = clerk_client.get(BASKET, {"villager": villager.pk}).content.decode()
    assert "data-total>¥179.50<" in page  # 128.00 + 6.50 + 45.00, reviewed without a tap
    # Cash is preselected; the screen is chosen (1 tap), then "send" (1 tap).
    sent = _send_form(clerk_client, villager)
    taps += 2
    order = Order.objects.get(buyer=villager)
    assert sent.status_code == 303
    assert sent["Location"] == f"/clerk/order/{order.number}/confirm/"
    assert Listing.objects.get(pk=honey.pk).stock == 9  # held already
    screen = clerk_client.get(sent["Location"]).content.decode()
    code = screen_code(order)
    assert f"data-screen-code>{code}<" in screen
    assert "安吉白茶" in screen and "¥179.50" in screen and "递铺服务点" in screen
    # The villager types the code and taps 确认.
    done = clerk_client.post(sent["Location"], {"code": code})
    taps += 1
    assert done.status_code == 303

    print(f"\nassisted order: {taps} taps")  # noqa: T201  (the issue asks the test to say it)
    assert taps <= 10
    order.refresh_from_db()
    assert order.buyer_confirmed_at is not None and order.entered_by_id is not None
    status = clerk_client.get(done["Location"]).content.decode()
    assert 'data-status="confirmed"' in status and "¥179.50" in status
    # The basket is emptied once sent.
    page = clerk_client.get(BASKET, {"villager": villager.pk}).content.decode()
    assert "data-total" not in page


def test_steppers_change_the_quantity_and_zero_removes(clerk_client, villager, tea):
    _add(clerk_client, villager, tea, 1)
    _add(clerk_client, villager, tea, 3)

    page = clerk_client.get(BASKET, {"villager": villager.pk}).content.decode()
    assert f'data-quantity="{tea.pk}">3<' in page and "data-total>¥384.00<" in page

    _add(clerk_client, villager, tea, 0)
    page = clerk_client.get(BASKET, {"villager": villager.pk}).content.decode()
    assert "data-total" not in page


def test_sending_an_empty_or_oversold_basket_is_refused_and_holds_nothing(
    clerk_client, villager, tea
):
    before = snapshot()
    empty = clerk_client.post(
        "/clerk/order/send/",
        {"villager": villager.pk, "idempotency_key": "k", "payment_method": "cash_on_pickup",
         "method": "screen"},
    )  # fmt: skip
    assert empty.status_code == 400 and "购物车是空的。" in empty.content.decode()

    _add(clerk_client, villager, tea, 25)  # only 20 in stock
    too_many = _send_form(clerk_client, villager)

    assert too_many.status_code == 400
    assert "“安吉白茶”库存不足，仅剩 20。" in too_many.content.decode()
    assert snapshot() == before


def test_the_sms_path_at_the_console(clerk_client, villager, tea):
    _add(clerk_client, villager, tea, 2)
    sent = _send_form(clerk_client, villager, method="sms")
    order = Order.objects.get(buyer=villager)
    screen = clerk_client.get(sent["Location"]).content.decode()
    assert "确认码已用短信发到 137****0001" in screen
    assert "data-screen-code" not in screen  # an SMS code is never shown to the clerk

    refused = clerk_client.post(sent["Location"], {"code": wrong(sms_code(villager.mobile))})
    assert refused.status_code == 400 and str(MSG_CODE_WRONG) in refused.content.decode()
    assert Order.objects.get(pk=order.pk).buyer_confirmed_at is None

    clerk_client.post(sent["Location"], {"code": sms_code(villager.mobile)})
    assert Order.objects.get(pk=order.pk).buyer_confirmed_at is not None
    assert "取货时付现金" in SmsOutbox.objects.order_by("-pk").first().text


def test_switching_to_the_screen_and_cancelling_from_the_console(
    clerk_client, villager, clerk, tea
):
    order = send(clerk, villager, [(tea, 2)])

    clerk_client.post(f"/clerk/order/{order.number}/resend/", {"method": "screen"})
    assert OrderConfirmation.objects.filter(order=order).count() == 2
    assert screen_code(order)
    cancelled = clerk_client.post(f"/clerk/order/{order.number}/cancel/")

    assert cancelled.status_code == 303
    assert Order.objects.get(pk=order.pk).state == "cancelled"
    assert Listing.objects.get(pk=tea.pk).stock == 20
    page = clerk_client.get(f"/clerk/order/{order.number}/").content.decode()
    assert 'data-status="cancelled"' in page


def test_the_home_lists_the_waiting_order_with_a_link_to_its_screen(
    clerk_client, villager, clerk, tea
):
    order = send(clerk, villager, [(tea, 1)])

    page = clerk_client.get("/clerk/").content.decode()

    assert f'href="/clerk/order/{order.number}/confirm/"' in page


def test_the_home_box_refuses_a_number_the_point_does_not_serve(clerk_client, other_buyer):
    response = clerk_client.get("/clerk/order/find/", {"mobile": other_buyer.mobile})

    assert response.status_code == 400
    assert "本服务点没有这个手机号的村民，请先登记。" in response.content.decode()


# ------------------------------------------------------------------------------
# The audit record: the buyer and the operator see it
# ------------------------------------------------------------------------------
def _confirmed(clerk, villager, tea):
    order = send(clerk, villager, [(tea, 1)])
    assisted_order_confirm(
        clerk_user=clerk.user, order=order, code=sms_code(villager.mobile), order_url="http://x/"
    )
    order.refresh_from_db()
    return order


def test_the_buyer_sees_who_entered_the_order_and_how_it_was_confirmed(
    county_client, clerk, villager, tea
):
    order = _confirmed(clerk, villager, tea)
    line = (
        f"由 王芳 在 递铺服务点 代下单 · 短信验证码确认 · <time>"
        f"{order.buyer_confirmed_at.astimezone().strftime('%Y-%m-%d %H:%M')}</time>"
    )
    county_client.force_login(villager)

    for path in ("/orders/", f"/orders/{order.number}/"):
        html = county_client.get(path).content.decode()
        assert line in html, path


def test_a_waiting_order_shows_the_buyer_no_pay_button_and_no_pickup_code(
    county_client, clerk, villager, tea
):
    order = send(clerk, villager, [(tea, 1)], payment="bank_gateway")
    county_client.force_login(villager)

    html = county_client.get(f"/orders/{order.number}/").content.decode()

    assert "等待买家确认" in html
    assert "去支付" not in html and "data-pickup-code" not in html


def test_the_operator_sees_the_audit_line_in_the_admin(operator_client, clerk, villager, tea):
    order = _confirmed(clerk, villager, tea)

    inspect = operator_client.get(f"/admin/orders/inspect/{order.pk}/").content.decode()
    act = operator_client.get(f"/admin/orders/act/{order.pk}/").content.decode()

    for html in (inspect, act):
        assert "由 王芳 在 递铺服务点 代下单 · 短信验证码确认" in html
        assert "确认码发送至 13700000001" in html


# ------------------------------------------------------------------------------
# Cost
# ------------------------------------------------------------------------------
def test_the_basket_page_query_count_does_not_grow_with_listings(
    clerk_client, villager, tea_seller, tea
):
    def count(n):
        for i in range(n):
            listing = ListingFactory(seller=tea_seller, title=f"白茶{i}", stock=5, approved=True)
            _add(clerk_client, villager, listing, 1)
        with CaptureQueriesContext(connection) as queries:
            page = clerk_client.get(BASKET, {"villager": villager.pk, "q": "白茶"})
        assert page.status_code == 200
        assert len(page.content) < 100_000  # the console's page budget, photos apart
        return len(queries)

    assert count(2) == count(12)
