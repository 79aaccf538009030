"""Receiving at the clerk's console (issue 9, point 7): point_delivery_receive and
/clerk/receive/. The clerk checks each line (received, short, damaged); received parcels go on
the shelf and the buyer gets the code by SMS; a short line of an online order becomes a refund
request of exactly that line; a cash order is not charged for it; nothing arrived, no shelf.
Only the delivery's own point; receiving twice, or any refusal, changes nothing."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import SmsOutbox
from core.errors import ApplicationError
from county_sites.ledger.models import LedgerEntry
from county_sites.orders.models import Order, OrderEvent, OrderLine, PointDelivery, RefundRequest
from county_sites.orders.selectors import order_cash_due
from county_sites.orders.services import (
    MSG_CHECK_MISSING,
    MSG_DELIVERY_ALREADY_RECEIVED,
    MSG_DELIVERY_NOT_DISPATCHED,
    MSG_DELIVERY_NOT_FOUND,
    MSG_NOT_A_CLERK,
    MSG_SHELF_INVALID,
    MSG_SHELF_REQUIRED,
    order_hand_over,
    point_delivery_receive,
    refund_approve,
)
from service_points.services import clerk_add, shelf_position_create
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.orders import place
from tests.orders.delivery_helpers import (
    delivery_dispatched,
    delivery_planned,
    ledger_adds_up,
    paid,
)

pytestmark = pytest.mark.usefixtures("bank_in_process")

RECEIVE = "/clerk/receive/"


@pytest.fixture
def shelf(operator, point):
    return [
        shelf_position_create(actor=operator, point=point, label=label) for label in ("A-1", "A-2")
    ]


@pytest.fixture
def dispatched(operator, buyer, other_buyer, tea, shoots, point, shelf):
    """On its way to point P: an online order of 安吉白茶 × 2 + 鲜竹笋 × 3 (buyer) and a cash
    order of 鲜竹笋 × 4 + 安吉白茶 × 1 (other buyer)."""
    online = paid(place(buyer, [(tea, 2), (shoots, 3)], point=point))
    cash = place(other_buyer, [(shoots, 4), (tea, 1)], point=point, payment="cash_on_pickup")
    delivery = delivery_dispatched(operator, point)
    return delivery, Order.objects.get(pk=online.pk), Order.objects.get(pk=cash.pk)


def _checks(*orders, short=(), damaged=()):
    checks = {}
    for order in orders:
        for line in order.lines.all():
            checks[line.pk] = (
                "short" if line.pk in short else "damaged" if line.pk in damaged else "received"
            )
    return checks


def _collect_by() -> str:
    day = timezone.localdate() + dt.timedelta(days=7)
    return f"{day.month}月{day.day}日"


def _snapshot():
    return {
        "deliveries": list(PointDelivery.objects.order_by("pk").values_list("pk", "state")),
        "orders": list(
            Order.objects.order_by("pk").values_list("pk", "state", "shelf_position_id")
        ),
        "lines": list(OrderLine.objects.order_by("pk").values_list("pk", "arrival")),
        "events": OrderEvent.objects.count(),
        "requests": RefundRequest.objects.count(),
        "sms": SmsOutbox.objects.count(),
        "ledger": LedgerEntry.objects.count(),
    }


def _refused(message, **kwargs):
    before = _snapshot()
    with pytest.raises(ApplicationError) as refusal:
        point_delivery_receive(**kwargs)
    assert refusal.value.message == message
    assert _snapshot() == before


# ------------------------------------------------------------------------------
# The service
# ------------------------------------------------------------------------------
def test_everything_received_goes_on_the_shelf_and_each_buyer_gets_the_code(
    dispatched, clerk, shelf, buyer, other_buyer
):
    delivery, online, cash = dispatched
    sms_before = SmsOutbox.objects.count()

    point_delivery_receive(
        clerk_user=clerk.user,
        delivery=delivery,
        checks=_checks(online, cash),
        shelf={online.pk: shelf[0].pk, cash.pk: str(shelf[1].pk)},
    )

    delivery.refresh_from_db()
    assert (delivery.state, delivery.received_by) == ("received", clerk.user)
    online.refresh_from_db()
    cash.refresh_from_db()
    assert (online.state, online.shelf_position) == ("at_service_point", shelf[0])
    assert (cash.state, cash.shelf_position) == ("at_service_point", shelf[1])
    assert set(OrderLine.objects.values_list("arrival", flat=True)) == {"received"}
    event = OrderEvent.objects.filter(order=online).last()
    assert (event.to_state, event.actor_id, event.note) == ("at_service_point", clerk.user.pk, "")
    texts = list(SmsOutbox.objects.order_by("pk").values_list("mobile", "text"))[sms_before:]
    assert texts == [
        (buyer.mobile, f"【丰收】您的包裹已到递铺服务点（货架 A-1），取货码 {online.pickup_code}，"
                       f"请在 {_collect_by()}前取货。"),
        (other_buyer.mobile, f"【丰收】您的包裹已到递铺服务点（货架 A-2），取货码 "
                             f"{cash.pickup_code}，请在 {_collect_by()}前取货。"),
    ]  # fmt: skip
    assert not RefundRequest.objects.exists()


def test_one_line_short_becomes_a_refund_request_of_that_lines_value(
    dispatched, clerk, shelf, operator, buyer
):
    delivery, online, cash = dispatched
    short = online.lines.get(title="鲜竹笋")

    point_delivery_receive(
        clerk_user=clerk.user,
        delivery=delivery,
        checks=_checks(online, cash, short={short.pk}),
        shelf={online.pk: shelf[0].pk, cash.pk: shelf[1].pk},
    )

    online.refresh_from_db()
    assert online.state == Order.State.AT_SERVICE_POINT
    assert OrderLine.objects.get(pk=short.pk).arrival == "short"
    request = RefundRequest.objects.get()
    assert (request.order, request.scope, request.amount_fen, request.state) == (
        online, "lines", 1_950, "requested",
    )  # fmt: skip
    assert list(request.lines.all()) == [short]
    assert request.requested_by == clerk.user
    assert request.reason == "到货检查发现缺货或破损：鲜竹笋 × 3 缺货"
    assert OrderEvent.objects.filter(order=online).last().note == "到货检查：鲜竹笋 × 3 缺货"
    text = SmsOutbox.objects.filter(mobile=buyer.mobile).order_by("pk").last().text
    assert text == (
        f"【丰收】您的包裹已到递铺服务点（货架 A-1），取货码 {online.pickup_code}，"
        f"请在 {_collect_by()}前取货。其中鲜竹笋缺货或破损，将退款 19.50 元。"
    )

    refund_approve(actor=operator, refund_request=request)

    reversed_lines = set(
        LedgerEntry.objects.filter(refund_request=request)
        .exclude(kind="refund")
        .values_list("order_line_id", flat=True)
    )
    assert reversed_lines == {short.pk}
    assert ledger_adds_up()


def test_a_damaged_line_of_a_cash_order_is_not_charged(
    dispatched, clerk, shelf, other_buyer, tea_seller
):
    delivery, online, cash = dispatched
    damaged = cash.lines.get(title="鲜竹笋")

    point_delivery_receive(
        clerk_user=clerk.user,
        delivery=delivery,
        checks=_checks(online, cash, damaged={damaged.pk}),
        shelf={online.pk: shelf[0].pk, cash.pk: shelf[1].pk},
    )

    cash.refresh_from_db()
    assert cash.state == Order.State.AT_SERVICE_POINT
    assert not RefundRequest.objects.exists()
    assert order_cash_due(cash) == 12_800
    assert (
        SmsOutbox.objects.filter(mobile=other_buyer.mobile)
        .order_by("pk")
        .last()
        .text.endswith("其中鲜竹笋缺货或破损，不收这部分钱，取货时付 128.00 元。")
    )

    order_hand_over(clerk_user=clerk.user, order=cash, pickup_code=cash.pickup_code)

    assert LedgerEntry.objects.get(order=cash, kind="cash_collected").amount_fen == 12_800
    assert ledger_adds_up()


def test_an_order_with_nothing_arrived_does_not_go_to_the_shelf(
    dispatched, clerk, shelf, buyer, other_buyer
):
    delivery, online, cash = dispatched
    every_line = {line.pk for order in (online, cash) for line in order.lines.all()}

    point_delivery_receive(
        clerk_user=clerk.user,
        delivery=delivery,
        checks=_checks(online, cash, short=every_line),
        shelf={online.pk: shelf[0].pk},
    )

    online.refresh_from_db()
    cash.refresh_from_db()
    assert (online.state, online.shelf_position) == ("refund_requested", None)
    request = RefundRequest.objects.get()
    assert (request.scope, request.amount_fen, request.order) == ("order", 27_550, online)
    assert (cash.state, cash.shelf_position) == ("cancelled", None)
    assert SmsOutbox.objects.filter(mobile=buyer.mobile).order_by("pk").last().text == (
        f"【丰收】订单 {online.number} 的商品到货时缺货或破损，将为您退款 275.50 元。"
    )
    assert SmsOutbox.objects.filter(mobile=other_buyer.mobile).order_by("pk").last().text == (
        f"【丰收】订单 {cash.number} 的商品到货时缺货或破损，订单已取消，无需付款。"
    )


def test_receiving_twice_is_refused_and_changes_nothing(dispatched, clerk, shelf):
    delivery, online, cash = dispatched
    kwargs = {
        "clerk_user": clerk.user,
        "delivery": delivery,
        "checks": _checks(online, cash),
        "shelf": {online.pk: shelf[0].pk, cash.pk: shelf[1].pk},
    }
    point_delivery_receive(**kwargs)

    _refused(MSG_DELIVERY_ALREADY_RECEIVED, **kwargs)


def test_a_missing_check_or_shelf_or_a_wrong_shelf_is_refused(
    dispatched, clerk, shelf, operator, point_q
):
    delivery, online, cash = dispatched
    checks = _checks(online, cash)
    shelves = {online.pk: shelf[0].pk, cash.pk: shelf[1].pk}
    q_shelf = shelf_position_create(actor=operator, point=point_q, label="Q-1")

    _refused(
        MSG_CHECK_MISSING,
        clerk_user=clerk.user, delivery=delivery,
        checks={**checks, online.lines.first().pk: "lost"}, shelf=shelves,
    )  # fmt: skip
    _refused(
        MSG_SHELF_REQUIRED % {"number": cash.number},
        clerk_user=clerk.user, delivery=delivery, checks=checks, shelf={online.pk: shelf[0].pk},
    )  # fmt: skip
    _refused(
        MSG_SHELF_INVALID,
        clerk_user=clerk.user, delivery=delivery, checks=checks,
        shelf={**shelves, cash.pk: q_shelf.pk},
    )  # fmt: skip


def test_a_planned_delivery_cannot_be_received(operator, buyer, tea, point, clerk):
    paid(place(buyer, [(tea, 1)], point=point))
    delivery = delivery_planned(operator, point)

    _refused(MSG_DELIVERY_NOT_DISPATCHED, clerk_user=clerk.user, delivery=delivery, checks={})


def test_another_points_clerk_and_a_non_clerk_cannot_receive(
    dispatched, clerk_q, operator, buyer, shelf
):
    delivery, online, cash = dispatched
    kwargs = {"delivery": delivery, "checks": _checks(online, cash)}

    _refused(MSG_DELIVERY_NOT_FOUND, clerk_user=clerk_q.user, **kwargs)
    _refused(MSG_NOT_A_CLERK, clerk_user=operator, **kwargs)
    _refused(MSG_NOT_A_CLERK, clerk_user=buyer, **kwargs)


# ------------------------------------------------------------------------------
# The pages
# ------------------------------------------------------------------------------
def test_the_home_and_the_list_show_the_delivery_to_receive(clerk_client, dispatched):
    delivery, _online, _cash = dispatched

    home = clerk_client.get("/clerk/").content.decode()
    listing = clerk_client.get(RECEIVE).content.decode()

    assert 'data-to-receive="1"' in home
    assert f'href="/clerk/receive/{delivery.pk}/"' in listing
    assert "2026-12-03" in listing and "2 个包裹" in listing


def test_the_check_form_has_three_choices_per_line_received_preselected(
    clerk_client, dispatched, shelf
):
    delivery, online, cash = dispatched

    page = clerk_client.get(f"{RECEIVE}{delivery.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    for line in (*online.lines.all(), *cash.lines.all()):
        assert f'name="line-{line.pk}" value="received" checked' in html
        assert f'name="line-{line.pk}" value="short">' in html
        assert f'name="line-{line.pk}" value="damaged">' in html
    assert f'<select id="shelf-{online.pk}" name="shelf-{online.pk}"' in html
    # Positions handed out in turn: the first order A-1, the second A-2.
    first, second = html.split(f'name="shelf-{cash.pk}"')
    assert f'<option value="{shelf[0].pk}" selected>A-1</option>' in first
    assert f'<option value="{shelf[1].pk}" selected>A-2</option>' in second
    assert online.pickup_code not in html


def test_the_clerk_receives_through_the_page_with_one_line_short(
    clerk_client, dispatched, shelf, buyer
):
    delivery, online, cash = dispatched
    short = online.lines.get(title="鲜竹笋")
    form = {f"line-{pk}": value for pk, value in _checks(online, cash, short={short.pk}).items()}
    form.update({f"shelf-{online.pk}": shelf[0].pk, f"shelf-{cash.pk}": shelf[1].pk})

    response = clerk_client.post(f"{RECEIVE}{delivery.pk}/", form)

    assert response.status_code == 302
    assert response["Location"] == f"{RECEIVE}{delivery.pk}/"
    assert Order.objects.get(pk=online.pk).shelf_position == shelf[0]
    assert RefundRequest.objects.get().amount_fen == 1_950
    assert (
        online.pickup_code
        in SmsOutbox.objects.filter(mobile=buyer.mobile).order_by("pk").last().text
    )
    summary = clerk_client.get(response["Location"]).content.decode()
    assert "data-received" in summary and "鲜竹笋 × 3 斤 · 缺货" in summary

    again = clerk_client.post(f"{RECEIVE}{delivery.pk}/", form)
    assert again.status_code == 400
    assert "这张配送单已经收过货了。" in again.content.decode()
    assert RefundRequest.objects.count() == 1


def test_a_refusal_on_the_page_is_a_400_keeping_the_choices(clerk_client, dispatched, shelf):
    delivery, online, cash = dispatched
    short = online.lines.get(title="鲜竹笋")
    form = {f"line-{pk}": value for pk, value in _checks(online, cash, short={short.pk}).items()}
    form[f"shelf-{online.pk}"] = shelf[0].pk  # the cash order's shelf forgotten
    before = _snapshot()

    page = clerk_client.post(f"{RECEIVE}{delivery.pk}/", form)

    html = page.content.decode()
    assert page.status_code == 400
    assert f"请为订单 {cash.number} 选择货架位置。" in html
    assert f'name="line-{short.pk}" value="short" checked' in html
    assert f'<option value="{shelf[0].pk}" selected>A-1</option>' in html
    assert _snapshot() == before


def test_another_points_clerk_gets_404_and_a_non_clerk_403(
    county_client, dispatched, clerk_q, buyer
):
    delivery, online, cash = dispatched
    form = {f"line-{pk}": value for pk, value in _checks(online, cash).items()}
    before = _snapshot()

    county_client.force_login(clerk_q.user)
    assert county_client.get(f"{RECEIVE}{delivery.pk}/").status_code == 404
    assert county_client.post(f"{RECEIVE}{delivery.pk}/", form).status_code == 404
    assert f"{RECEIVE}{delivery.pk}/" not in county_client.get(RECEIVE).content.decode()
    county_client.force_login(buyer)
    assert county_client.get(f"{RECEIVE}{delivery.pk}/").status_code == 403
    assert county_client.post(f"{RECEIVE}{delivery.pk}/", form).status_code == 403
    assert _snapshot() == before


def test_another_county_sees_nothing_of_this_ones_delivery(
    clerk_client, dispatched, other_county, other_county_client
):
    delivery, online, cash = dispatched
    form = {f"line-{pk}": value for pk, value in _checks(online, cash).items()}
    other_county_client.cookies = clerk_client.cookies
    assert other_county_client.get(f"{RECEIVE}{delivery.pk}/").status_code == 302

    with tenant_context(other_county):
        b_operator = get_user_model().objects.get(username="operator")
        b_point = ServicePointFactory(name="千岛湖服务点", village="千岛湖村")
        b_clerk = clerk_add(actor=b_operator, mobile="13700137555", point=b_point)
    other_county_client.force_login(b_clerk.user)

    assert other_county_client.get(f"{RECEIVE}{delivery.pk}/").status_code == 404
    assert other_county_client.post(f"{RECEIVE}{delivery.pk}/", form).status_code == 404
    assert PointDelivery.objects.get(pk=delivery.pk).state == PointDelivery.State.DISPATCHED


def test_the_check_page_query_count_does_not_grow_with_the_orders(
    clerk_client, operator, buyer, shoots, point, shelf
):
    from county_sites.orders.services import point_delivery_dispatch

    def queries(delivery) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert clerk_client.get(f"{RECEIVE}{delivery.pk}/").status_code == 200
        return len(captured)

    sizes = []
    for day, count in ((dt.date(2026, 12, 3), 1), (dt.date(2026, 12, 4), 6)):
        for _ in range(count):
            paid(place(buyer, [(shoots, 1)], point=point))
        delivery = delivery_planned(operator, point, day=day)
        sizes.append(queries(point_delivery_dispatch(actor=operator, delivery=delivery)))
    assert sizes[0] == sizes[1]


def test_the_handover_page_asks_for_the_cash_due_without_the_damaged_line(
    clerk_client, dispatched, clerk, shelf
):
    delivery, online, cash = dispatched
    damaged = cash.lines.get(title="鲜竹笋")
    point_delivery_receive(
        clerk_user=clerk.user,
        delivery=delivery,
        checks=_checks(online, cash, damaged={damaged.pk}),
        shelf={online.pk: shelf[0].pk, cash.pk: shelf[1].pk},
    )

    page = clerk_client.post(
        "/clerk/handover/", {"order": cash.number, "pickup_code": cash.pickup_code}
    )

    assert page.status_code == 200
    assert "请收取现金 ¥128.00，再交付以下商品：" in page.content.decode()


def test_the_buyer_sees_the_short_line_and_its_refund_on_their_order_page(
    county_client, dispatched, clerk, shelf, buyer
):
    delivery, online, cash = dispatched
    short = online.lines.get(title="鲜竹笋")
    point_delivery_receive(
        clerk_user=clerk.user,
        delivery=delivery,
        checks=_checks(online, cash, short={short.pk}),
        shelf={online.pk: shelf[0].pk, cash.pk: shelf[1].pk},
    )
    county_client.force_login(buyer)

    html = county_client.get(f"/orders/{online.number}/").content.decode()

    assert '<em data-arrival="short">缺货</em>' in html
    assert "退款申请：待处理 · ¥19.50 · 到货检查发现缺货或破损：鲜竹笋 × 3 缺货" in html
    assert f"<strong data-pickup-code>{online.pickup_code}</strong>" in html
