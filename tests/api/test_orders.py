"""Orders through the API: idempotent placement, history, tracking, cancellation, and who may
see what. The same services and messages as the checkout and order pages."""

import uuid

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django_tenants.utils import tenant_context

from county_sites.orders.models import CartLine, Order
from county_sites.orders.services import (
    MSG_CANNOT_MOVE,
    MSG_KEY_INVALID,
    MSG_OUT_OF_STOCK,
    MSG_POINT_REQUIRED,
)
from tests.api.conftest import API, bearer_client, token_for
from tests.factories.farmers import ListingFactory, SellerFactory
from tests.factories.orders import ResidentFactory
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place

PICKUP_CASH = {"fulfilment": "pickup", "payment_method": "cash_on_pickup"}


def _cart(buyer, *lines):
    from county_sites.orders.models import Cart

    cart, _created = Cart.objects.get_or_create(user=buyer)
    for listing, quantity in lines:
        CartLine.objects.create(cart=cart, listing=listing, quantity=quantity)


def _place(client, body, key):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(f"{API}/orders/", body, content_type="application/json", **headers)


def _expected(order: Order, point) -> dict:
    events = list(order.events.all())
    return {
        "number": order.number,
        "state": "placed",
        "state_label": "待支付",
        "fulfilment": "pickup",
        "fulfilment_label": "服务点自提",
        "service_point": {
            "id": point.pk, "name": "递铺服务点", "village": "递铺村", "address": point.address,
            "latitude": None, "longitude": None, "opening_hours": "每天 8:00-20:00",
            "phone": "0572-5551234",
        },
        "pickup_code": order.pickup_code,
        "delivery_zone": None,
        "delivery_address": "",
        "contact_mobile": "13700000001",
        "payment_method": "cash_on_pickup",
        "payment_method_label": "到服务点付现金",
        "lines": [
            {"listing_id": order.lines.get().listing_id, "title": "安吉白茶", "unit": "jin",
             "unit_label": "斤", "price_fen": 12_800, "price_display": "¥128.00", "quantity": 2,
             "line_total_fen": 25_600, "line_total_display": "¥256.00"},
        ],
        "lines_total_fen": 25_600,
        "lines_total_display": "¥256.00",
        "delivery_fee_fen": 0,
        "delivery_fee_display": "¥0.00",
        "total_fen": 25_600,
        "total_display": "¥256.00",
        "placed_at": _json_time(order.placed_at),
        "paid_at": None,
        "cancelled_at": None,
        "cancel_reason": "",
        "events": [
            {"from_state": "", "to_state": "placed", "to_state_label": "待支付",
             "at": _json_time(events[0].at)},
        ],
    }  # fmt: skip


def _json_time(value) -> str:
    """A datetime as the API writes it (Django's JSON encoder: milliseconds, Z)."""
    return DjangoJSONEncoder().default(value)


def test_placing_the_cart_gives_201_then_200_with_the_same_body(api_client, buyer, tea, point):
    _cart(buyer, (tea, 2))
    body = {**PICKUP_CASH, "service_point_id": point.pk}

    first = _place(api_client, body, "key-1")
    again = _place(api_client, body, "key-1")

    assert first.status_code == 201
    assert again.status_code == 200
    order = Order.objects.get()
    assert first.json() == again.json()
    assert first.json() == _expected(order, point)
    assert not CartLine.objects.exists()
    tea.refresh_from_db()
    assert tea.stock == 18


def test_twenty_posts_with_one_key_make_one_order(api_client, buyer, tea, point):
    _cart(buyer, (tea, 1))
    body = {**PICKUP_CASH, "service_point_id": point.pk}
    key = uuid.uuid4().hex

    responses = [_place(api_client, body, key) for _ in range(20)]

    assert [r.status_code for r in responses] == [201] + [200] * 19
    assert len({r.json()["number"] for r in responses}) == 1
    assert Order.objects.count() == 1
    tea.refresh_from_db()
    assert tea.stock == 19


@pytest.mark.parametrize("key", [None, "", "x" * 65])
def test_a_missing_or_bad_idempotency_key_is_a_400_and_nothing_is_made(
    api_client, buyer, tea, point, key
):
    _cart(buyer, (tea, 1))

    response = _place(api_client, {**PICKUP_CASH, "service_point_id": point.pk}, key)

    assert response.status_code == 400
    assert response.json() == {"detail": str(MSG_KEY_INVALID), "field": "idempotency_key"}
    assert not Order.objects.exists()
    assert CartLine.objects.count() == 1


