"""Reads for carts and orders; run inside the county's schema."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, NullIf, Substr
from django.utils import timezone

from core.county_apps import MonthFigures
from core.money import yuan
from county_sites.ledger.selectors import receipt_amount
from county_sites.orders.models import (
    Cart,
    CartLine,
    DeliveryZone,
    Order,
    OrderConfirmation,
    OrderEvent,
    OrderHandover,
    OrderLine,
    PointDelivery,
    RefundRequest,
    RefundRequestPhoto,
)
from farmers.models import Listing, ListingPhoto, Seller
from service_points.models import Clerk
from service_points.selectors import service_point_settings_get

# The session key of an anonymous visitor's cart: {listing id: quantity}, merged into their cart
# when they sign in (county_sites.orders.signals.cart_merge_on_login).
SESSION_CART = "orders_cart"


def cart_lines_for_user(*, user) -> list[CartLine]:
    """The user's cart lines with their listings, oldest first."""
    cart = Cart.objects.filter(user=user).first()
    if cart is None:
        return []
    return list(cart.lines.select_related("listing", "listing__seller").order_by("pk"))


def cart_line_count_for_user(*, user) -> int:
    """How many different items are in the user's cart (the storefront header's count)."""
    return CartLine.objects.filter(cart__user=user).count()


def listings_for_session_cart(*, session_lines: dict) -> list[tuple[Listing, int]]:
    """(listing, quantity) for an anonymous visitor's session cart; gone listings skipped."""
    ids = []
    for raw_id in session_lines:
        try:
            ids.append(int(raw_id))
        except ValueError:
            continue
    listings = Listing.objects.select_related("seller").in_bulk(ids)
    return [
        (listings[int(raw_id)], int(quantity))
        for raw_id, quantity in session_lines.items()
        if raw_id.isdigit() and int(raw_id) in listings
    ]


def delivery_zones_active() -> QuerySet[DeliveryZone]:
    return DeliveryZone.objects.filter(is_active=True)


def order_with_assisted_audit(orders: QuerySet[Order]) -> QuerySet[Order]:
    """`orders` with who entered each one for the buyer and how the buyer confirmed it, as
    annotations the order pages and the admin show ("由 王芳 在 递铺服务点 代下单 · 短信验证码确认
    · 12-01 10:30"): `assisted_clerk_name` (the clerk's name, else their masked mobile),
    `assisted_method`, `assisted_sent_to` and `assisted_confirmed_at` of the accepted
    confirmation (None while waiting). With `entered_by` and the service point joined: no
    query per order."""
    confirmed = OrderConfirmation.objects.filter(order=OuterRef("pk"), confirmed_at__isnull=False)
    return orders.select_related("entered_by", "service_point").annotate(
        # The clerk's name, else their mobile masked as everywhere else (138****0001).
        assisted_clerk_name=Coalesce(
            NullIf(
                Subquery(Clerk.objects.filter(user=OuterRef("entered_by")).values("name")[:1]),
                Value(""),
            ),
            Concat(
                Substr("entered_by__mobile", 1, 3),
                Value("****"),
                Substr("entered_by__mobile", 8),
                output_field=CharField(),
            ),
        ),
        assisted_method=Subquery(confirmed.values("method")[:1]),
        assisted_sent_to=Subquery(confirmed.values("sent_to")[:1]),
        assisted_confirmed_at=Subquery(confirmed.values("confirmed_at")[:1]),
    )


def _with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    return order_with_assisted_audit(
        orders.select_related("service_point", "delivery_zone").prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk"))
        )
    )


def order_list_for_buyer(*, buyer) -> QuerySet[Order]:
    """A resident's orders, newest first, with lines (no N+1)."""
    return _with_details(Order.objects.filter(buyer=buyer)).order_by("-placed_at", "-pk")


def order_get_for_buyer(*, buyer, number: str) -> Order | None:
    """The buyer's order by number, or None: another resident's order is simply not found."""
    return (
        _with_details(Order.objects.filter(buyer=buyer, number=number))
        .prefetch_related("events", "refund_requests", "refund_requests__photos")
        .first()
    )


