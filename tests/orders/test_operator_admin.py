"""County operators in the Wagtail admin: order list with filters, moving an order, deciding a
refund, the ledger daily report; residents get none of it."""

import re

from county_sites.orders.models import Order, RefundRequest
from county_sites.orders.services import order_mark_paid, refund_request_create
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place


def test_operator_lists_and_filters_orders(operator_client, buyer, tea, point):
    cash = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    online = place(buyer, [(tea, 1)], point=point)

    page = operator_client.get("/admin/orders/", {"payment_method": "cash_on_pickup"})

    assert page.status_code == 200
    html = page.content.decode()
    assert cash.number in html and online.number not in html


def test_operator_moves_an_order_on_and_a_refusal_changes_nothing(
    operator_client, buyer, tea, point
):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")

    assert operator_client.get(f"/admin/orders/act/{order.pk}/").status_code == 200
    operator_client.post(f"/admin/orders/act/{order.pk}/", {"move": "prepare"})
    order.refresh_from_db()
    assert order.state == Order.State.PREPARING

    operator_client.post(f"/admin/orders/act/{order.pk}/", {"move": "collect", "pickup_code": "x"})
    order.refresh_from_db()
    assert order.state == Order.State.PREPARING


def test_operator_refuses_a_refund_with_a_reason(operator_client, buyer, tea, point):
    order = order_mark_paid(order=place(buyer, [(tea, 1)], point=point))
    request = refund_request_create(buyer=buyer, order=order, reason="慢")

    operator_client.post(
        f"/admin/refunds/decide/{request.pk}/", {"decision": "refuse", "reason": "已发货"}
    )

    request.refresh_from_db()
    order.refresh_from_db()
    assert (request.state, order.state) == (RefundRequest.State.REFUSED, Order.State.PAID)


def test_daily_report_shows_a_zero_difference(operator_client, buyer, tea, point):
    order_mark_paid(order=place(buyer, [(tea, 1)], point=point))

    page = operator_client.get("/admin/ledger/daily/")

    assert page.status_code == 200
    html = page.content.decode()
    assert '<td data-difference="0">¥0.00</td>' in html
    assert "<td>¥128.00</td>" in html
    assert "金额单位：分" not in html


def test_residents_cannot_reach_the_operator_pages(county_client, buyer, tea, point):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    county_client.force_login(buyer)

    for url in (f"/admin/orders/act/{order.pk}/", "/admin/ledger/daily/", "/admin/orders/"):
        assert county_client.get(url).status_code in (302, 403, 404)
    county_client.post(f"/admin/orders/act/{order.pk}/", {"move": "prepare"})
    order.refresh_from_db()
    assert order.state == Order.State.PLACED


def _buttons(page) -> list[str]:
    """The moves the act page offers, in page order."""
    return re.findall(r'name="move" value="(\w+)"', page.content.decode())


def test_the_act_page_offers_only_the_moves_the_order_allows(operator_client, buyer, tea, point):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    url = f"/admin/orders/act/{order.pk}/"

    assert _buttons(operator_client.get(url)) == ["prepare", "cancel"]
    operator_client.post(url, {"move": "prepare"})
    assert _buttons(operator_client.get(url)) == ["arrive"]
    operator_client.post(url, {"move": "arrive"})
    page = operator_client.get(url)
    assert _buttons(page) == ["collect"]
    assert 'name="pickup_code"' in page.content.decode()
    order.refresh_from_db()
    operator_client.post(url, {"move": "collect", "pickup_code": order.pickup_code})

    page = operator_client.get(url)
    assert _buttons(page) == []
    assert "data-no-moves" in page.content.decode()


def test_an_online_order_is_prepared_only_once_paid(operator_client, buyer, tea, point, zone):
    order = place(buyer, [(tea, 1)], zone=zone)  # online, unpaid, for delivery
    url = f"/admin/orders/act/{order.pk}/"

    assert _buttons(operator_client.get(url)) == ["cancel"]
    order_mark_paid(order=order)
    assert _buttons(operator_client.get(url)) == ["prepare"]
    operator_client.post(url, {"move": "prepare"})
    assert _buttons(operator_client.get(url)) == ["deliver"]


def test_an_order_waiting_for_its_buyer_offers_only_cancel_and_says_why(
    operator_client, county_operator, buyer, tea, point
):
    order = place(
        buyer, [(tea, 1)], point=point, payment="cash_on_pickup", entered_by=county_operator
    )

    page = operator_client.get(f"/admin/orders/act/{order.pk}/")

    assert _buttons(page) == ["cancel"]
    assert "data-awaits-buyer" in page.content.decode()


def test_operator_filters_orders_by_service_point(operator_client, buyer, tea, point):
    other_point = ServicePointFactory(name="天荒坪服务点")
    here = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    there = place(buyer, [(tea, 1)], point=other_point, payment="cash_on_pickup")

    page = operator_client.get("/admin/orders/", {"service_point": other_point.pk})

    assert page.status_code == 200
    html = page.content.decode()
    assert there.number in html and here.number not in html
