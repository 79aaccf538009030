"""The seller's orders page, /seller/orders/ (farmers, over county_sites.orders.selectors
.seller_order_lines): only orders with the seller's items, only the seller's lines. The old
duplicate at /orders/seller/ is gone."""

from tests.fixtures.orders import place

SELLER_ORDERS = "/seller/orders/"


def test_seller_sees_only_orders_with_their_items_and_only_their_lines(
    county_client, buyer, tea, shoots, tea_seller, point
):
    both = place(buyer, [(tea, 1), (shoots, 2)], point=point)
    only_shoots = place(buyer, [(shoots, 1)], point=point)
    county_client.force_login(tea_seller.user)

    response = county_client.get(SELLER_ORDERS)

    html = response.content.decode()
    assert response.status_code == 200
    assert both.number in html
    assert only_shoots.number not in html
    assert "安吉白茶" in html and "鲜竹笋" not in html


def test_the_seller_orders_page_is_not_shown_to_a_non_seller(
    county_client, buyer, tea, tea_seller, point
):
    order = place(buyer, [(tea, 1)], point=point)
    county_client.force_login(buyer)

    response = county_client.get(SELLER_ORDERS)

    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={SELLER_ORDERS}"
    assert order.number not in response.content.decode()


def test_the_old_seller_orders_url_is_gone(county_client, tea_seller):
    county_client.force_login(tea_seller.user)

    assert county_client.get("/orders/seller/").status_code == 404
