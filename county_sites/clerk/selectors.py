"""What the clerk's console shows: the day's work at one service point, read in the county's
schema. Every read is filtered by the clerk's own point, so another point's orders never
reach the page; the number of queries does not grow with the number of orders."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from county_sites.orders.models import Order, OrderConfirmation, OrderLine
from county_sites.orders.selectors import (
    days_waiting,
    order_arrived_at_subquery,
    order_with_assisted_audit,
)
from service_points.models import ServicePoint

S = Order.State

# On their way to the point: paid online and not yet sent, being prepared, or cash orders the
# buyer has confirmed (prepared straight from placed, county_sites.orders.states).
INCOMING = Q(state__in=[S.PAID, S.PREPARING]) | Q(
    state=S.PLACED,
    payment_method=Order.PaymentMethod.CASH_ON_PICKUP,
    buyer_confirmed_at__isnull=False,
)


@dataclass(frozen=True)
class WaitingParcel:
    order: Order
    arrived_at: dt.datetime | None
    days_waiting: int


# The home shows the first few of each list and its count; the rest is a tap away, paged
# (console_list_page). Measured with bench/clerk.py: at 500 orders the whole lists made the
# home 138 KB and 140 ms.
HOME_LIST_LIMIT = 8
LIST_PAGE_SIZE = 20
LISTS = ("waiting", "incoming", "confirm")


@dataclass(frozen=True)
class ConsoleToday:
    incoming: list[Order]
    waiting: list[WaitingParcel]
    awaiting_confirmation: list[Order]
    incoming_count: int = 0
    waiting_count: int = 0
    awaiting_count: int = 0


def _arrived_at() -> Subquery:
    """When the order last arrived at its service point (its latest move there; a partial
    pickup does not restart the wait)."""
    return order_arrived_at_subquery()


def _for_point(point: ServicePoint) -> QuerySet[Order]:
    return (
        Order.objects.filter(fulfilment=Order.Fulfilment.PICKUP, service_point=point)
        .select_related("buyer")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("pk")))
    )


AWAITING = Q(state=S.PLACED, entered_by__isnull=False, buyer_confirmed_at__isnull=True)


def point_list_orders(*, point: ServicePoint, which: str) -> QuerySet[Order]:
    """One of the console's lists at `point`, in the order the clerk works through it:
    "waiting" (parcels on the shelf, oldest first, annotated with `arrived_at`), "incoming"
    (on their way) or "confirm" (entered for a buyer who has not confirmed yet)."""
    if which == "waiting":
        return (
            _for_point(point)
            .filter(state=S.AT_SERVICE_POINT)
            .annotate(arrived_at=_arrived_at())
            .order_by("arrived_at", "pk")
        )
    if which == "incoming":
        return _for_point(point).filter(INCOMING).order_by("placed_at", "pk")
    if which == "confirm":
        return _for_point(point).filter(AWAITING).order_by("placed_at", "pk")
    raise ValueError(which)


def waiting_parcels(orders, *, now: dt.datetime | None = None) -> list[WaitingParcel]:
    """Orders of the "waiting" list with their whole local days on the shelf."""
    return [
        WaitingParcel(
            order=order,
            arrived_at=order.arrived_at,
            days_waiting=days_waiting(arrived_at=order.arrived_at, now=now),
        )
        for order in orders
    ]


def clerk_overdue_parcels(
    *, point: ServicePoint, hold_days: int, now: dt.datetime | None = None
) -> list[WaitingParcel]:
    """`point`'s parcels that have waited `hold_days` whole days or more (the console home
    flags the same ones), oldest first: the ones the clerk may return to the county."""
    parcels = waiting_parcels(point_list_orders(point=point, which="waiting"), now=now)
    return [parcel for parcel in parcels if parcel.days_waiting >= hold_days]


def console_today(
    *, point: ServicePoint, now: dt.datetime | None = None, limit: int = HOME_LIST_LIMIT
) -> ConsoleToday:
    """The console home for `point`: the first `limit` of each list (parcels waiting, oldest
    first, with their days; orders on their way; orders awaiting the buyer) and how many each
    list holds. The same number of queries however many orders the point has."""
    counts = Order.objects.filter(
        fulfilment=Order.Fulfilment.PICKUP, service_point=point
    ).aggregate(
        waiting=Count("pk", filter=Q(state=S.AT_SERVICE_POINT)),
        incoming=Count("pk", filter=INCOMING),
        awaiting=Count("pk", filter=AWAITING),
    )
    return ConsoleToday(
        incoming=list(point_list_orders(point=point, which="incoming")[:limit]),
        waiting=waiting_parcels(point_list_orders(point=point, which="waiting")[:limit], now=now),
        awaiting_confirmation=list(point_list_orders(point=point, which="confirm")[:limit]),
        incoming_count=counts["incoming"],
        waiting_count=counts["waiting"],
        awaiting_count=counts["awaiting"],
    )


@dataclass(frozen=True)
class PointFigures:
    """One point's day at a glance, for the operator's list of points."""

    incoming: int = 0
    waiting: int = 0
    over_hold: int = 0


def points_figures_today(
    *, hold_days: int, now: dt.datetime | None = None
) -> dict[int, PointFigures]:
    """For every point with pickup orders: how many are on their way, how many parcels wait
    there, and how many of those have waited `hold_days` whole days or more (as the console
    flags them). Two queries whatever the number of points or orders."""
    today = timezone.localdate(now or timezone.now())
    # Waited >= hold_days whole local days <=> arrived before the start of the local day
    # (today - hold_days + 1).
    cutoff = dt.datetime.combine(
        today - dt.timedelta(days=hold_days - 1),
        dt.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    pickup = Order.objects.filter(fulfilment=Order.Fulfilment.PICKUP, service_point__isnull=False)
    here = (
        pickup.filter(state=S.AT_SERVICE_POINT)
        .annotate(arrived_at=_arrived_at())
        .values("service_point")
        .annotate(waiting=Count("pk"), over_hold=Count("pk", filter=Q(arrived_at__lt=cutoff)))
        .order_by()
    )
    incoming = pickup.filter(INCOMING).values("service_point").annotate(n=Count("pk")).order_by()
    figures: dict[int, dict] = {}
    for row in here:
        figures.setdefault(row["service_point"], {}).update(
            waiting=row["waiting"], over_hold=row["over_hold"]
        )
    for row in incoming:
        figures.setdefault(row["service_point"], {})["incoming"] = row["n"]
    return {point_id: PointFigures(**values) for point_id, values in figures.items()}


def clerk_parcel_get(*, point: ServicePoint, number: str) -> Order | None:
    """The pickup order `number` if it is `point`'s, with its lines and buyer; None for an
    unknown number or another point's order alike, so the page reveals nothing of it."""
    number = (number or "").strip()
    if not number:
        return None
    return _for_point(point).filter(number=number).first()


def clerk_assisted_order_get(*, point: ServicePoint, number: str) -> Order | None:
    """An order a clerk entered for a villager at `point` (its confirmation screen and its
    status page), with lines, buyer, the assisted audit annotations and its confirmations,
    newest first (`confirmations_newest`); None for an unknown number and another point's
    order alike."""
    number = (number or "").strip()
    if not number:
        return None
    return (
        order_with_assisted_audit(_for_point(point).filter(number=number, entered_by__isnull=False))
        .prefetch_related(
            Prefetch(
                "confirmations",
                queryset=OrderConfirmation.objects.order_by("-created_at", "-pk"),
                to_attr="confirmations_newest",
            )
        )
        .first()
    )
