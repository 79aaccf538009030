"""The buyer asks back some lines of an online order, with photos (issue 14, point 4): ticked
lines make a request for those lines only (amount = their value, the order stays where it
is); nothing ticked, or every line, is the whole order as before."""

import pytest

from county_sites.orders.models import Order, RefundRequest
from county_sites.orders.services import (
    order_mark_paid,
    order_pay_start,
    refund_approve,
)
from county_sites.orders.services.refunds import MSG_REFUND_LINES_INVALID
from sandbox_bank.models import SandboxTransaction
from sandbox_bank.services import transaction_pay
from tests.fixtures.orders import place
from tests.orders.test_refunds import _jpeg


@pytest.fixture
def paid_two_lines(buyer, tea, shoots, point, bank_in_process):
    order = place(buyer, [(tea, 1), (shoots, 2)], point=point)
    order_pay_start(order=order, notify_url="http://anji.localhost/n/", return_url="http://r/")
    transaction_pay(token=SandboxTransaction.objects.get(out_trade_no=order.number).token)
    return order_mark_paid(order=order)


def _url(order: Order) -> str:
    return f"/orders/{order.number}/refund/"


def _line(order: Order, title: str):
    return order.lines.get(title=title)


def test_the_form_offers_the_lines_of_an_online_order(county_client, buyer, paid_two_lines):
    county_client.force_login(buyer)

    html = county_client.get(_url(paid_two_lines)).content.decode()

    for title in ("安吉白茶", "鲜竹笋"):
        assert f'name="lines" value="{_line(paid_two_lines, title).pk}"' in html
    assert "整单可退 ¥141.00" in html


def test_ticked_lines_with_a_photo_make_a_lines_request(county_client, buyer, paid_two_lines):
    county_client.force_login(buyer)
    shoots_line = _line(paid_two_lines, "鲜竹笋")

    response = county_client.post(
        _url(paid_two_lines),
        {"reason": "笋烂了", "lines": [str(shoots_line.pk)], "photos": [_jpeg()]},
    )

    assert response.status_code == 303
    request = RefundRequest.objects.get()
    assert (request.scope, request.amount_fen, request.requested_by) == ("lines", 1300, buyer)
    assert list(request.lines.all()) == [shoots_line]
    assert request.photos.count() == 1
    assert Order.objects.get(pk=paid_two_lines.pk).state == "paid"


def test_every_line_ticked_is_the_whole_order(county_client, buyer, paid_two_lines):
    county_client.force_login(buyer)
    ids = [str(line.pk) for line in paid_two_lines.lines.all()]

    county_client.post(_url(paid_two_lines), {"reason": "都不要了", "lines": ids})

    request = RefundRequest.objects.get()
    assert (request.scope, request.amount_fen) == ("order", 14_100)
    assert Order.objects.get(pk=paid_two_lines.pk).state == "refund_requested"


def test_after_a_line_refund_the_rest_is_what_is_left(
    county_client, buyer, paid_two_lines, county_operator
):
    county_client.force_login(buyer)
    shoots_line = _line(paid_two_lines, "鲜竹笋")
    county_client.post(_url(paid_two_lines), {"reason": "笋烂了", "lines": [shoots_line.pk]})
    refund_approve(actor=county_operator, refund_request=RefundRequest.objects.get())

    html = county_client.get(_url(paid_two_lines)).content.decode()

    assert "整单可退 ¥128.00" in html
    assert f'value="{shoots_line.pk}"' not in html  # covered already; one line left: no choice


@pytest.mark.parametrize("bad", ["abc", "999999"])
def test_a_line_not_of_this_order_is_refused_and_nothing_changes(
    county_client, buyer, paid_two_lines, bad
):
    county_client.force_login(buyer)

    response = county_client.post(_url(paid_two_lines), {"reason": "x", "lines": [bad]})

    assert response.status_code == 400
    assert str(MSG_REFUND_LINES_INVALID) in response.content.decode()
    assert not RefundRequest.objects.exists()
    assert Order.objects.get(pk=paid_two_lines.pk).state == "paid"


def test_a_cash_order_offers_no_lines(county_client, buyer, tea, shoots, point):
    order = place(buyer, [(tea, 1), (shoots, 1)], point=point, payment="cash_on_pickup")
    county_client.force_login(buyer)

    html = county_client.get(_url(order)).content.decode()

    assert 'name="lines"' not in html


def test_another_buyer_cannot_ask_for_these_lines(county_client, other_buyer, paid_two_lines):
    county_client.force_login(other_buyer)
    line = _line(paid_two_lines, "鲜竹笋")

    response = county_client.post(_url(paid_two_lines), {"reason": "x", "lines": [line.pk]})

    assert response.status_code == 404
    assert not RefundRequest.objects.exists()
