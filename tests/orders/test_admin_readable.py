"""Operator screens as people read them (issue 14, point 2): yuan with the sign where the
admin shows or takes an amount (stored fen), local times, words for booleans and states,
Chinese column headers; a resident and another county see none of it."""

import datetime as dt
import re

import pytest

from county_sites.orders.forms import MSG_YUAN_INVALID
from county_sites.orders.models import DeliveryZone, Order
from county_sites.orders.services import order_mark_paid, order_prepare, refund_request_create
from tests.factories.orders import DeliveryZoneFactory
from tests.fixtures.orders import place

ZONES = "/admin/delivery_zones/"
# 2026-03-01 00:30 UTC is 08:30 in the county (Asia/Shanghai).
PLACED_UTC = dt.datetime(2026, 3, 1, 0, 30, tzinfo=dt.UTC)


def _text(html: str) -> str:
    """What a person reads: the text between tags, not class names or scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _zone_form(fee: str) -> dict:
    return {"name": "城区", "description": "", "fee_fen": fee, "is_active": "on", "sort_order": "1"}


@pytest.mark.parametrize(
    ("typed", "fen"), [("8", 800), ("8.5", 850), ("¥12.30", 1230), ("１２．３", 1230), ("0", 0)]
)
def test_zone_fee_is_typed_in_yuan_and_stored_in_fen(operator_client, typed, fen):
    response = operator_client.post(f"{ZONES}new/", _zone_form(typed))

    assert response.status_code == 302
    assert DeliveryZone.objects.get().fee_fen == fen


@pytest.mark.parametrize("typed", ["abc", "8.555", "-3"])
def test_a_fee_that_is_not_yuan_is_refused_on_the_form(operator_client, typed):
    response = operator_client.post(f"{ZONES}new/", _zone_form(typed))

    assert response.status_code == 200
    assert str(MSG_YUAN_INVALID) in response.content.decode()
    assert not DeliveryZone.objects.exists()


def test_an_empty_fee_is_refused_on_the_form(operator_client):
    response = operator_client.post(f"{ZONES}new/", _zone_form(""))

    assert response.status_code == 200
    assert not DeliveryZone.objects.exists()


def test_zone_edit_form_shows_the_fee_in_yuan_and_the_list_says_yuan(operator_client):
    zone = DeliveryZoneFactory(name="城区", fee_fen=850)

    form = operator_client.get(f"{ZONES}edit/{zone.pk}/").content.decode()
    listing = operator_client.get(ZONES).content.decode()

    assert re.search(r'name="fee_fen"[^>]*value="8.50"', form)
    assert "配送费（元）" in form
    assert "¥8.50" in listing
    assert "Fee yuan" not in listing and "True" not in listing
    assert "是" in _text(listing)


def test_order_list_headers_and_amounts(operator_client, buyer, tea, point):
    place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")

    html = operator_client.get("/admin/orders/").content.decode()

    assert "Total yuan" not in html
    assert "应付金额" in html and "¥128.00" in html


def test_order_inspect_shows_yuan_local_times_and_no_none(operator_client, buyer, tea, point):
    order = place(buyer, [(tea, 2)], point=point, payment="cash_on_pickup")
    Order.objects.filter(pk=order.pk).update(placed_at=PLACED_UTC)

    html = operator_client.get(f"/admin/orders/inspect/{order.pk}/").content.decode()

    assert "2026-03-01 08:30" in html
    assert "00:30" not in html
    assert "¥256.00" in html and "25600" not in html
    assert not {"None", "True", "False"} & set(_text(html).split())
    assert "（分）" not in html


def test_refund_list_and_inspect_in_words(operator_client, buyer, tea, point):
    order = order_mark_paid(order=place(buyer, [(tea, 1)], point=point))
    refund = refund_request_create(buyer=buyer, order=order, reason="坏了")

    listing = operator_client.get("/admin/refund_requests/").content.decode()
    inspect = operator_client.get(f"/admin/refund_requests/inspect/{refund.pk}/").content.decode()

    for english in ("Amount yuan", "Requested by", "Decided by", ">Order<"):
        assert english not in listing and english not in inspect
    assert "¥128.00" in listing
    assert "申请人" in inspect and "处理人" in inspect
    assert "退款金额" in inspect and "¥128.00" in inspect and "12800" not in inspect
    assert "None" not in _text(inspect).split()


def test_order_log_names_the_states(operator_client, buyer, tea, point, county_operator):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    order_prepare(order=order, actor=county_operator)

    html = operator_client.get(f"/admin/orders/act/{order.pk}/").content.decode()

    assert (
        '<span data-from="placed">待支付</span> → <span data-to="preparing">备货中</span>' in html
    )
    assert "placed → preparing" not in html


def test_listing_inspect_labels_its_price_in_yuan(operator_client, tea):
    html = operator_client.get(f"/admin/listings/inspect/{tea.pk}/").content.decode()

    assert "单价（分）" not in html
    assert "¥128.00" in html
    assert "None" not in _text(html).split()


def test_seller_inspect_has_no_none_or_true_false(operator_client, tea_seller):
    html = operator_client.get(f"/admin/sellers/inspect/{tea_seller.pk}/").content.decode()

    assert not {"None", "True", "False"} & set(_text(html).split())


def test_a_resident_reaches_none_of_these_screens(county_client, buyer, tea, point):
    order = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    county_client.force_login(buyer)

    for url in (f"/admin/orders/inspect/{order.pk}/", ZONES, f"{ZONES}new/"):
        assert county_client.get(url).status_code in (302, 403), url
