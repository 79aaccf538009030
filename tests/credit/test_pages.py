"""The resident's pages: checkout offers pay later with each term's cost, a confirmation page
shows the exact schedule before anything is placed, the order and the account show the line
and the schedule; nobody else, no other role and no other county sees them."""

import pytest
from django_tenants.utils import tenant_context

from county_sites.credit.models import CreditDraw, CreditLine
from county_sites.orders.models import Order
from county_sites.orders.services import cart_line_set
from tests.credit.conftest import grant
from tests.credit.test_pay_later import _credit


@pytest.fixture
def signed_in(county_client, buyer, line, tea):
    county_client.force_login(buyer)
    cart_line_set(user=buyer, listing_id=tea.pk, quantity=2)
    return county_client


def _form(point, **extra):
    return {
        "idempotency_key": "k-credit-1",
        "fulfilment": "pickup",
        "service_point": str(point.pk),
        "payment_method": "credit_line",
        "credit_term": "3",
        **extra,
    }


def test_checkout_offers_each_term_with_its_cost(signed_in, point):
    page = signed_in.get("/checkout/")

    html = page.content.decode()
    assert 'value="credit_line"' in html
    assert "可用额度 ¥1000.00" in html
    # 25,600 in 3: interest 256 + 170 + 85, fee 256.
    assert "首期 ¥90.46，利息 ¥5.11，手续费 ¥2.56，共还 ¥263.67" in html


def test_pay_later_shows_the_schedule_and_places_nothing_before_confirming(signed_in, point, buyer):
    page = signed_in.post("/checkout/", _form(point))

    assert page.status_code == 200
    html = page.content.decode()
    assert "data-credit-quote" in html
    assert "<dd data-interest>¥5.11</dd>" in html
    assert "<strong data-total-cost>¥263.67</strong>" in html
    assert html.count("data-seq=") == 3
    assert not Order.objects.filter(buyer=buyer).exists()

    placed = signed_in.post("/checkout/", {**_form(point), "credit_confirmed": "1"})

    order = Order.objects.get(buyer=buyer)
    assert (placed.status_code, placed["Location"]) == (303, f"/orders/{order.number}/")
    assert (order.state, order.credit_term_months) == ("paid", 3)
    detail = signed_in.get(f"/orders/{order.number}/").content.decode()
    assert "data-credit-draw" in detail and detail.count("data-seq=") == 3


def test_a_refused_draw_is_a_400_with_the_reason(signed_in, point, buyer):
    grant(buyer, limit=10_000)

    response = signed_in.post("/checkout/", {**_form(point), "credit_confirmed": "1"})

    assert response.status_code == 400
    assert "授信可用额度 100.00 元，不够支付 256.00 元。" in response.content.decode()
    assert not Order.objects.filter(buyer=buyer).exists()


def test_no_term_is_a_400(signed_in, point):
    response = signed_in.post("/checkout/", _form(point, credit_term="12"))

    assert response.status_code == 400
    assert "请选择分期期数：1、3 或 6 期。" in response.content.decode()


def test_the_account_page_shows_limit_drawn_available_expiry_and_schedule(
    county_client, buyer, tea, point, line
):
    order = _credit(buyer, [(tea, 1)], term=6, point=point)
    county_client.force_login(buyer)

    html = county_client.get("/account/").content.decode()

    assert "<dd data-limit>¥1000.00</dd>" in html
    assert "<dd data-drawn>¥128.00</dd>" in html
    assert "<strong data-available>¥872.00</strong>" in html
    assert f"{line.expires_on:%Y-%m-%d}" in html
    assert order.number in html and html.count("data-seq=") == 6


def test_another_resident_sees_none_of_it(county_client, buyer, other_buyer, tea, point, line):
    order = _credit(buyer, [(tea, 1)], point=point)
    county_client.force_login(other_buyer)

    account = county_client.get("/account/").content.decode()
    detail = county_client.get(f"/orders/{order.number}/")

    assert "data-limit" not in account and order.number not in account
    assert "您还没有授信额度" in account
    assert detail.status_code == 404


def test_a_clerk_or_seller_account_shows_only_their_own(county_client, clerk, seller, buyer,
                                                        tea, point, line):  # fmt: skip
    order = _credit(buyer, [(tea, 1)], point=point)
    for user in (clerk.user, seller.user):
        county_client.force_login(user)
        html = county_client.get("/account/").content.decode()
        assert order.number not in html and "data-limit" not in html


def test_another_county_has_no_line_and_no_draw(county, other_county, buyer, tea, point, line):
    _credit(buyer, [(tea, 1)], point=point)

    with tenant_context(other_county):
        assert CreditLine.objects.count() == 0
        assert CreditDraw.objects.count() == 0
