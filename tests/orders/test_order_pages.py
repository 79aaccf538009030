"""Resident pages: checkout by HTTP, history, tracking, and who may see what (the seller's
orders page is tested in test_seller_orders_page.py)."""

import pytest
from django_tenants.utils import tenant_context

from county_sites.orders.models import CartLine, Order
from tests.factories.farmers import ListingFactory
from tests.fixtures.counties import SchemaKeepingClient, host_of
from tests.fixtures.orders import place


@pytest.fixture
def buyer_client(county_client, buyer):
    county_client.force_login(buyer)
    return county_client


def test_anonymous_cart_is_merged_on_login_and_checkout_places_one_order(
    county_client, buyer, tea, point, bank_in_process
):
    added = county_client.post("/cart/add/", {"listing": tea.pk, "quantity": 2})
    assert added.status_code == 303
    assert str(tea.pk) in county_client.session["orders_cart"]

    county_client.force_login(buyer)
    # force_login has no session cart to merge; log in through the signal with the session:
    from county_sites.orders.signals import cart_merge_on_login

    class _Request:
        session = {"orders_cart": {str(tea.pk): 2}}

    cart_merge_on_login(None, _Request(), buyer)
    assert list(CartLine.objects.values_list("listing_id", "quantity")) == [(tea.pk, 2)]

    page = county_client.get("/checkout/")
    assert page.status_code == 200
    key = page.context["idempotency_key"]
    form = {"idempotency_key": key, "fulfilment": "pickup", "service_point": point.pk,
            "payment_method": "bank_gateway"}  # fmt: skip
    first = county_client.post("/checkout/", form)
    second = county_client.post("/checkout/", form)  # the double tap

    assert Order.objects.count() == 1
    order = Order.objects.get()
    assert first.status_code == second.status_code == 303
    assert first["Location"].startswith("http://localhost:8000/sandbox-bank/pay/")
    assert not CartLine.objects.exists()
    tea.refresh_from_db()
    assert tea.stock == 18
    detail = county_client.get(f"/orders/{order.number}/")
    assert detail.status_code == 200
    assert order.pickup_code in detail.content.decode()


def test_checkout_refusal_is_400_with_the_message(buyer_client, buyer, tea, point):
    CartLine.objects.create(cart=_cart(buyer), listing=tea, quantity=99)

    response = buyer_client.post(
        "/checkout/",
        {
            "idempotency_key": "k",
            "fulfilment": "pickup",
            "service_point": point.pk,
            "payment_method": "cash_on_pickup",
        },  # fmt: skip
    )

    assert response.status_code == 400
    assert "库存不足" in response.content.decode()
    assert not Order.objects.exists()


def _cart(user):
    from county_sites.orders.models import Cart

    return Cart.objects.create(user=user)


def test_order_pages_need_login(county_client):
    response = county_client.get("/orders/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_history_lists_only_my_orders(buyer_client, buyer, other_buyer, tea, point):
    mine = place(buyer, [(tea, 1)], point=point)
    theirs = place(other_buyer, [(tea, 1)], point=point)

    html = buyer_client.get("/orders/").content.decode()

    assert mine.number in html
    assert theirs.number not in html


def test_another_residents_order_is_404(buyer_client, other_buyer, tea, point):
    theirs = place(other_buyer, [(tea, 1)], point=point)

    assert buyer_client.get(f"/orders/{theirs.number}/").status_code == 404
    assert buyer_client.post(f"/orders/{theirs.number}/cancel/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == Order.State.PLACED


def test_county_b_order_is_404_on_county_a_and_a_user_is_not_logged_in_on_b(
    buyer_client, buyer, other_county, django_db_blocker
):
    with tenant_context(other_county):
        from tests.factories.farmers import SellerFactory
        from tests.factories.orders import ResidentFactory
        from tests.factories.service_points import ServicePointFactory

        b_buyer = ResidentFactory(username="b-buyer", mobile="13600000009")
        b_listing = ListingFactory(seller=SellerFactory(), approved=True)
        b_order = place(b_buyer, [(b_listing, 1)], point=ServicePointFactory())

    assert buyer_client.get(f"/orders/{b_order.number}/").status_code == 404
    b_client = SchemaKeepingClient(HTTP_HOST=host_of(other_county), county=other_county)
    b_client.cookies = buyer_client.cookies  # A's session cookie sent to B
    response = b_client.get(f"/orders/{b_order.number}/")
    assert response.status_code == 302  # not logged in on B: sent to B's login
