"""order_place: stock reserved, prices snapshotted, totals, idempotency, refusals change
nothing; and the cart that follows a resident through sign-in."""

import pytest

from accounts.models import SmsOutbox
from core.errors import ApplicationError
from county_sites.orders.models import CartLine, Order, OrderEvent, OrderLine
from county_sites.orders.services import (
    MSG_BELOW_MINIMUM,
    MSG_CASH_NEEDS_PICKUP,
    MSG_LISTING_UNAVAILABLE,
    MSG_OUT_OF_STOCK,
    MSG_POINT_REQUIRED,
    cart_line_set,
    cart_merge,
)
from farmers.models import Listing
from tests.factories.farmers import ListingFactory
from tests.fixtures.orders import place


def _snapshot():
    return {
        "orders": list(Order.objects.values()),
        "lines": list(OrderLine.objects.values()),
        "stock": dict(Listing.objects.values_list("pk", "stock")),
        "sms": SmsOutbox.objects.count(),
    }


def test_pickup_order_reserves_stock_snapshots_lines_and_texts_the_buyer(
    buyer, tea, shoots, point, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        order = place(buyer, [(tea, 2), (shoots.pk, 3)], point=point)

    assert order.was_placed is True
    assert order.state == Order.State.PLACED
    assert order.lines_total_fen == 2 * 12_800 + 3 * 650
    assert order.delivery_fee_fen == 0
    assert order.total_fen == 27_550
    assert order.commission_bp == 500
    assert len(order.pickup_code) == 6 and order.pickup_code.isdigit()
    assert order.buyer_confirmed_at is not None and order.entered_by is None
    lines = list(
        order.lines.order_by("listing_id").values_list(
            "title", "price_fen", "quantity", "line_total_fen"
        )
    )
    assert lines == [("安吉白茶", 12_800, 2, 25_600), ("鲜竹笋", 650, 3, 1_950)]
    tea.refresh_from_db()
    shoots.refresh_from_db()
    assert (tea.stock, shoots.stock) == (18, 97)
    sms = SmsOutbox.objects.get(mobile=buyer.mobile)
    assert order.number in sms.text and order.pickup_code in sms.text and "275.50" in sms.text
    # The SMS, and one for the province catalogue's stock of both listings.
    assert len(callbacks) == 2
    assert list(OrderEvent.objects.filter(order=order).values_list("to_state", flat=True)) == [
        "placed"
    ]


def test_a_later_price_change_does_not_change_the_order(buyer, tea, point):
    order = place(buyer, [(tea, 1)], point=point)
    Listing.objects.filter(pk=tea.pk).update(price_fen=99_900, title="改名了")

    line = order.lines.get()
    assert (line.title, line.price_fen) == ("安吉白茶", 12_800)


def test_delivery_order_adds_the_zone_fee_and_has_no_pickup_code(buyer, tea, zone):
    order = place(buyer, [(tea, 1)], zone=zone)

    assert order.total_fen == 12_800 + 800
    assert order.pickup_code == ""
    assert order.delivery_address == "递铺街道 1 号"


def test_the_same_key_again_returns_the_same_order_and_reserves_nothing_more(buyer, tea, point):
    first = place(buyer, [(tea, 2)], point=point, key="tap-1")
    again = place(buyer, [(tea, 5)], point=point, key="tap-1")

    assert again.pk == first.pk
    assert again.was_placed is False
    assert Order.objects.count() == 1
    tea.refresh_from_db()
    assert tea.stock == 18


def test_twenty_sequential_retries_make_one_order(buyer, tea, point):
    orders = {place(buyer, [(tea, 1)], point=point, key="retry").pk for _ in range(20)}

    assert len(orders) == 1
    tea.refresh_from_db()
    assert tea.stock == 19


def test_the_same_key_from_another_buyer_is_another_order(buyer, other_buyer, tea, point):
    assert (
        place(buyer, [(tea, 1)], point=point, key="k").pk
        != place(other_buyer, [(tea, 1)], point=point, key="k").pk
    )


@pytest.mark.parametrize(
    ("arrange", "message"),
    [
        (lambda tea: {"lines": [(tea, 21)]}, MSG_OUT_OF_STOCK % {"title": "安吉白茶", "stock": 20}),
        (lambda tea: {"lines": [(tea, 1), (ListingFactory(title="草稿", approved=False), 1)]},
         MSG_LISTING_UNAVAILABLE % {"title": "草稿"}),
        (lambda tea: {"lines": [(tea, 1)], "payment": "cash_on_pickup", "zone": "ZONE"},
         MSG_CASH_NEEDS_PICKUP),
        (lambda tea: {"lines": [(tea, 1)], "point": None}, MSG_POINT_REQUIRED),
    ],
)  # fmt: skip
def test_refusals_change_nothing(buyer, tea, point, zone, arrange, message):
    options = {"point": point, **arrange(tea)}
    if options.get("zone") == "ZONE":
        options["zone"] = zone
    lines = options.pop("lines")
    before = _snapshot()

    with pytest.raises(ApplicationError) as refusal:
        place(buyer, lines, **options)

    assert str(refusal.value.message) == str(message)
    assert _snapshot() == before


def test_below_the_minimum_order_quantity_is_refused(buyer, tea_seller, point):
    eggs = ListingFactory(seller=tea_seller, title="土鸡蛋", min_order_qty=10, approved=True)
    before = _snapshot()

    with pytest.raises(ApplicationError) as refusal:
        place(buyer, [(eggs, 9)], point=point)

    assert str(refusal.value.message) == str(MSG_BELOW_MINIMUM % {"title": "土鸡蛋", "min": 10})
    assert _snapshot() == before


def test_an_inactive_service_point_is_refused(buyer, tea, point):
    point.is_active = False
    point.save()

    with pytest.raises(ApplicationError) as refusal:
        place(buyer, [(tea, 1)], point=point)

    assert refusal.value.message == MSG_POINT_REQUIRED
    assert not Order.objects.exists()


def test_an_order_entered_by_a_clerk_waits_for_the_buyer_to_confirm(
    buyer, county_operator, tea, point
):
    from county_sites.orders.services import order_buyer_confirm

    order = place(buyer, [(tea, 1)], point=point, entered_by=county_operator)
    assert (order.entered_by, order.buyer_confirmed_at) == (county_operator, None)

    order_buyer_confirm(order=order, buyer=buyer)
    order.refresh_from_db()
    assert order.buyer_confirmed_at is not None


def test_cart_lines_need_a_live_listing_and_the_minimum_quantity(buyer, tea_seller):
    eggs = ListingFactory(seller=tea_seller, title="土鸡蛋", min_order_qty=10, approved=True)
    draft = ListingFactory(seller=tea_seller, title="草稿")

    with pytest.raises(ApplicationError):
        cart_line_set(user=buyer, listing_id=eggs.pk, quantity=9)
    with pytest.raises(ApplicationError):
        cart_line_set(user=buyer, listing_id=draft.pk, quantity=1)
    assert not CartLine.objects.exists()

    cart_line_set(user=buyer, listing_id=eggs.pk, quantity=10)
    assert list(CartLine.objects.values_list("listing_id", "quantity")) == [(eggs.pk, 10)]


def test_cart_merge_keeps_the_larger_quantity_and_drops_dead_lines(buyer, tea, shoots, tea_seller):
    draft = ListingFactory(seller=tea_seller, title="草稿")
    cart_line_set(user=buyer, listing_id=tea.pk, quantity=3)

    merged = cart_merge(
        user=buyer, session_lines={str(tea.pk): 1, str(shoots.pk): 4, str(draft.pk): 2}
    )

    assert merged == 2
    assert dict(CartLine.objects.values_list("listing_id", "quantity")) == {tea.pk: 3, shoots.pk: 4}