def test_a_refusal_is_the_checkout_pages_message_and_changes_nothing(api_client, buyer, tea, point):
    _cart(buyer, (tea, 99))

    response = _place(api_client, {**PICKUP_CASH, "service_point_id": point.pk}, "k")

    assert response.status_code == 400
    assert response.json() == {
        "detail": MSG_OUT_OF_STOCK % {"title": "安吉白茶", "stock": 20}, "field": "lines",
    }  # fmt: skip
    assert not Order.objects.exists()
    tea.refresh_from_db()
    assert tea.stock == 20
    assert CartLine.objects.get().quantity == 99


def test_a_closed_service_point_is_refused(api_client, buyer, tea):
    closed = ServicePointFactory(is_active=False)
    _cart(buyer, (tea, 1))

    response = _place(api_client, {**PICKUP_CASH, "service_point_id": closed.pk}, "k")

    assert response.status_code == 400
    assert response.json() == {"detail": str(MSG_POINT_REQUIRED), "field": "service_point"}


def test_explicit_lines_for_delivery_leave_the_cart_alone(api_client, buyer, tea, shoots, zone):
    _cart(buyer, (tea, 1))
    body = {"fulfilment": "delivery", "payment_method": "bank_gateway",
            "delivery_zone_id": zone.pk, "delivery_address": "递铺街道 8 号",
            "lines": [{"listing_id": shoots.pk, "quantity": 4}]}  # fmt: skip

    response = _place(api_client, body, "k")

    assert response.status_code == 201
    got = response.json()
    assert (got["lines_total_fen"], got["delivery_fee_fen"], got["total_fen"]) == (2600, 800, 3400)
    assert got["delivery_zone"] == {"id": zone.pk, "name": "城区", "description": "",
                                    "fee_fen": 800, "fee_display": "¥8.00"}  # fmt: skip
    assert got["pickup_code"] == ""
    assert list(CartLine.objects.values_list("listing_id", flat=True)) == [tea.pk]


def test_order_list_and_detail_are_the_callers_own(api_client, buyer, other_buyer, tea, point):
    mine = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    theirs = place(other_buyer, [(tea, 1)], point=point, payment="cash_on_pickup")

    listing = api_client.get(f"{API}/orders/")
    detail = api_client.get(f"{API}/orders/{mine.number}/")
    other = api_client.get(f"{API}/orders/{theirs.number}/")

    assert listing.status_code == 200
    body = listing.json()
    assert (body["count"], body["page"], body["pages"]) == (1, 1, 1)
    assert [o["number"] for o in body["results"]] == [mine.number]
    assert "events" not in body["results"][0]
    assert detail.status_code == 200
    assert detail.json()["number"] == mine.number
    assert other.status_code == 404
    for path in ("cancel/", "pay/"):
        response = api_client.post(f"{API}/orders/{theirs.number}/{path}", {},
                                   content_type="application/json")  # fmt: skip
        assert response.status_code == 404
    assert api_client.get(f"{API}/orders/{theirs.number}/payment/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == Order.State.PLACED


def test_an_order_number_of_county_b_is_a_404_on_county_a(
    county, other_county, api_client, buyer, tea, point
):
    with tenant_context(other_county):
        resident = ResidentFactory(username="buyer-b", mobile="13700000009")
        listing = ListingFactory(seller=SellerFactory(), title="千岛湖鱼", approved=True)
        b_point = ServicePointFactory()
        b_order = place(resident, [(listing, 1)], point=b_point, payment="cash_on_pickup")
        b_token = token_for(resident)

    on_a = api_client.get(f"{API}/orders/{b_order.number}/")
    b_token_on_a = bearer_client(county, b_token).get(f"{API}/orders/{b_order.number}/")

    assert on_a.status_code == 404
    assert b_token_on_a.status_code == 401
    with tenant_context(other_county):
        b_seen = bearer_client(other_county, b_token).get(f"{API}/orders/{b_order.number}/")
        assert b_seen.status_code == 200


def test_cancel_gives_the_stock_back_and_a_second_cancel_is_refused(api_client, buyer, tea, point):
    order = place(buyer, [(tea, 3)], point=point, payment="cash_on_pickup")

    cancelled = api_client.post(f"{API}/orders/{order.number}/cancel/", {"reason": "买错了"},
                                content_type="application/json")  # fmt: skip
    # The body is optional: an empty JSON body cancels without a reason.
    again = api_client.post(f"{API}/orders/{order.number}/cancel/", content_type="application/json")

    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "买错了"
    assert [e["to_state"] for e in cancelled.json()["events"]] == ["placed", "cancelled"]
    tea.refresh_from_db()
    assert tea.stock == 20
    assert again.status_code == 400
    assert again.json() == {
        "detail": MSG_CANNOT_MOVE % {"number": order.number, "state": "已取消", "action": "取消"},
        "field": "state",
    }
