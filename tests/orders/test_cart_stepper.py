"""The cart changes a quantity, not only removes a line (issue 14, point 4): − and + and a
number with 更新, each a plain form (no JavaScript), for signed-in and anonymous carts."""

import re

import pytest

from county_sites.orders.models import CartLine
from county_sites.orders.selectors import SESSION_CART
from county_sites.orders.services import cart_line_set
from county_sites.orders.services.cart import MSG_QUANTITY_INVALID


def test_signed_in_cart_shows_minus_number_and_plus(county_client, buyer, tea):
    cart_line_set(user=buyer, listing_id=tea.pk, quantity=2)
    county_client.force_login(buyer)

    html = county_client.get("/cart/").content.decode()
    stepper = html[html.index('<span class="stepper"') :]

    assert re.search(r'name="quantity" value="1"><button class="step"[^>]*>−</button>', stepper)
    assert re.search(r'name="quantity" value="3"><button class="step"[^>]*>\+</button>', stepper)
    assert f'id="qty-{tea.pk}" name="quantity" type="number"' in stepper
    assert ">更新</button>" in stepper


def test_plus_minus_and_a_typed_number_change_the_line(county_client, buyer, tea):
    cart_line_set(user=buyer, listing_id=tea.pk, quantity=2)
    county_client.force_login(buyer)

    for quantity in ("3", "1", "5"):
        response = county_client.post("/cart/add/", {"listing": tea.pk, "quantity": quantity})
        assert response.status_code == 303
        assert CartLine.objects.get(cart__user=buyer).quantity == int(quantity)


@pytest.mark.parametrize("typed", ["0", "-1", "两"])
def test_a_quantity_that_is_not_one_or_more_is_refused_and_the_line_kept(
    county_client, buyer, tea, typed
):
    cart_line_set(user=buyer, listing_id=tea.pk, quantity=2)
    county_client.force_login(buyer)

    response = county_client.post("/cart/add/", {"listing": tea.pk, "quantity": typed})

    assert response.status_code == 400
    assert f'<p class="error" role="alert">{MSG_QUANTITY_INVALID}</p>' in response.content.decode()
    assert CartLine.objects.get(cart__user=buyer).quantity == 2


def test_no_plus_at_the_stock_and_no_minus_at_the_minimum(county_client, buyer, tea):
    cart_line_set(user=buyer, listing_id=tea.pk, quantity=20)  # all 20 in stock
    county_client.force_login(buyer)
    at_stock = county_client.get("/cart/").content.decode()
    cart_line_set(user=buyer, listing_id=tea.pk, quantity=1)
    at_minimum = county_client.get("/cart/").content.decode()

    assert ">+</button>" not in at_stock and ">−</button>" in at_stock
    assert ">−</button>" not in at_minimum and ">+</button>" in at_minimum


def test_anonymous_session_cart_changes_quantity_too(county_client, tea):
    county_client.post("/cart/add/", {"listing": tea.pk, "quantity": "2"})

    county_client.post("/cart/add/", {"listing": tea.pk, "quantity": "4"})

    assert county_client.session[SESSION_CART] == {str(tea.pk): 4}
    assert "× 4" in county_client.get("/cart/").content.decode()


def test_refund_form_is_styled_like_the_storefront(county_client, buyer, tea, point):
    from county_sites.orders.services import order_mark_paid
    from tests.fixtures.orders import place

    order = order_mark_paid(order=place(buyer, [(tea, 1)], point=point))
    county_client.force_login(buyer)

    html = county_client.get(f"/orders/{order.number}/refund/").content.decode()

    assert '<div class="checkout">' in html and 'class="co-box"' in html
    assert '<button class="co-submit" type="submit">提交</button>' in html
    assert '<textarea id="refund-reason" name="reason"' in html
    assert "整单可退 ¥128.00" in html
