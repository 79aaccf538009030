"""A clerk may enter an order paid from the villager's credit line, but the line is used only
once the villager confirms it with their own code (issue 11, point 2): nothing is drawn
before; a wrong code draws nothing; the code's SMS names the instalments and their cost."""

import pytest

from accounts.models import SmsOutbox
from core.errors import ApplicationError
from county_sites.credit.models import CreditDraw
from county_sites.credit.selectors import credit_line_summary
from county_sites.credit.services import MSG_NO_LINE, MSG_OVER_LIMIT
from county_sites.ledger.models import LedgerEntry
from county_sites.orders.models import Order
from county_sites.orders.services import MSG_CODE_WRONG, assisted_order_confirm
from tests.credit.conftest import grant
from tests.fixtures.assisted import send, sms_code, wrong

pytestmark = pytest.mark.usefixtures("fresh_tries")

URL = "http://anji.localhost/orders/x/"


def _confirm(clerk, order, code):
    return assisted_order_confirm(clerk_user=clerk.user, order=order, code=code, order_url=URL)


def test_nothing_is_drawn_until_the_villager_confirms(clerk, villager, tea, bank_in_process):
    grant(villager)

    order = send(clerk, villager, [(tea, 1)], payment="credit_line", credit_term=3)

    assert (order.state, order.credit_term_months, order.buyer_confirmed_at) == ("placed", 3, None)
    assert not CreditDraw.objects.filter(order=order).exists()
    assert not LedgerEntry.objects.filter(order=order).exists()
    assert credit_line_summary(user=villager).drawn_fen == 0
    text = SmsOutbox.objects.filter(mobile=villager.mobile).order_by("-pk").first().text
    # 12,800 in 3 at 1 % a month: interest 128 + 85 + 42, fee 1 % = 128.
    assert "用您的授信额度分 3 期付款，利息和手续费共 3.83 元" in text

    confirmed = _confirm(clerk, order, sms_code(villager.mobile))

    assert confirmed.state == Order.State.PAID
    draw = CreditDraw.objects.get(order=order)
    assert (draw.principal_fen, draw.term_months) == (12_800, 3)
    assert LedgerEntry.objects.get(order=order, kind="payment").provider == "credit_line"
    assert credit_line_summary(user=villager).drawn_fen == 12_800
    last = SmsOutbox.objects.filter(mobile=villager.mobile).order_by("-pk").first().text
    assert last.startswith(f"【丰收】订单 {order.number} 已确认，128.00 元已用授信分 3 期支付")


def test_a_wrong_code_draws_nothing(clerk, villager, tea, bank_in_process):
    grant(villager)
    order = send(clerk, villager, [(tea, 1)], payment="credit_line", credit_term=1)

    with pytest.raises(ApplicationError) as refusal:
        _confirm(clerk, order, wrong(sms_code(villager.mobile)))

    assert str(refusal.value.message) == str(MSG_CODE_WRONG)
    order.refresh_from_db()
    assert (order.state, order.buyer_confirmed_at) == ("placed", None)
    assert not CreditDraw.objects.filter(order=order).exists()


def test_a_villager_without_a_line_or_enough_credit_is_refused_at_the_counter(
    clerk, villager, tea, bank_in_process
):
    with pytest.raises(ApplicationError) as refusal:
        send(clerk, villager, [(tea, 1)], payment="credit_line", credit_term=1)
    assert str(refusal.value.message) == str(MSG_NO_LINE)

    grant(villager, limit=10_000)
    with pytest.raises(ApplicationError) as refusal:
        send(clerk, villager, [(tea, 1)], payment="credit_line", credit_term=1)
    assert str(refusal.value.message) == str(
        MSG_OVER_LIMIT % {"available": "100.00", "total": "128.00"}
    )
    assert not Order.objects.filter(buyer=villager).exists()  # nothing placed, nothing held


def test_a_line_used_up_meanwhile_refuses_the_confirmation_and_draws_nothing(
    clerk, villager, tea, point, bank_in_process
):
    from tests.credit.test_pay_later import _credit

    grant(villager, limit=20_000)
    order = send(clerk, villager, [(tea, 1)], payment="credit_line", credit_term=1)
    code = sms_code(villager.mobile)
    _credit(villager, [(tea, 1)], term=1, point=point)  # the villager spends it at home

    with pytest.raises(ApplicationError) as refusal:
        _confirm(clerk, order, code)

    assert str(refusal.value.message) == str(
        MSG_OVER_LIMIT % {"available": "72.00", "total": "128.00"}
    )
    order.refresh_from_db()
    assert (order.state, order.buyer_confirmed_at) == ("placed", None)
    assert not CreditDraw.objects.filter(order=order).exists()


def test_the_console_offers_the_villagers_line_and_sends_without_drawing(
    county_client, clerk, villager, tea, bank_in_process
):
    import re

    grant(villager)
    county_client.force_login(clerk.user)
    county_client.post(
        "/clerk/order/basket/", {"villager": villager.pk, "listing": tea.pk, "quantity": 1}
    )
    page = county_client.get("/clerk/order/", {"villager": villager.pk}).content.decode()
    assert 'value="credit_line"' in page and "可用 ¥1000.00" in page
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)

    response = county_client.post(
        "/clerk/order/send/",
        {"villager": villager.pk, "idempotency_key": key, "payment_method": "credit_line",
         "credit_term": "6", "method": "sms"},
    )  # fmt: skip

    order = Order.objects.get(buyer=villager)
    assert response.status_code == 303
    assert (order.payment_method, order.credit_term_months, order.state) == (
        "credit_line", 6, "placed",
    )  # fmt: skip
    assert not CreditDraw.objects.filter(order=order).exists()
