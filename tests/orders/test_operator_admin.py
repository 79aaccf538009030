"""County operators in the Wagtail admin: order list with filters, moving an order, deciding a
refund, the ledger daily report; residents get none of it."""

from county_sites.orders.models import Order, RefundRequest
from county_sites.orders.services import order_mark_paid, refund_request_create
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
    assert "<td data-difference>0</td>" in html
    assert "<td>12800</td>" in html


def test_residents_cannot_reach_the_operator_pages(county_client, buyer, tea, point):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    county_client.force_login(buyer)

    for url in (f"/admin/orders/act/{order.pk}/", "/admin/ledger/daily/", "/admin/orders/"):
        assert county_client.get(url).status_code in (302, 403, 404)
    county_client.post(f"/admin/orders/act/{order.pk}/", {"move": "prepare"})
    order.refresh_from_db()
    assert order.state == Order.State.PLACED
