"""Input that used to answer 500 (issue 12) gets a clear 4xx in the visitor's language and
changes nothing: NUL in a path or query, numbers beyond a column's range, an over-long or
malformed contact number or address on POST /api/v1/orders/, an API body over the limit."""

import json

import pytest
from django.test import Client
from django.utils.translation import override

from accounts.services import MOBILE_INVALID
from core.limits import QUANTITY_MAX, STOCK_MAX
from core.request_guard import MSG_BAD_CHARACTERS, MSG_BAD_REQUEST, MSG_TOO_LARGE
from county_sites.orders.models import CartLine, Order
from county_sites.orders.selectors import SESSION_CART
from county_sites.orders.services.cart import MSG_QUANTITY_TOO_LARGE
from county_sites.orders.services.placing import (
    MSG_ADDRESS_INVALID,
    MSG_ADDRESS_TOO_LONG,
    MSG_TOTAL_TOO_LARGE,
)
from farmers.models import Listing
from farmers.services import MSG_STOCK_TOO_LARGE
from tests.api.conftest import API, token_for
from tests.factories.farmers import ListingFactory
from tests.fixtures.counties import host_of
from tests.fixtures.farmers import farmers_snapshot


def zh(message, **params) -> str:
    with override("zh-hans"):
        return str(message) % params if params else str(message)


def _client(county, **headers) -> Client:
    return Client(HTTP_HOST=host_of(county), raise_request_exception=False, **headers)


# ------------------------------------------------------------------------------------------
# NUL in a path or a query: 400 before any view, JSON under /api/
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%E7%99%BD%00%E8%8C%B6",
        "/c/vegetables/?village=a%00b",
        "/c/vegetables/?sort=price%00",
        "/trace/AB%00C/",
        "/trace/AB%00C/qr.png",
        "/orders/2612010000%00/",
        "/some%00page/",
    ],
)
def test_nul_in_a_page_path_or_query_is_a_400_page(county, in_county, url):
    response = _client(county).get(url)

    assert response.status_code == 400
    assert zh(MSG_BAD_CHARACTERS) in response.content.decode()


@pytest.mark.parametrize(
    "url", [f"{API}/orders/2612010000%00/", f"{API}/listings/?q=%00", f"{API}/search/?q=a%00"]
)
def test_nul_in_an_api_path_or_query_is_a_json_400(county, in_county, buyer, url):
    response = _client(county, HTTP_AUTHORIZATION=f"Bearer {token_for(buyer)}").get(url)

    assert response.status_code == 400
    assert response.json() == {"detail": zh(MSG_BAD_CHARACTERS), "field": None}


def test_nul_on_the_hub_host_is_a_400_too(db):
    response = Client(HTTP_HOST="localhost", raise_request_exception=False).get("/?q=%00")

    assert response.status_code == 400
    assert zh(MSG_BAD_CHARACTERS) in response.content.decode()


def test_an_id_beyond_bigint_is_refused_not_a_server_error(county, in_county):
    response = _client(county).get("/p/99999999999999999999999/")

    assert response.status_code == 400
    assert zh(MSG_BAD_REQUEST) in response.content.decode()


# ------------------------------------------------------------------------------------------
# Quantities and stock beyond the integer range
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("quantity", ["99999999999999999999", "3000000000", str(QUANTITY_MAX + 1)])
def test_a_huge_cart_quantity_is_refused_and_the_cart_is_unchanged(
    county, in_county, buyer, tea, quantity
):
    client = _client(county)
    client.force_login(buyer)

    response = client.post("/cart/add/", {"listing": tea.pk, "quantity": quantity})

    assert response.status_code == 400
    assert zh(MSG_QUANTITY_TOO_LARGE, max=QUANTITY_MAX) in response.content.decode()
    assert CartLine.objects.count() == 0


def test_a_huge_quantity_in_an_anonymous_cart_is_refused(county, in_county, tea):
    client = _client(county)

    response = client.post("/cart/add/", {"listing": tea.pk, "quantity": "99999999999999999999"})

    assert response.status_code == 400
    assert zh(MSG_QUANTITY_TOO_LARGE, max=QUANTITY_MAX) in response.content.decode()
    assert client.session.get(SESSION_CART, {}) == {}


def test_a_listing_id_beyond_bigint_in_the_cart_is_a_404(county, in_county):
    response = _client(county).post("/cart/add/", {"listing": "9" * 30, "quantity": "1"})

    assert response.status_code == 404


@pytest.fixture
def seller_client(county, seller):
    client = _client(county)
    client.force_login(seller.user)
    return client


@pytest.mark.parametrize("stock", ["99999999999999999999", str(STOCK_MAX + 1)])
def test_a_huge_stock_on_the_seller_page_is_refused_and_nothing_changes(
    seller_client, seller, stock
):
    listing = ListingFactory(seller=seller, title="竹林鸡蛋", approved=True, stock=12)
    before = farmers_snapshot()

    response = seller_client.post(f"/seller/listings/{listing.pk}/stock/", {"stock": stock})

    assert response.status_code == 400
    assert zh(MSG_STOCK_TOO_LARGE, max=STOCK_MAX) in response.content.decode()
    assert farmers_snapshot() == before


