"""Orders a clerk enters for a villager and the villager's confirmation (issue 9, point 5):
county_sites.orders.services.assisted. The stock is held from the moment the order is sent;
nothing moves before the villager confirms by the SMS or on-screen code; wrong, expired and
reused codes are refused and leave nothing behind; the hold ends once, by the beat task or
by a late code; only the clerks of the order's own point act on it."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import SmsOutbox
from core.county_tasks import WrongSchemaError
from core.errors import ApplicationError
from county_sites.orders import states
from county_sites.orders.models import Order, OrderConfirmation, OrderEvent
from county_sites.orders.services import (
    CONFIRMATION_MAX_SENDS,
    CONFIRMATION_MAX_WRONG_TRIES,
    MSG_AWAITING_BUYER,
    MSG_CANCELLED_BY_CLERK,
    MSG_CANCELLED_UNCONFIRMED,
    MSG_CODE_EXPIRED,
    MSG_CODE_USED,
    MSG_CODE_WRONG,
    MSG_CONFIRMATION_TOO_MANY_TRIES,
    MSG_METHOD_INVALID,
    MSG_NO_MOBILE,
    MSG_NOT_FOR_YOURSELF,
    MSG_ONLINE_NEEDS_MOBILE,
    MSG_ORDER_CANCELLED,
    MSG_ORDER_NOT_HERE,
    MSG_OUT_OF_STOCK,
    MSG_PROXY_IS_CLERK,
    MSG_TOO_MANY_SENDS,
    MSG_VILLAGER_NOT_HERE,
    assisted_order_cancel,
    assisted_order_confirm,
    assisted_order_expire,
    assisted_order_resend,
    order_hand_over,
    order_mark_paid,
    order_pay_start,
    order_prepare,
    orders_cancel_expired,
)
from county_sites.orders.tasks import (
    counties_orders_expire_unconfirmed,
    orders_expire_unconfirmed,
)
from farmers.models import Listing
from service_points.services import MSG_NOT_A_CLERK, point_villager_add
from tests.factories.orders import ResidentFactory
from tests.fixtures.assisted import latest, screen_code, send, sms_code, snapshot, wrong

pytestmark = pytest.mark.usefixtures("fresh_tries")

URL = "http://anji.localhost/orders/x/"


def _confirm(clerk, order, code):
    return assisted_order_confirm(clerk_user=clerk.user, order=order, code=code, order_url=URL)


def _refused(message, call, **kwargs):
    before = snapshot()
    with pytest.raises(ApplicationError) as refusal:
        call(**kwargs)
    assert str(refusal.value.message) == str(message)
    assert snapshot() == before


def _age(order, minutes):
    """Move the order and its codes `minutes` into the past (a hold that has run out)."""
    delta = dt.timedelta(minutes=minutes)
    Order.objects.filter(pk=order.pk).update(placed_at=order.placed_at - delta)
    for confirmation in order.confirmations.all():
        OrderConfirmation.objects.filter(pk=confirmation.pk).update(
            created_at=confirmation.created_at - delta,
            expires_at=confirmation.expires_at - delta,
        )
    order.refresh_from_db()


# ------------------------------------------------------------------------------
# Sending: the order is placed, the stock held, a code sent; nothing moves yet
# ------------------------------------------------------------------------------
def test_sending_places_a_waiting_order_holds_the_stock_and_texts_the_code(
    clerk, villager, tea, shoots, point
):
    order = send(clerk, villager, [(tea, 1), (shoots, 2)])

    order.refresh_from_db()
    assert (order.state, order.entered_by_id, order.buyer_id, order.service_point_id) == (
        "placed", clerk.user.pk, villager.pk, point.pk,
    )  # fmt: skip
    assert order.buyer_confirmed_at is None and order.total_fen == 14_100
    assert (Listing.objects.get(pk=tea.pk).stock, Listing.objects.get(pk=shoots.pk).stock) == (
        19, 98,
    )  # fmt: skip
    confirmation = latest(order)
    assert (confirmation.method, confirmation.sent_to, confirmation.sent_to_proxy) == (
        "sms", "13700000001", False,
    )  # fmt: skip
    assert confirmation.created_by_id == clerk.user.pk
    assert confirmation.expires_at - confirmation.created_at == dt.timedelta(minutes=15)
    assert confirmation.code_hash and sms_code("13700000001") not in confirmation.code_hash
    # One SMS, the code with what is being bought; no "order placed" text with a pickup code.
    texts = list(SmsOutbox.objects.values_list("text", flat=True))
    assert texts == [
        f"【丰收】递铺服务点 为您代下单：安吉白茶×1、鲜竹笋×2，共 141.00 元。同意请把确认码 "
        f"{sms_code('13700000001')} 告诉店员，15 分钟内有效；不是您要买的请不要告诉别人。"
    ]
    event = OrderEvent.objects.get(order=order)
    assert (event.to_state, event.actor_id) == ("placed", clerk.user.pk)


def test_nothing_moves_before_the_villager_confirms(clerk, villager, tea, point, operator):
    cash = send(clerk, villager, [(tea, 1)])
    online = send(clerk, villager, [(tea, 1)], payment="bank_gateway")
    before = snapshot()

    for call, kwargs, action in [
        (order_prepare, {"order": cash, "actor": operator}, "开始备货"),
        (order_mark_paid, {"order": online}, "支付"),
        (
            order_pay_start,
            {"order": online, "notify_url": "http://n/", "return_url": "http://r/"},
            "支付",
        ),
    ]:
        with pytest.raises(ApplicationError) as refusal:
            call(**kwargs)
        number = kwargs["order"].number
        assert str(refusal.value.message) == str(
            MSG_AWAITING_BUYER % {"number": number, "action": action}
        )
    # Not on the shelf, so not handed over either (by any code).
    with pytest.raises(ApplicationError):
        order_hand_over(clerk_user=clerk.user, order=cash, pickup_code=cash.pickup_code)
    assert not states.can(states.COLLECT, cash) and not states.can(states.ARRIVE, cash)
    assert snapshot() == before


def test_a_double_tap_sends_one_order_and_one_code(clerk, villager, tea):
    first = send(clerk, villager, [(tea, 1)], key="k-1")
    again = send(clerk, villager, [(tea, 5)], key="k-1")

    assert again.pk == first.pk and again.was_placed is False
    assert OrderConfirmation.objects.filter(order=first).count() == 1
    assert SmsOutbox.objects.count() == 1
    assert Listing.objects.get(pk=tea.pk).stock == 19


def test_stock_is_reserved_at_send_time_so_it_cannot_be_oversold(clerk, villager, other_buyer, tea):
    point_villager_add(clerk_user=clerk.user, user=other_buyer)
    Listing.objects.filter(pk=tea.pk).update(stock=3)
    send(clerk, villager, [(tea, 2)])

    _refused(
        MSG_OUT_OF_STOCK % {"title": "安吉白茶", "stock": 1},
        send,
        clerk=clerk,
        villager=other_buyer,
        lines=[(tea, 2)],
    )
    assert Listing.objects.get(pk=tea.pk).stock == 1


def test_a_villager_without_a_phone_confirms_on_the_screen_and_pays_cash(clerk, tea, point):
    no_phone = ResidentFactory(username="no-phone", mobile="")
    point_villager_add(clerk_user=clerk.user, user=no_phone)

    _refused(MSG_NO_MOBILE, send, clerk=clerk, villager=no_phone, lines=[(tea, 1)])
    _refused(
        MSG_ONLINE_NEEDS_MOBILE,
        send,
        clerk=clerk,
        villager=no_phone,
        lines=[(tea, 1)],
        payment="bank_gateway",
        method="screen",
    )
    order = send(clerk, no_phone, [(tea, 1)], method="screen")
    _confirm(clerk, order, screen_code(order))

    order.refresh_from_db()
    assert order.buyer_confirmed_at is not None
    assert SmsOutbox.objects.count() == 0


def test_the_code_goes_to_a_proxy_but_never_to_a_clerk(clerk, clerk_q, villager, tea):
    _refused(
        MSG_PROXY_IS_CLERK,
        send,
        clerk=clerk,
        villager=villager,
        lines=[(tea, 1)],
        proxy_mobile=clerk_q.user.mobile,
    )
    order = send(clerk, villager, [(tea, 1)], proxy_mobile="138 0013 8000")

    confirmation = latest(order)
    assert (confirmation.sent_to, confirmation.sent_to_proxy) == ("13800138000", True)
    _confirm(clerk, order, sms_code("13800138000"))
    assert Order.objects.get(pk=order.pk).buyer_confirmed_at is not None


# ------------------------------------------------------------------------------
# Confirming
# ------------------------------------------------------------------------------
def test_the_sms_code_confirms_a_cash_order_which_then_moves_on(
    clerk, villager, tea, operator, point
):
    order = send(clerk, villager, [(tea, 2)])
    code = sms_code(villager.mobile)

    confirmed = _confirm(clerk, order, f" {code} ")

    confirmed.refresh_from_db()
    confirmation = latest(order)
    assert confirmed.buyer_confirmed_at == confirmation.confirmed_at is not None
    assert (confirmation.confirmed_via_id, confirmation.closed_at) == (
        clerk.user.pk, confirmation.confirmed_at,
    )  # fmt: skip
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.from_state, event.to_state, event.actor_id, event.note) == (
        "placed", "placed", villager.pk, "村民已确认（短信验证码确认，发送至 137****0001）",
    )  # fmt: skip
    assert SmsOutbox.objects.order_by("-pk").first().text == (
        f"【丰收】订单 {order.number} 已确认，金额 256.00 元，到 递铺服务点 取货时付现金，"
        f"取货码 {confirmed.pickup_code}。"
    )
    assert order_prepare(order=order, actor=operator).state == "preparing"


def test_the_screen_code_confirms_an_online_order_and_texts_the_pay_link(
    clerk, villager, tea, bank_in_process
):
    order = send(clerk, villager, [(tea, 1)], payment="bank_gateway", method="screen")
    assert latest(order).sent_to == "" and SmsOutbox.objects.count() == 0
    code = screen_code(order)
    assert len(code) == 6 and screen_code(order) == code  # shown again on a reload

    _confirm(clerk, order, code)

    order.refresh_from_db()
    assert latest(order).method == "screen" and latest(order).confirmed_at is not None
    assert OrderEvent.objects.filter(order=order).last().note == "村民已确认（确认屏确认）"
    assert SmsOutbox.objects.get().text == (
        f"【丰收】订单 {order.number} 已确认，金额 128.00 元，请在手机上打开 {URL} 支付，"
        f"到 递铺服务点 取货，取货码 {order.pickup_code}。"
    )
    assert order_pay_start(order=order, notify_url="http://n/", return_url="http://r/")
    assert screen_code(order) == ""  # spent: no longer shown


def test_a_wrong_code_changes_nothing(clerk, villager, tea):
    order = send(clerk, villager, [(tea, 1)])
    code = sms_code(villager.mobile)

    _refused(MSG_CODE_WRONG, _confirm, clerk=clerk, order=order, code=wrong(code))
    _refused(MSG_CODE_WRONG, _confirm, clerk=clerk, order=order, code="")

    assert Order.objects.get(pk=order.pk).buyer_confirmed_at is None


def test_too_many_wrong_codes_refuse_even_the_right_one(clerk, villager, tea):
    order = send(clerk, villager, [(tea, 1)])
    code = sms_code(villager.mobile)
    for _ in range(CONFIRMATION_MAX_WRONG_TRIES):
        _refused(MSG_CODE_WRONG, _confirm, clerk=clerk, order=order, code=wrong(code))

    _refused(MSG_CONFIRMATION_TOO_MANY_TRIES, _confirm, clerk=clerk, order=order, code=code)


def test_a_reused_code_is_refused_and_changes_nothing(clerk, villager, tea):
    order = send(clerk, villager, [(tea, 1)])
    code = sms_code(villager.mobile)
    _confirm(clerk, order, code)

    _refused(
        MSG_CODE_USED % {"number": order.number}, _confirm, clerk=clerk, order=order, code=code
    )


def test_a_code_of_another_order_does_not_confirm_this_one(clerk, villager, tea, shoots):
    mine = send(clerk, villager, [(tea, 1)], method="screen")
    other = send(clerk, villager, [(shoots, 1)], method="screen")

    _refused(MSG_CODE_WRONG, _confirm, clerk=clerk, order=mine, code=screen_code(other))


def test_an_expired_code_cancels_the_hold_once_and_confirms_nothing(clerk, villager, tea):
    order = send(clerk, villager, [(tea, 3)])
    code = sms_code(villager.mobile)
    _age(order, 16)
    assert Listing.objects.get(pk=tea.pk).stock == 17

    with pytest.raises(ApplicationError) as refusal:
        _confirm(clerk, order, code)

    assert refusal.value.message == MSG_CODE_EXPIRED
    order.refresh_from_db()
    assert (order.state, order.buyer_confirmed_at, order.cancel_reason) == (
        "cancelled", None, str(MSG_CANCELLED_UNCONFIRMED),
    )  # fmt: skip
    assert Listing.objects.get(pk=tea.pk).stock == 20
    assert latest(order).confirmed_at is None and latest(order).closed_at is not None
    # Again: refused as cancelled, and nothing more goes back.
    _refused(
        MSG_ORDER_CANCELLED % {"number": order.number}, _confirm, clerk=clerk, order=order,
        code=code,
    )  # fmt: skip
    assert Listing.objects.get(pk=tea.pk).stock == 20


# ------------------------------------------------------------------------------
# Resending, cancelling, expiry
# ------------------------------------------------------------------------------
def test_a_new_code_replaces_the_old_one_up_to_the_limit(clerk, villager, tea):
    order = send(clerk, villager, [(tea, 1)])
    first = sms_code(villager.mobile)

    assisted_order_resend(clerk_user=clerk.user, order=order, method="screen")

    _refused(MSG_CODE_WRONG, _confirm, clerk=clerk, order=order, code=first)
    assisted_order_resend(clerk_user=clerk.user, order=order, method="sms")
    _refused(
        MSG_TOO_MANY_SENDS % {"count": CONFIRMATION_MAX_SENDS},
        assisted_order_resend,
        clerk_user=clerk.user,
        order=order,
        method="sms",
    )
    _confirm(clerk, order, sms_code(villager.mobile))
    assert OrderConfirmation.objects.filter(order=order, confirmed_at__isnull=False).count() == 1


def test_the_clerk_cancels_a_waiting_order_and_the_stock_goes_back(clerk, villager, tea):
    order = send(clerk, villager, [(tea, 4)])

    assisted_order_cancel(clerk_user=clerk.user, order=order)

    order.refresh_from_db()
    assert (order.state, order.cancel_reason) == ("cancelled", str(MSG_CANCELLED_BY_CLERK))
    assert OrderEvent.objects.filter(order=order).last().actor_id == clerk.user.pk
    assert Listing.objects.get(pk=tea.pk).stock == 20
    _refused(
        MSG_ORDER_CANCELLED % {"number": order.number},
        _confirm,
        clerk=clerk,
        order=order,
        code=sms_code(villager.mobile),
    )


def test_the_beat_task_releases_an_unconfirmed_hold_exactly_once(clerk, villager, tea, county):
    order = send(clerk, villager, [(tea, 5)], payment="bank_gateway")
    held = send(clerk, villager, [(tea, 1)])
    assert orders_expire_unconfirmed(county.pk) == []
    _age(order, 16)

    assert orders_expire_unconfirmed(county.pk) == [order.number]
    assert orders_expire_unconfirmed(county.pk) == []
    assert assisted_order_expire(order_id=order.pk) is None

    order.refresh_from_db()
    assert order.state == "cancelled" and order.stock_released_at is not None
    assert Listing.objects.get(pk=tea.pk).stock == 19  # 5 back once; `held` keeps its 1
    assert Order.objects.get(pk=held.pk).state == "placed"
    assert OrderEvent.objects.filter(order=order, to_state="cancelled").count() == 1


def test_the_payment_timeout_leaves_an_unconfirmed_order_to_its_own_hold(
    clerk, villager, tea, settings
):
    settings.FENGSHOU_ORDER_PAYMENT_MINUTES = 10
    order = send(clerk, villager, [(tea, 1)], payment="bank_gateway")
    _age(order, 11)  # past the payment window, within the 15-minute hold (its code renewed)
    OrderConfirmation.objects.filter(order=order).update(
        expires_at=timezone.now() + dt.timedelta(minutes=4)
    )

    assert orders_cancel_expired() == []
    assert Order.objects.get(pk=order.pk).state == "placed"


# ------------------------------------------------------------------------------
# Who may act
# ------------------------------------------------------------------------------
def test_a_clerk_of_another_point_can_neither_order_for_nor_act_on_ps_villager(
    clerk, clerk_q, villager, tea
):
    order = send(clerk, villager, [(tea, 1)])
    code = sms_code(villager.mobile)

    _refused(MSG_VILLAGER_NOT_HERE, send, clerk=clerk_q, villager=villager, lines=[(tea, 1)])
    _refused(MSG_ORDER_NOT_HERE, _confirm, clerk=clerk_q, order=order, code=code)
    _refused(MSG_ORDER_NOT_HERE, assisted_order_cancel, clerk_user=clerk_q.user, order=order)
    _refused(
        MSG_ORDER_NOT_HERE,
        assisted_order_resend,
        clerk_user=clerk_q.user,
        order=order,
        method="sms",
    )


def test_someone_who_is_not_a_clerk_is_refused(clerk, villager, tea, operator, buyer):
    order = send(clerk, villager, [(tea, 1)])
    code = sms_code(villager.mobile)

    for user in (operator, buyer):
        _refused(
            MSG_NOT_A_CLERK,
            assisted_order_confirm,
            clerk_user=user,
            order=order,
            code=code,
            order_url=URL,
        )


def test_another_countys_expiry_run_leaves_this_countys_orders_alone(
    clerk, villager, tea, county, other_county
):
    order = send(clerk, villager, [(tea, 1)])
    _age(order, 16)

    with tenant_context(other_county):
        assert orders_expire_unconfirmed(other_county.pk) == []
        with pytest.raises(WrongSchemaError):
            orders_expire_unconfirmed(county.pk)

    assert Order.objects.get(pk=order.pk).state == "placed"
    assert Listing.objects.get(pk=tea.pk).stock == 19


def test_beat_fans_the_expiry_out_to_every_active_county(
    settings, monkeypatch, in_public, county, other_county
):
    from config.celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["counties-orders-expire-unconfirmed"]
    assert entry["task"] == "county_sites.orders.tasks.counties_orders_expire_unconfirmed"
    assert entry["task"] in app.tasks and entry["schedule"] == 60
    queued = []
    monkeypatch.setattr(
        orders_expire_unconfirmed,
        "delay",
        lambda county_id: queued.append((county_id, connection.schema_name)),
    )

    counties_orders_expire_unconfirmed()

    assert (county.pk, county.schema_name) in queued
    assert (other_county.pk, other_county.schema_name) in queued


def test_a_clerk_cannot_order_for_themselves_nor_without_a_method(clerk, villager, tea):
    point_villager_add(clerk_user=clerk.user, user=clerk.user)

    _refused(MSG_NOT_FOR_YOURSELF, send, clerk=clerk, villager=clerk.user, lines=[(tea, 1)])
    _refused(MSG_METHOD_INVALID, send, clerk=clerk, villager=villager, lines=[(tea, 1)], method="")