def refund_photo_get(*, refund_request_id: int, photo_id: int, buyer=None):
    """A refund request's photo, or None. With `buyer`, only a photo of that buyer's own
    request: anyone else's is simply not found. Without, for a county operator (the caller
    checks the role)."""
    photos = RefundRequestPhoto.objects.filter(pk=photo_id, refund_request_id=refund_request_id)
    if buyer is not None:
        photos = photos.filter(refund_request__order__buyer=buyer)
    return photos.first()


def order_list_for_seller(*, seller: Seller) -> QuerySet[Order]:
    """Orders with at least one line of `seller`, each carrying only that seller's lines
    (`seller_lines`): a seller never sees what else the buyer bought from others."""
    return (
        Order.objects.filter(lines__seller=seller)
        .distinct()
        .select_related("service_point", "delivery_zone", "point_delivery")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.filter(seller=seller).order_by("pk"),
                to_attr="seller_lines",
            )
        )
        .order_by("-placed_at", "-pk")
    )


def order_ids_awaiting_payment(*, older_than) -> list[int]:
    """Online orders still unpaid that the buyer confirmed before `older_than` (their own:
    placed then), oldest first. An order a clerk entered and the villager has not confirmed
    is not one: its confirmation's expiry cancels it (order_ids_awaiting_confirmation)."""
    return list(
        Order.objects.filter(
            state=Order.State.PLACED,
            payment_method=Order.PaymentMethod.BANK_GATEWAY,
            # placed_at <= buyer_confirmed_at: the placed_at bound only lets the index help.
            placed_at__lt=older_than,
            buyer_confirmed_at__lt=older_than,
        )
        .order_by("placed_at", "pk")
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class SellerOrderLine:
    """One line of an order for the seller's items, as the seller's phone shows it."""

    order_number: str
    placed_at: dt.datetime
    state_label: str
    title: str
    quantity: int
    unit_label: str
    line_total_fen: int
    # Where and when to bring it: the delivery day the order travels on (pickup orders), its
    # "bring by" and the county's collection place, and the point it goes to.
    point_name: str = ""
    delivery_day: dt.date | None = None
    bring_by: dt.datetime | None = None
    collection_place: str = ""

    @property
    def line_total_yuan(self) -> str:
        return yuan(self.line_total_fen)


def seller_order_lines(*, seller: Seller, limit: int = 50) -> list[SellerOrderLine]:
    """The seller's lines of their latest `limit` orders, newest first (order_list_for_seller:
    only this seller's lines of each order): the seller's orders page."""
    return [
        SellerOrderLine(
            order_number=order.number,
            placed_at=order.placed_at,
            state_label=order.get_state_display(),
            title=line.title,
            quantity=line.quantity,
            unit_label=line.get_unit_display(),
            line_total_fen=line.line_total_fen,
            point_name=order.service_point.name if order.service_point_id else "",
            delivery_day=order.point_delivery.day if order.point_delivery_id else None,
            bring_by=order.point_delivery.bring_by if order.point_delivery_id else None,
            collection_place=(
                order.point_delivery.collection_place if order.point_delivery_id else ""
            ),
        )
        for order in order_list_for_seller(seller=seller)[:limit]
        for line in order.seller_lines
    ]


# ------------------------------------------------------------------------------
# Parcels at a service point: how long they have waited, what is left to hand over
# ------------------------------------------------------------------------------
def order_arrived_at_subquery() -> Subquery:
    """When the order last arrived at its service point: its latest move there from another
    state (a partial pickup logs at_service_point -> at_service_point and restarts nothing)."""
    return Subquery(
        OrderEvent.objects.filter(order=OuterRef("pk"), to_state=Order.State.AT_SERVICE_POINT)
        .exclude(from_state=Order.State.AT_SERVICE_POINT)
        .order_by("-at")
        .values("at")[:1]
    )


def order_arrived_at(*, order: Order) -> dt.datetime | None:
    """When `order` last arrived at its service point (None if it never did)."""
    return (
        Order.objects.filter(pk=order.pk)
        .annotate(arrived_at=order_arrived_at_subquery())
        .values_list("arrived_at", flat=True)
        .first()
    )


def days_waiting(*, arrived_at: dt.datetime | None, now: dt.datetime | None = None) -> int:
    """Whole local days since `arrived_at` (0 the day it came, 1 the next day ...)."""
    if arrived_at is None:
        return 0
    today = timezone.localdate(now or timezone.now())
    return (today - timezone.localdate(arrived_at)).days


def order_past_hold(*, order: Order, now: dt.datetime | None = None) -> bool:
    """Whether a parcel at its point has waited the county's hold (parcel_hold_days) whole
    days or more since it arrived: flagged on the console, and returnable to the county."""
    if order.state != Order.State.AT_SERVICE_POINT:
        return False
    hold = service_point_settings_get().parcel_hold_days
    return days_waiting(arrived_at=order_arrived_at(order=order), now=now) >= hold


def order_lines_to_hand_over(*, order: Order) -> list[OrderLine]:
    """The lines still to leave the point with the buyer (OrderLine.can_hand_over), by pk;
    uses prefetched lines when the order has them."""
    return [line for line in sorted(order.lines.all(), key=_line_pk) if line.can_hand_over]


def handover_cash_due(*, order: Order, lines) -> int:
    """The cash to take for handing `lines` of `order` over now: nothing for an online order
    (paid already); for a cash order what those lines cost, plus the delivery fee on its first
    hand-over. The one rule for what a hand-over collects: the console shows it, the
    hand-over books it (county_sites.ledger.services.ledger_record_cash_receipt)."""
    if order.is_online:
        return 0
    return receipt_amount(order=order, lines=lines, delivery_fee=handover_is_first(order=order))


def order_cash_due(order: Order) -> int:
    """The cash still to take for `order`: handover_cash_due of every line still to hand over
    (a short or damaged line is not paid for at the point)."""
    return handover_cash_due(order=order, lines=order_lines_to_hand_over(order=order))


def order_return_refund_due(order: Order) -> int:
    """What returning `order` to the county refunds: for an online order what its lines still
    on the shelf cost, with the delivery fee if nothing was handed over; 0 for a cash order
    (those lines were never paid for). Shown before the return, booked by it
    (county_sites.orders.services.order_return)."""
    if not order.is_online:
        return 0
    return receipt_amount(
        order=order,
        lines=order_lines_to_hand_over(order=order),
        delivery_fee=handover_is_first(order=order),
    )


def handover_is_first(*, order: Order) -> bool:
    """No line of `order` has been handed over yet (the delivery fee goes with the first)."""
    return all(line.handed_over_at is None for line in order.lines.all())


def _line_pk(line: OrderLine) -> int:
    return line.pk


def order_ids_awaiting_confirmation(*, placed_before, now) -> list[int]:
    """Orders a clerk entered that are still waiting for the villager, placed before
    `placed_before`, with no confirmation still open at `now`: the ones whose hold has
    ended (services.assisted.assisted_orders_expire), oldest first."""
    open_now = OrderConfirmation.objects.filter(
        order=OuterRef("pk"), closed_at__isnull=True, expires_at__gt=now
    )
    return list(
        Order.objects.filter(
            state=Order.State.PLACED,
            entered_by__isnull=False,
            buyer_confirmed_at__isnull=True,
            placed_at__lt=placed_before,
        )
        .exclude(Exists(open_now))
        .order_by("placed_at", "pk")
        .values_list("pk", flat=True)
    )


# ------------------------------------------------------------------------------
# What a buyer owes and what can be given back (receiving, issue 9 point 7)
# ------------------------------------------------------------------------------
NOT_ARRIVED = (OrderLine.Arrival.SHORT, OrderLine.Arrival.DAMAGED)


def _cash_value(order: Order) -> int:
    """What a cash-on-pickup buyer pays in all, in fen: the lines that reached the point
    (received, or not checked) plus the delivery fee. A line found short or damaged on
    receiving was never paid for, so it is not charged: for a cash order that is the
    after-sales case, instead of a refund (docs/adr/0015-delivery-days.md)."""
    lines = sum(
        line.line_total_fen for line in order.lines.all() if line.arrival not in NOT_ARRIVED
    )
    return lines + order.delivery_fee_fen


def order_refundable_fen(order: Order) -> int:
    """What a whole-order refund would give back now, in fen: what the buyer paid (an online
    order's total; a cash order's cash due, taken at the hand-over) less the refunds approved
    already (short or damaged lines given back one by one)."""
    paid = order.total_fen if order.is_online else _cash_value(order)
    approved = RefundRequest.objects.filter(
        order=order, state=RefundRequest.State.APPROVED
    ).aggregate(total=Sum("amount_fen"))["total"]
    return paid - (approved or 0)


def order_lines_open_for_refund(*, order: Order) -> list[OrderLine]:
    """The lines of an online order the buyer may still ask back one by one: not covered by a
    refund request waiting or approved. Empty for a cash order (what it lacks is not
    charged: services.refunds)."""
    if not order.is_online:
        return []
    covered = OrderLine.objects.filter(
        refund_requests__state__in=[RefundRequest.State.REQUESTED, RefundRequest.State.APPROVED]
    )
    return list(order.lines.exclude(pk__in=covered).order_by("pk"))


# ------------------------------------------------------------------------------
# Delivery days: the operator's lists, manifests and pick lists; the clerk's receiving
# ------------------------------------------------------------------------------
def mobile_masked(mobile: str) -> str:
    """137****0001: enough for the clerk to match a parcel, not a number to copy."""
    return f"{mobile[:3]}****{mobile[7:]}" if len(mobile) == 11 else mobile


def buyer_label(order: Order) -> str:
    """The buyer as a manifest shows them: name (if any) and masked mobile."""
    name = order.buyer.get_full_name().strip()
    masked = mobile_masked(order.contact_mobile or order.buyer.mobile or "")
    return f"{name} {masked}".strip()


def point_delivery_list() -> QuerySet[PointDelivery]:
    """Every delivery, newest day first, with its point, how many orders and their total."""
    return (
        PointDelivery.objects.select_related("point")
        .annotate(order_count=Count("orders"), total_fen=Sum("orders__total_fen"))
        .order_by("-day", "point__name", "pk")
    )


def point_delivery_waiting(*, point) -> dict[str, int]:
    """What could still go on a delivery of `point`: prepared pickup orders on none
    (`prepared`), and orders that may be prepared first (`to_prepare`: paid online orders,
    and cash orders placed and confirmed or not entered for a buyer)."""
    free = Order.objects.filter(
        fulfilment=Order.Fulfilment.PICKUP, service_point=point, point_delivery__isnull=True
    )
    online = Q(state=Order.State.PAID, payment_method=Order.PaymentMethod.BANK_GATEWAY)
    cash = Q(state=Order.State.PLACED, payment_method=Order.PaymentMethod.CASH_ON_PICKUP) & (
        Q(entered_by__isnull=True) | Q(buyer_confirmed_at__isnull=False)
    )
    return free.aggregate(
        prepared=Count("pk", filter=Q(state=Order.State.PREPARING)),
        to_prepare=Count("pk", filter=online | cash),
    )


@dataclass(frozen=True)
class Manifest:
    """A delivery's orders with their lines, and the totals (fen) that must equal them."""

    delivery: PointDelivery
    orders: list[Order]
    line_count: int
    lines_total_fen: int
    delivery_fee_fen: int
    total_fen: int
    cash_fen: int

    @property
    def total_yuan(self) -> str:
        return yuan(self.total_fen)

    @property
    def cash_yuan(self) -> str:
        return yuan(self.cash_fen)


def _manifest_orders(delivery: PointDelivery) -> QuerySet[Order]:
    # The listings' photos too: the clerk checks each line against its picture.
    lines = (
        OrderLine.objects.select_related("seller", "listing")
        .prefetch_related(
            Prefetch("listing__photos", queryset=ListingPhoto.objects.order_by("position", "pk"))
        )
        .order_by("pk")
    )
    return (
        Order.objects.filter(point_delivery=delivery)
        .select_related("buyer", "shelf_position")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .order_by("pk")
    )


def point_delivery_manifest(*, delivery: PointDelivery) -> Manifest:
    """The manifest of `delivery`: its orders (oldest first) with buyer and lines (and their
    listings' photos), and the totals; a fixed number of queries whatever the orders."""
    orders = list(_manifest_orders(delivery))
    for order in orders:
        order.buyer_label = buyer_label(order)
    return Manifest(
        delivery=delivery,
        orders=orders,
        line_count=sum(len(order.lines.all()) for order in orders),
        lines_total_fen=sum(order.lines_total_fen for order in orders),
        delivery_fee_fen=sum(order.delivery_fee_fen for order in orders),
        total_fen=sum(order.total_fen for order in orders),
        cash_fen=sum(order.total_fen for order in orders if not order.is_online),
    )


@dataclass(frozen=True)
class PickPoint:
    point_name: str
    quantity: int
    bring_by: dt.datetime


@dataclass(frozen=True)
class PickItem:
    listing_id: int
    title: str
    unit_label: str
    quantity: int
    points: list[PickPoint]


@dataclass(frozen=True)
class PickList:
    """What one seller brings for a delivery day: each listing's total and for which
    points, by the earliest "bring by" of those deliveries, to the collection place(s)."""

    seller: Seller
    day: dt.date
    bring_by: dt.datetime
    collection_places: list[str]
    items: list[PickItem]


# An order in these states is not going out any more, though still on its delivery.
NOT_GOING = (Order.State.CANCELLED, Order.State.REFUND_REQUESTED, Order.State.REFUNDED)


def pick_lists_for_day(*, day: dt.date, seller: Seller | None = None) -> list[PickList]:
    """Per seller (by name), what to bring for the deliveries of `day`: lines of the orders on
    them that are still going, summed per listing and unit, with the quantity per point. Two
    queries whatever the number of orders."""
    rows = (
        OrderLine.objects.filter(order__point_delivery__day=day)
        .exclude(order__state__in=NOT_GOING)
        .values(
            "seller_id",
            "listing_id",
            "listing__title",
            "unit",
            "order__point_delivery__point__name",
            "order__point_delivery__bring_by",
            "order__point_delivery__collection_place",
        )
        .annotate(quantity=Sum("quantity"))
        .order_by("seller_id", "listing_id", "unit", "order__point_delivery__point__name")
    )
    if seller is not None:
        rows = rows.filter(seller=seller)
    by_seller: dict[int, dict] = {}
    for row in rows:
        entry = by_seller.setdefault(row["seller_id"], {"items": {}, "places": [], "by": []})
        item = entry["items"].setdefault(
            (row["listing_id"], row["unit"]),
            {"title": row["listing__title"], "unit": row["unit"], "points": []},
        )
        item["points"].append(
            PickPoint(
                point_name=row["order__point_delivery__point__name"],
                quantity=row["quantity"],
                bring_by=row["order__point_delivery__bring_by"],
            )
        )
        place = row["order__point_delivery__collection_place"]
        if place not in entry["places"]:
            entry["places"].append(place)
        entry["by"].append(row["order__point_delivery__bring_by"])
    sellers = Seller.objects.in_bulk(list(by_seller))
    unit_labels = dict(OrderLine._meta.get_field("unit").choices)
    lists = [
        PickList(
            seller=sellers[seller_id],
            day=day,
            bring_by=min(entry["by"]),
            collection_places=entry["places"],
            items=[
                PickItem(
                    listing_id=listing_id,
                    title=item["title"],
                    unit_label=str(unit_labels.get(unit, unit)),
                    quantity=sum(point.quantity for point in item["points"]),
                    points=item["points"],
                )
                for (listing_id, unit), item in entry["items"].items()
            ],
        )
        for seller_id, entry in by_seller.items()
    ]
    return sorted(lists, key=lambda pick: (pick.seller.name, pick.seller.pk))


def point_deliveries_to_receive(*, point) -> list[PointDelivery]:
    """`point`'s dispatched deliveries not received yet, oldest day first, with order counts:
    the console's list to receive. One query."""
    return list(
        PointDelivery.objects.filter(point=point, state=PointDelivery.State.DISPATCHED)
        .annotate(order_count=Count("orders"))
        .order_by("day", "pk")
    )


def point_delivery_for_point(*, point, pk) -> PointDelivery | None:
    """Delivery `pk` if it is `point`'s (dispatched or received), else None: another point's
    delivery is as unknown as a missing one."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        PointDelivery.objects.select_related("point")
        .filter(pk=pk, point=point)
        .exclude(state=PointDelivery.State.PLANNED)
        .first()
    )


def order_month_figures(start: dt.datetime, end: dt.datetime) -> MonthFigures:
    """The province's monthly roll-up (hub.rollups) of orders: each counted by the moment of
    its own event inside [start, end), never by its state now, so a closed month never moves.
    Placed (whatever happened later), cancelled (by the cancellation's time), entered by a
    clerk, the distinct buyers and sellers of the orders placed, hand-overs at the points;
    per point: its orders placed, clerk-entered orders and hand-overs."""
    placed = Order.objects.filter(placed_at__gte=start, placed_at__lt=end)
    handovers = OrderHandover.objects.filter(at__gte=start, at__lt=end)
    lines = OrderLine.objects.filter(order__placed_at__gte=start, order__placed_at__lt=end)
    sellers_by_kind = dict(
        lines.values("seller__kind")
        .annotate(n=Count("seller", distinct=True))
        .values_list("seller__kind", "n")
    )
    county = {
        "orders_placed": placed.count(),
        "orders_cancelled": Order.objects.filter(
            cancelled_at__gte=start, cancelled_at__lt=end
        ).count(),
        "orders_clerk_entered": placed.filter(entered_by__isnull=False).count(),
        "active_buyers": placed.values("buyer").distinct().count(),
        "active_sellers": lines.values("seller").distinct().count(),
        **{f"active_sellers_{kind}": sellers_by_kind.get(kind, 0) for kind in Seller.Kind.values},
        "handovers": handovers.count(),
    }
    points: dict[int, dict[str, int]] = {}
    per_point = (
        placed.filter(service_point__isnull=False)
        .values("service_point")
        .annotate(n=Count("pk"), clerk=Count("pk", filter=Q(entered_by__isnull=False)))
        .values_list("service_point", "n", "clerk")
    )
    for point_id, n, clerk in per_point:
        points[point_id] = {"orders_placed": n, "orders_clerk_entered": clerk, "handovers": 0}
    per_point_handovers = (
        handovers.values("order__service_point")
        .annotate(n=Count("pk"))
        .values_list("order__service_point", "n")
    )
    for point_id, n in per_point_handovers:
        if point_id is not None:
            points.setdefault(
                point_id, {"orders_placed": 0, "orders_clerk_entered": 0, "handovers": 0}
            )["handovers"] = n
    county["active_points"] = len(points)
    return MonthFigures(county=county, points=points)


def order_activity_start() -> dt.datetime | None:
    return Order.objects.order_by("placed_at").values_list("placed_at", flat=True).first()


def order_ids_cash_unstarted(*, confirmed_before) -> list[int]:
    """Cash-on-pickup orders still `placed` (nothing prepared yet) that the buyer confirmed
    before `confirmed_before`, oldest first: the cash hold's work (services.cash). An order a
    clerk entered that the villager has not confirmed is not one (its own expiry)."""
    return list(
        Order.objects.filter(
            state=Order.State.PLACED,
            payment_method=Order.PaymentMethod.CASH_ON_PICKUP,
            # placed_at <= buyer_confirmed_at: the placed_at bound only lets the index help.
            placed_at__lt=confirmed_before,
            buyer_confirmed_at__lt=confirmed_before,
        )
        .order_by("placed_at", "pk")
        .values_list("pk", flat=True)
    )