def test_a_huge_stock_on_a_new_listing_is_refused_and_nothing_is_created(seller_client):
    from tests.farmers.seller_pages_helpers import _listing_form

    response = seller_client.post(
        "/seller/listings/new/", _listing_form(stock="99999999999999999999")
    )

    assert response.status_code == 400
    assert zh(MSG_STOCK_TOO_LARGE, max=STOCK_MAX) in response.content.decode()
    assert Listing.objects.count() == 0


# ------------------------------------------------------------------------------------------
# POST /api/v1/orders/: contact_mobile, delivery_address, quantities, the body size
# ------------------------------------------------------------------------------------------
def _order(county, buyer, *, key="k-1", **body):
    client = _client(county, HTTP_AUTHORIZATION=f"Bearer {token_for(buyer)}")
    return client.post(
        f"{API}/orders/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def _pickup(tea, point, quantity=1, **extra):
    return {
        "fulfilment": "pickup",
        "payment_method": "cash_on_pickup",
        "service_point_id": point.pk,
        "lines": [{"listing_id": tea.pk, "quantity": quantity}],
        **extra,
    }


@pytest.mark.parametrize(
    "mobile",
    [
        "1" * 50,
        "abc",
        "1370000000",  # ten digits
        "١٣٧٠٠٠٠٠٠١١",  # Arabic-Indic digits: the same handset as 13700000011
        "137０００００\x0011",
    ],
)
def test_a_bad_contact_mobile_is_a_400_on_its_field_and_no_order(
    county, in_county, buyer, tea, point, mobile
):
    response = _order(county, buyer, **_pickup(tea, point, contact_mobile=mobile))

    assert response.status_code == 400
    assert response.json() == {"detail": zh(MOBILE_INVALID), "field": "contact_mobile"}
    assert Order.objects.count() == 0
    tea.refresh_from_db()
    assert tea.stock == 20


def test_a_full_width_contact_mobile_is_folded_to_ascii(county, in_county, buyer, tea, point):
    response = _order(
        county, buyer, **_pickup(tea, point, contact_mobile="１３７ ０００ ０００１１")
    )

    assert response.status_code == 201, response.content
    assert response.json()["contact_mobile"] == "13700000011"
    assert Order.objects.get().contact_mobile == "13700000011"


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("递铺街道" * 100, zh(MSG_ADDRESS_TOO_LONG, max=255)),
        ("递铺\x00街道", zh(MSG_ADDRESS_INVALID)),
    ],
)
def test_a_bad_delivery_address_is_a_400_on_its_field_and_no_order(
    county, in_county, buyer, tea, zone, address, message
):
    body = {
        "fulfilment": "delivery",
        "payment_method": "bank_gateway",
        "delivery_zone_id": zone.pk,
        "delivery_address": address,
        "lines": [{"listing_id": tea.pk, "quantity": 1}],
    }

    response = _order(county, buyer, **body)

    assert response.status_code == 400
    assert response.json() == {"detail": message, "field": "delivery_address"}
    assert Order.objects.count() == 0
    tea.refresh_from_db()
    assert tea.stock == 20


def test_an_api_quantity_over_the_maximum_is_refused(county, in_county, buyer, tea, point):
    response = _order(county, buyer, **_pickup(tea, point, quantity=QUANTITY_MAX + 1))

    assert response.status_code == 400
    assert response.json() == {
        "detail": zh(MSG_QUANTITY_TOO_LARGE, max=QUANTITY_MAX),
        "field": "quantity",
    }
    assert Order.objects.count() == 0


def test_an_order_total_beyond_the_column_is_refused_and_the_stock_goes_back(
    county, in_county, buyer, tea_seller, point
):
    dear = ListingFactory(
        seller=tea_seller, title="极品白茶", price_fen=99_999_999, stock=50_000, approved=True
    )

    response = _order(county, buyer, **_pickup(dear, point, quantity=30_000))

    assert response.status_code == 400
    assert response.json() == {"detail": zh(MSG_TOTAL_TOO_LARGE), "field": "lines"}
    assert Order.objects.count() == 0
    dear.refresh_from_db()
    assert dear.stock == 50_000


def test_an_api_body_over_the_upload_limit_is_a_json_413(county, in_county, buyer, settings):
    client = _client(county, HTTP_AUTHORIZATION=f"Bearer {token_for(buyer)}")
    body = json.dumps({"fulfilment": "pickup", "delivery_address": "x" * (3 * 1024 * 1024)})

    response = client.post(
        f"{API}/orders/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="big"
    )

    assert response.status_code == 413
    assert response.json() == {"detail": zh(MSG_TOO_LARGE), "field": None}
    assert Order.objects.count() == 0
