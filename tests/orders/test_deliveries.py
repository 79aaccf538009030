"""Delivery days (issue 9, point 6): the operator builds one delivery per point and day from
the point's prepared pickup orders (preparing the waiting ones in bulk), dispatches it; the
manifest's totals equal its orders, in the page, the CSV and the XLSX; the day's pick lists
sum per listing; the seller sees where and when to bring each line. Only operators."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import load_workbook

from core.errors import ApplicationError
from core.roles import MSG_OPERATOR_ONLY
from county_sites.orders.models import Order, OrderEvent, PointDelivery
from county_sites.orders.selectors import pick_lists_for_day, point_delivery_manifest
from county_sites.orders.services import (
    MSG_DELIVERY_EMPTY,
    MSG_DELIVERY_EXISTS,
    MSG_DELIVERY_NOT_PLANNED,
    MSG_DELIVERY_ORDER_NOT_READY,
    order_prepare,
    point_delivery_create,
    point_delivery_dispatch,
    point_delivery_order_remove,
    point_delivery_orders_add,
    refund_request_create,
)
from service_points.services import clerk_add
from tests.fixtures.orders import place
from tests.orders.delivery_helpers import (
    DAY,
    PLACE,
    delivery_dispatched,
    delivery_planned,
    paid,
)

pytestmark = pytest.mark.usefixtures("bank_in_process")


def _snapshot():
    return {
        "deliveries": list(
            PointDelivery.objects.order_by("pk").values_list("pk", "state", "dispatched_at")
        ),
        "orders": list(
            Order.objects.order_by("pk").values_list("pk", "state", "point_delivery_id")
        ),
        "events": OrderEvent.objects.count(),
    }


def _refused(message, call, **kwargs):
    before = _snapshot()
    with pytest.raises(ApplicationError) as refusal:
        call(**kwargs)
    assert refusal.value.message == message
    assert _snapshot() == before


# ------------------------------------------------------------------------------
# Building and dispatching
# ------------------------------------------------------------------------------
def test_a_new_delivery_carries_the_points_prepared_pickup_orders_only(
    operator, buyer, tea, shoots, point, point_q, zone
):
    prepared = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup")
    order_prepare(order=prepared, actor=operator)
    waiting_cash = place(buyer, [(shoots, 2)], point=point, payment="cash_on_pickup")
    elsewhere = place(buyer, [(tea, 1)], point=point_q, payment="cash_on_pickup")
    order_prepare(order=elsewhere, actor=operator)
    home_delivery = paid(place(buyer, [(shoots, 1)], zone=zone))
    order_prepare(order=home_delivery, actor=operator)

    delivery = point_delivery_create(actor=operator, point=point, day=DAY, collection_place=PLACE)

    assert list(delivery.orders.values_list("pk", flat=True)) == [prepared.pk]
    assert delivery.state == PointDelivery.State.PLANNED
    assert timezone.localtime(delivery.bring_by).replace(tzinfo=None) == dt.datetime(
        2026, 12, 2, 17, 0
    )
    assert Order.objects.get(pk=waiting_cash.pk).point_delivery_id is None
    assert Order.objects.get(pk=elsewhere.pk).point_delivery_id is None
    assert Order.objects.get(pk=home_delivery.pk).point_delivery_id is None


def test_the_operator_prepares_the_waiting_orders_in_bulk_and_adds_them(
    operator, buyer, other_buyer, tea, shoots, point
):
    online = paid(place(buyer, [(tea, 1)], point=point))
    cash = place(other_buyer, [(shoots, 3)], point=point, payment="cash_on_pickup")
    unpaid = place(buyer, [(tea, 1)], point=point)
    awaiting = place(buyer, [(tea, 1)], point=point, payment="cash_on_pickup", entered_by=operator)
    delivery = point_delivery_create(actor=operator, point=point, day=DAY, collection_place=PLACE)

    added = point_delivery_orders_add(actor=operator, delivery=delivery, prepare=True)

    assert added == 2
    assert sorted(delivery.orders.values_list("pk", flat=True)) == [online.pk, cash.pk]
    assert set(
        Order.objects.filter(pk__in=[online.pk, cash.pk]).values_list("state", flat=True)
    ) == {"preparing"}
    assert OrderEvent.objects.filter(order=online, to_state="preparing", actor=operator).exists()
    assert Order.objects.get(pk=unpaid.pk).state == Order.State.PLACED
    assert Order.objects.get(pk=awaiting.pk).state == Order.State.PLACED
    assert Order.objects.get(pk=awaiting.pk).point_delivery_id is None


def test_one_delivery_per_point_and_day_and_an_order_on_one_delivery_only(
    operator, buyer, tea, point
):
    order = paid(place(buyer, [(tea, 1)], point=point))
    first = delivery_planned(operator, point)

    _refused(
        MSG_DELIVERY_EXISTS % {"point": point.name, "day": "2026-12-03"},
        point_delivery_create,
        actor=operator, point=point, day=DAY, collection_place=PLACE,
    )  # fmt: skip
    second = point_delivery_create(
        actor=operator, point=point, day=DAY + dt.timedelta(days=1), collection_place=PLACE
    )

    assert point_delivery_orders_add(actor=operator, delivery=second, prepare=True) == 0
    assert Order.objects.get(pk=order.pk).point_delivery_id == first.pk


def test_dispatch_refuses_an_empty_delivery_and_one_with_an_order_no_longer_prepared(
    operator, buyer, tea, point
):
    empty = point_delivery_create(actor=operator, point=point, day=DAY, collection_place=PLACE)
    _refused(MSG_DELIVERY_EMPTY, point_delivery_dispatch, actor=operator, delivery=empty)

    order = paid(place(buyer, [(tea, 1)], point=point))
    point_delivery_orders_add(actor=operator, delivery=empty, prepare=True)
    refund_request_create(buyer=buyer, order=order, reason="不要了")

    _refused(
        MSG_DELIVERY_ORDER_NOT_READY % {"number": order.number, "state": "退款申请中"},
        point_delivery_dispatch,
        actor=operator,
        delivery=empty,
    )
    point_delivery_order_remove(actor=operator, delivery=empty, order=order)
    assert Order.objects.get(pk=order.pk).point_delivery_id is None


def test_a_dispatched_delivery_is_frozen(operator, buyer, tea, shoots, point):
    order = paid(place(buyer, [(tea, 1)], point=point))
    delivery = delivery_dispatched(operator, point)
    assert delivery.state == PointDelivery.State.DISPATCHED
    assert delivery.dispatched_by == operator and delivery.dispatched_at is not None
    paid(place(buyer, [(shoots, 1)], point=point))

    _refused(
        MSG_DELIVERY_NOT_PLANNED,
        point_delivery_orders_add,
        actor=operator, delivery=delivery, prepare=True,
    )  # fmt: skip
    _refused(
        MSG_DELIVERY_NOT_PLANNED,
        point_delivery_order_remove,
        actor=operator, delivery=delivery, order=order,
    )  # fmt: skip
    _refused(MSG_DELIVERY_NOT_PLANNED, point_delivery_dispatch, actor=operator, delivery=delivery)


def test_only_an_operator_builds_or_dispatches(operator, buyer, tea, point):
    paid(place(buyer, [(tea, 1)], point=point))
    clerk = clerk_add(actor=operator, mobile="13700137555", point=point)
    delivery = delivery_planned(operator, point)

    for user in (clerk.user, buyer):
        _refused(
            MSG_OPERATOR_ONLY,
            point_delivery_create,
            actor=user, point=point, day=DAY + dt.timedelta(days=2), collection_place=PLACE,
        )  # fmt: skip
        _refused(MSG_OPERATOR_ONLY, point_delivery_dispatch, actor=user, delivery=delivery)
        _refused(
            MSG_OPERATOR_ONLY,
            point_delivery_orders_add,
            actor=user, delivery=delivery, prepare=True,
        )  # fmt: skip


# ------------------------------------------------------------------------------
# The manifest
# ------------------------------------------------------------------------------
@pytest.fixture
def loaded(operator, buyer, other_buyer, tea, shoots, point):
    """A planned delivery of three orders: online 安吉白茶 × 2 + 鲜竹笋 × 3 (¥275.50), cash
    鲜竹笋 × 4 (¥26.00), online 安吉白茶 × 1 (¥128.00)."""
    orders = [
        paid(place(buyer, [(tea, 2), (shoots, 3)], point=point)),
        place(other_buyer, [(shoots, 4)], point=point, payment="cash_on_pickup"),
        paid(place(other_buyer, [(tea, 1)], point=point)),
    ]
    return delivery_planned(operator, point), orders


def test_manifest_totals_equal_the_orders_to_the_fen(loaded):
    delivery, orders = loaded

    manifest = point_delivery_manifest(delivery=delivery)

    assert [order.pk for order in manifest.orders] == [order.pk for order in orders]
    assert manifest.total_fen == sum(order.total_fen for order in orders) == 42_950
    assert manifest.lines_total_fen == sum(
        line.line_total_fen for order in orders for line in order.lines.all()
    )
    assert manifest.line_count == 4
    assert manifest.cash_fen == 2_600
    assert manifest.orders[0].buyer_label == "137****0001"


def test_the_manifest_page_shows_the_orders_totals_and_moves(operator_client, loaded):
    delivery, orders = loaded

    page = operator_client.get(f"/admin/deliveries/{delivery.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert all(order.number in html for order in orders)
    assert "<th data-total>¥429.50</th>" in html
    assert "<th data-lines-total>¥429.50</th>" in html
    assert 'value="dispatch"' in html
    assert f"/admin/deliveries/{delivery.pk}/manifest.csv" in html


def test_the_print_page_is_the_manifest_with_print_css(operator_client, loaded):
    delivery, orders = loaded

    page = operator_client.get(f"/admin/deliveries/{delivery.pk}/print/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "@media print" in html and "<th data-total>¥429.50</th>" in html
    assert "wagtail" not in html.lower().split("</head>")[0]
    assert all(order.pickup_code not in html for order in orders)


def test_the_manifest_csv_is_exact(operator_client, loaded):
    delivery, orders = loaded
    first, cash, last = orders

    response = operator_client.get(f"/admin/deliveries/{delivery.pk}/manifest.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["订单号", "买家", "支付方式", "商品", "卖家", "数量", "单位", "单价（元）", "小计（元）",
         "订单金额（元）"],
        [first.number, "137****0001", "在线支付（银行）", "安吉白茶", "白茶合作社", "2", "斤",
         "128.00", "256.00", "275.50"],
        [first.number, "137****0001", "在线支付（银行）", "鲜竹笋", "竹笋农户", "3", "斤",
         "6.50", "19.50", ""],
        [cash.number, "137****0002", "到服务点付现金", "鲜竹笋", "竹笋农户", "4", "斤", "6.50",
         "26.00", "26.00"],
        [last.number, "137****0002", "在线支付（银行）", "安吉白茶", "白茶合作社", "1", "斤",
         "128.00", "128.00", "128.00"],
        ["合计", "3 单", "", "", "", "", "", "", "429.50", "429.50"],
    ]  # fmt: skip


def test_the_manifest_xlsx_is_exact(operator_client, loaded):
    delivery, orders = loaded

    response = operator_client.get(f"/admin/deliveries/{delivery.pk}/manifest.xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["订单号", "买家", "支付方式"]
    assert rows[1] == [
        orders[0].number, "137****0001", "在线支付（银行）", "安吉白茶", "白茶合作社", 2, "斤",
        128, 256, 275.5,
    ]  # fmt: skip
    assert rows[2][-1] is None
    assert rows[-1] == ["合计", "3 单", None, None, None, None, None, None, 429.5, 429.5]
    assert Decimal(str(sum(row[8] for row in rows[1:-1]))) == Decimal("429.5")


def test_the_deliveries_list_shows_point_day_state_orders_and_total(operator_client, loaded):
    delivery, _orders = loaded

    page = operator_client.get("/admin/deliveries/")

    html = page.content.decode()
    assert page.status_code == 200
    assert f'<tr data-delivery="{delivery.pk}">' in html
    assert "递铺服务点" in html and "2026-12-03" in html and "¥429.50" in html
    assert '<td data-state="planned">待发出</td>' in html


def test_the_operator_creates_prepares_and_dispatches_through_the_pages(
    operator_client, operator, buyer, tea, point
):
    order = paid(place(buyer, [(tea, 1)], point=point))

    created = operator_client.post(
        "/admin/deliveries/",
        {"point": point.pk, "day": "2026-12-03", "bring_by": "2026-12-03T07:30",
         "collection_place": PLACE},
    )  # fmt: skip
    delivery = PointDelivery.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/admin/deliveries/{delivery.pk}/"
    assert timezone.localtime(delivery.bring_by).strftime("%Y-%m-%d %H:%M") == "2026-12-03 07:30"

    operator_client.post(f"/admin/deliveries/{delivery.pk}/", {"action": "prepare"})
    operator_client.post(f"/admin/deliveries/{delivery.pk}/", {"action": "dispatch"})

    delivery.refresh_from_db()
    assert delivery.state == PointDelivery.State.DISPATCHED
    assert Order.objects.get(pk=order.pk).point_delivery_id == delivery.pk


def test_a_refused_move_on_the_page_is_a_400_with_nothing_changed(operator_client, operator, point):
    delivery = point_delivery_create(actor=operator, point=point, day=DAY, collection_place=PLACE)

    page = operator_client.post(f"/admin/deliveries/{delivery.pk}/", {"action": "dispatch"})

    assert page.status_code == 400
    assert "配送单里还没有订单，不能发出。" in page.content.decode()
    assert PointDelivery.objects.get(pk=delivery.pk).state == PointDelivery.State.PLANNED


# ------------------------------------------------------------------------------
# Pick lists
# ------------------------------------------------------------------------------
def test_pick_lists_sum_per_listing_with_the_quantity_per_point(
    operator, buyer, other_buyer, tea, shoots, point, point_q, tea_seller, bamboo_seller
):
    paid(place(buyer, [(tea, 2), (shoots, 3)], point=point))
    place(other_buyer, [(shoots, 4)], point=point, payment="cash_on_pickup")
    paid(place(other_buyer, [(shoots, 5)], point=point_q))
    dropped = paid(place(buyer, [(tea, 7)], point=point_q))
    delivery_planned(operator, point)
    delivery_planned(operator, point_q)
    refund_request_create(buyer=buyer, order=dropped, reason="不要了")

    lists = pick_lists_for_day(day=DAY)

    assert [pick.seller for pick in lists] == sorted(
        [tea_seller, bamboo_seller], key=lambda seller: seller.name
    )
    by_seller = {pick.seller.pk: pick for pick in lists}
    shoots_item = by_seller[bamboo_seller.pk].items[0]
    assert (shoots_item.title, shoots_item.quantity) == ("鲜竹笋", 12)
    assert [(p.point_name, p.quantity) for p in shoots_item.points] == [
        ("梅溪服务点", 5),
        ("递铺服务点", 7),
    ]
    tea_item = by_seller[tea_seller.pk].items[0]
    assert (tea_item.quantity, [p.point_name for p in tea_item.points]) == (2, ["递铺服务点"])
    assert timezone.localtime(by_seller[tea_seller.pk].bring_by).strftime("%m-%d %H:%M") == (
        "12-02 17:00"
    )
    assert by_seller[tea_seller.pk].collection_places == [PLACE]


def test_the_pick_lists_page_csv_and_xlsx(operator_client, operator, buyer, tea, shoots, point):
    paid(place(buyer, [(tea, 2), (shoots, 3)], point=point))
    delivery_planned(operator, point)

    page = operator_client.get("/admin/deliveries/picks/2026-12-03/")
    printable = operator_client.get("/admin/deliveries/picks/2026-12-03/print/")
    as_csv = operator_client.get("/admin/deliveries/picks/2026-12-03/picks.csv")
    as_xlsx = operator_client.get("/admin/deliveries/picks/2026-12-03/picks.xlsx")

    assert page.status_code == 200 and "<td data-quantity>3</td>" in page.content.decode()
    assert "break-after:page" in printable.content.decode()
    assert list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")))) == [
        ["卖家", "商品", "单位", "数量", "送往服务点", "送货截止", "集货地点"],
        ["白茶合作社", "安吉白茶", "斤", "2", "递铺服务点 2", "2026-12-02 17:00", PLACE],
        ["竹笋农户", "鲜竹笋", "斤", "3", "递铺服务点 3", "2026-12-02 17:00", PLACE],
    ]
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        ["白茶合作社", "安吉白茶", "斤", 2, "递铺服务点 2", "2026-12-02 17:00", PLACE],
        ["竹笋农户", "鲜竹笋", "斤", 3, "递铺服务点 3", "2026-12-02 17:00", PLACE],
    ]


# ------------------------------------------------------------------------------
# The seller's page, and who may see the operator's screens
# ------------------------------------------------------------------------------
def test_the_seller_sees_where_and_when_to_bring_each_line(
    county_client, operator, buyer, tea, point, tea_seller
):
    on_delivery = paid(place(buyer, [(tea, 1)], point=point))
    delivery_planned(operator, point)
    later = paid(place(buyer, [(tea, 2)], point=point))
    county_client.force_login(tea_seller.user)

    html = county_client.get("/seller/orders/").content.decode()

    assert on_delivery.number in html and later.number in html
    assert f"请在 2026-12-02 17:00 前送到 {PLACE}（2026-12-03 配送到 递铺服务点）" in html
    assert "送往 递铺服务点，配送日待安排" in html


ADMIN_URLS = (
    "/admin/deliveries/",
    "/admin/deliveries/{pk}/",
    "/admin/deliveries/{pk}/print/",
    "/admin/deliveries/{pk}/manifest.csv",
    "/admin/deliveries/{pk}/manifest.xlsx",
    "/admin/deliveries/picks/2026-12-03/",
    "/admin/deliveries/picks/2026-12-03/picks.csv",
)


def test_a_clerk_or_a_resident_gets_none_of_the_operators_screens(
    county_client, operator, buyer, tea, point
):
    paid(place(buyer, [(tea, 1)], point=point))
    delivery = delivery_planned(operator, point)
    clerk = clerk_add(actor=operator, mobile="13700137555", point=point)

    for user in (clerk.user, buyer):
        county_client.force_login(user)
        for url in ADMIN_URLS:
            response = county_client.get(url.format(pk=delivery.pk))
            assert response.status_code in (302, 403, 404), url
            assert "安吉白茶" not in response.content.decode()
        county_client.post(f"/admin/deliveries/{delivery.pk}/", {"action": "dispatch"})
    assert PointDelivery.objects.get(pk=delivery.pk).state == PointDelivery.State.PLANNED


def test_another_countys_operator_sees_none_of_this_countys_deliveries(
    operator, buyer, tea, point, other_county, other_county_client
):
    from django_tenants.utils import tenant_context

    paid(place(buyer, [(tea, 1)], point=point))
    delivery = delivery_planned(operator, point)
    with tenant_context(other_county):
        b_operator = get_user_model().objects.get(username="operator")
    other_county_client.force_login(b_operator)

    listing = other_county_client.get("/admin/deliveries/")
    detail = other_county_client.get(f"/admin/deliveries/{delivery.pk}/")

    assert listing.status_code == 200 and "递铺服务点" not in listing.content.decode()
    assert detail.status_code == 404
