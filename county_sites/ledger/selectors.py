"""Reads of the ledger: totals per kind, per day, for the county operators' daily report; a
seller's statement; a service point's till and its commission statement."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.county_apps import MonthFigures
from core.money import yuan, yuan_sign
from county_sites.ledger.models import LedgerEntry, TillClose
from farmers.models import Seller
from service_points.models import Clerk, ServicePoint

Kind = LedgerEntry.Kind


@dataclass
class DayTotals:
    day: dt.date
    totals: dict[str, int] = field(default_factory=dict)

    def get(self, kind: str) -> int:
        return self.totals.get(kind, 0)

    @property
    def received(self) -> int:
        return self.get(Kind.PAYMENT) + self.get(Kind.CASH_COLLECTED)

    @property
    def accounted(self) -> int:
        return self.get(Kind.SELLER_PAYABLE) + self.get(Kind.COMMISSION) + self.get(Kind.REFUND)

    @property
    def difference(self) -> int:
        """received - accounted: 0 on every day when money adds up (DESIGN.md section 5)."""
        return self.received - self.accounted


def receipt_amount(*, order, lines, delivery_fee: bool) -> int:
    """What the given lines of `order` cost, with its delivery fee when `delivery_fee`: the
    cash a hand-over of them takes, and what their split adds up to."""
    return sum(line.line_total_fen for line in lines) + (
        order.delivery_fee_fen if delivery_fee else 0
    )


def ledger_totals(*, start=None, end=None, seller=None) -> dict[str, int]:
    """Sum per kind of entries with start <= created_at < end (either may be None), of one
    seller's entries when `seller` is given."""
    entries = LedgerEntry.objects.all()
    if seller is not None:
        entries = entries.filter(seller=seller)
    if start is not None:
        entries = entries.filter(created_at__gte=start)
    if end is not None:
        entries = entries.filter(created_at__lt=end)
    rows = entries.values("kind").annotate(total=Sum("amount_fen")).order_by("kind")
    return {row["kind"]: row["total"] for row in rows}


def ledger_daily_totals(*, since: dt.date, until: dt.date) -> list[DayTotals]:
    """Per day (in the platform's time zone), newest first, totals per kind; one query."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    rows = (
        LedgerEntry.objects.annotate(day=TruncDate("created_at", tzinfo=tz))
        .filter(day__gte=since, day__lte=until)
        .values("day", "kind")
        .annotate(total=Sum("amount_fen"))
        .order_by("-day", "kind")
    )
    days: dict[dt.date, DayTotals] = {}
    for row in rows:
        days.setdefault(row["day"], DayTotals(day=row["day"])).totals[row["kind"]] = row["total"]
    return list(days.values())


@dataclass(frozen=True)
class SellerStatement:
    """What a seller sold in a period and what they are owed for it, in fen."""

    date_from: dt.date
    date_to: dt.date
    sold_fen: int = 0
    commission_fen: int = 0
    payable_fen: int = 0

    @property
    def sold_yuan(self) -> str:
        return yuan(self.sold_fen)

    @property
    def commission_yuan(self) -> str:
        return yuan(self.commission_fen)

    @property
    def payable_yuan(self) -> str:
        return yuan(self.payable_fen)


def seller_statement(*, seller: Seller, date_from: dt.date, date_to: dt.date) -> SellerStatement:
    """The seller's statement for the days date_from..date_to (platform time zone), from the
    county's ledger: payable is the sum of the seller's seller_payable entries, commission of
    the commission entries on their lines (refunds book both back, negative), and sold is
    the two together. One query.
    """
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    totals = ledger_totals(start=start, end=end, seller=seller)
    payable = totals.get(LedgerEntry.Kind.SELLER_PAYABLE, 0)
    commission = totals.get(LedgerEntry.Kind.COMMISSION, 0)
    return SellerStatement(
        date_from=date_from,
        date_to=date_to,
        sold_fen=payable + commission,
        commission_fen=commission,
        payable_fen=payable,
    )


# ------------------------------------------------------------------------------
# A service point's till (docs/adr/0014-till-and-point-commissions.md)
# ------------------------------------------------------------------------------
# Which entries move a till's cash, and which way. The cash in is the cash_collected entry
# itself, the cash out for a refund the cash order's refund entry (both name the point).
TILL_IN_KINDS = (Kind.CASH_COLLECTED, Kind.TILL_DIFFERENCE)  # the difference is signed
TILL_OUT_KINDS = (Kind.REFUND, Kind.TILL_HANDOVER)
TILL_KINDS = (*TILL_IN_KINDS, *TILL_OUT_KINDS)


def _till_effect():
    """An entry's effect on its till's cash, in fen: + in, - out."""
    return Case(
        When(kind__in=TILL_OUT_KINDS, then=-F("amount_fen")),
        default=F("amount_fen"),
        output_field=BigIntegerField(),
    )


def _till_entries(point=None):
    entries = LedgerEntry.objects.filter(kind__in=TILL_KINDS, service_point__isnull=False)
    return entries if point is None else entries.filter(service_point=point)


def _county_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def business_day_of(at: dt.datetime) -> dt.date:
    """The business day of a moment: its local date in the county's time zone."""
    return at.astimezone(_county_tz()).date()


def business_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a business day, as aware datetimes."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=_county_tz())
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=_county_tz())


def till_expected(*, point, at: dt.datetime | None = None) -> int:
    """The cash `point`'s till should hold, in fen: every till entry of the point up to `at`
    (inclusive; None: all of them). After a close it is the counted cash plus what moved
    since. One query."""
    entries = _till_entries(point)
    if at is not None:
        entries = entries.filter(created_at__lte=at)
    return entries.aggregate(total=Coalesce(Sum(_till_effect()), 0))["total"]


@dataclass(frozen=True)
class TillLine:
    entry: LedgerEntry
    effect_fen: int

    @property
    def effect_yuan(self) -> str:
        return yuan(self.effect_fen)


@dataclass(frozen=True)
class TillDay:
    """One business day of a point's till. expected = opening + cash in - refunds - handed
    to the county (+ the counted difference once closed): what the drawer should hold now."""

    day: dt.date
    opening_fen: int
    lines: list[TillLine]
    close: "TillClose | None"

    def _sum(self, *kinds) -> int:
        return sum(line.entry.amount_fen for line in self.lines if line.entry.kind in kinds)

    @property
    def cash_in_fen(self) -> int:
        return self._sum(Kind.CASH_COLLECTED)

    @property
    def refunds_fen(self) -> int:
        return self._sum(Kind.REFUND)

    @property
    def handed_fen(self) -> int:
        return self._sum(Kind.TILL_HANDOVER)

    @property
    def difference_fen(self) -> int:
        return self._sum(Kind.TILL_DIFFERENCE)

    @property
    def expected_fen(self) -> int:
        return self.opening_fen + sum(line.effect_fen for line in self.lines)

    @property
    def expected_at_close_fen(self) -> int | None:
        """What the till should have held when it was closed (None: not closed)."""
        if self.close is None:
            return None
        before = [
            line.effect_fen
            for line in self.lines
            if line.entry.created_at <= self.close.closed_at
            and line.entry.pk != self.close.difference_entry_id
        ]
        return self.opening_fen + sum(before)

    @property
    def counted_fen(self) -> int | None:
        if self.close is None:
            return None
        return self.expected_at_close_fen + self.close.difference_entry.amount_fen


def till_day(*, point, day: dt.date | None = None, now: dt.datetime | None = None) -> TillDay:
    """`point`'s till on business `day` (default: today): the balance carried over from the
    days before, the day's cash lines in order, and its close if any. Three queries."""
    day = day or business_day_of(now or timezone.now())
    start, end = business_day_bounds(day)
    opening = _till_entries(point).filter(created_at__lt=start)
    lines = (
        _till_entries(point)
        .filter(created_at__gte=start, created_at__lt=end)
        .select_related("order", "recorded_by")
        .annotate(effect=_till_effect())
        .order_by("created_at", "pk")
    )
    return TillDay(
        day=day,
        opening_fen=opening.aggregate(total=Coalesce(Sum(_till_effect()), 0))["total"],
        lines=[TillLine(entry=entry, effect_fen=entry.effect) for entry in lines],
        close=TillClose.objects.select_related("difference_entry", "closed_by")
        .filter(service_point=point, business_day=day)
        .first(),
    )


@dataclass(frozen=True)
class TillFigures:
    """One point's till at a glance, for the operator's list of points."""

    expected_fen: int = 0
    difference_fen: int = 0
    closed: bool = False

    @property
    def expected_yuan(self) -> str:
        return yuan_sign(self.expected_fen)

    @property
    def difference_yuan(self) -> str:
        return yuan_sign(self.difference_fen) if self.closed else "—"


def till_points_today(*, now: dt.datetime | None = None) -> dict[int, TillFigures]:
    """For every point with till entries: the cash its till should hold now, and today's
    close (the counted difference). One grouped query whatever the number of points."""
    start, end = business_day_bounds(business_day_of(now or timezone.now()))
    today_close = Q(kind=Kind.TILL_DIFFERENCE, created_at__gte=start, created_at__lt=end)
    rows = (
        _till_entries()
        .values("service_point")
        .annotate(
            expected=Sum(_till_effect()),
            difference=Coalesce(Sum("amount_fen", filter=today_close), 0),
            closes=Count("pk", filter=today_close),
        )
        .order_by()
    )
    return {
        row["service_point"]: TillFigures(
            expected_fen=row["expected"],
            difference_fen=row["difference"],
            closed=row["closes"] > 0,
        )
        for row in rows
    }


def till_close_list(*, point=None) -> QuerySet[TillClose]:
    """Till closes, newest day first, each with `expected_fen` (the till's entries up to the
    close, without its own difference), `counted_fen` (expected + difference) and
    `closed_by_name` (the clerk's name; None for an operator). One query."""
    expected = (
        LedgerEntry.objects.filter(
            kind__in=TILL_KINDS,
            service_point=OuterRef("service_point"),
            created_at__lte=OuterRef("closed_at"),
        )
        .exclude(pk=OuterRef("difference_entry"))
        .values("service_point")
        .annotate(total=Sum(_till_effect()))
        .values("total")
    )
    closes = TillClose.objects.select_related("service_point", "closed_by", "difference_entry")
    if point is not None:
        closes = closes.filter(service_point=point)
    clerk_name = Clerk.objects.filter(user=OuterRef("closed_by")).order_by("-is_active", "-pk")
    return closes.annotate(
        expected_fen=Coalesce(Subquery(expected, output_field=BigIntegerField()), 0),
        closed_by_name=Subquery(clerk_name.values("name")[:1]),
    ).annotate(counted_fen=F("expected_fen") + F("difference_entry__amount_fen"))


# ------------------------------------------------------------------------------
# A point's commissions: the monthly statement
# ------------------------------------------------------------------------------
class CommissionState:
    ACCRUED = "accrued"
    RELEASED = "released"
    CLAWED_BACK = "clawed_back"

    LABELS = {ACCRUED: _("待结算"), RELEASED: _("已结算"), CLAWED_BACK: _("已扣回")}


@dataclass(frozen=True)
class CommissionLine:
    order_number: str
    handed_over_at: dt.datetime
    value_fen: int
    rate: Decimal
    commission_fen: int
    state: str

    @property
    def handed_over_day(self) -> dt.date:
        return business_day_of(self.handed_over_at)

    @property
    def state_label(self) -> str:
        return CommissionState.LABELS[self.state]

    @property
    def rate_percent(self) -> str:
        """0.0350 -> "3.50%"."""
        return f"{self.rate * 100:.2f}%"


@dataclass(frozen=True)
class CommissionStatement:
    """A point's commissions on the orders handed over in one month, each in its state as of
    now. commission = accrued + released + clawed back; net = accrued + released."""

    point: ServicePoint
    month: dt.date  # its first day
    lines: list[CommissionLine]

    def _sum(self, state=None) -> int:
        return sum(
            line.commission_fen for line in self.lines if state is None or line.state == state
        )

    @property
    def value_fen(self) -> int:
        return sum(line.value_fen for line in self.lines)

    @property
    def commission_fen(self) -> int:
        return self._sum()

    @property
    def accrued_fen(self) -> int:
        return self._sum(CommissionState.ACCRUED)

    @property
    def released_fen(self) -> int:
        return self._sum(CommissionState.RELEASED)

    @property
    def clawed_back_fen(self) -> int:
        return self._sum(CommissionState.CLAWED_BACK)

    @property
    def net_fen(self) -> int:
        return self.commission_fen - self.clawed_back_fen


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return business_day_bounds(first)[0], business_day_bounds(following)[0]


def point_commission_statement(*, point: ServicePoint, month: dt.date) -> CommissionStatement:
    """`point`'s commissions on the orders handed over in `month` (local time), in the order
    they were handed over. One query."""
    start, end = month_bounds(month)
    same_order = {"order": OuterRef("order"), "kind": Kind.POINT_COMMISSION_RELEASE}
    accruals = (
        LedgerEntry.objects.filter(
            service_point=point,
            kind=Kind.POINT_COMMISSION,
            amount_fen__gt=0,
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("order")
        .annotate(
            released=Exists(LedgerEntry.objects.filter(amount_fen__gt=0, **same_order)),
            clawed_back=Exists(
                LedgerEntry.objects.filter(
                    order=OuterRef("order"), kind=Kind.POINT_COMMISSION, amount_fen__lt=0
                )
            ),
        )
        .order_by("created_at", "pk")
    )
    lines = [
        CommissionLine(
            order_number=entry.order.number,
            handed_over_at=entry.created_at,
            value_fen=entry.base_fen,
            rate=entry.rate,
            commission_fen=entry.amount_fen,
            state=CommissionState.CLAWED_BACK
            if entry.clawed_back
            else CommissionState.RELEASED
            if entry.released
            else CommissionState.ACCRUED,
        )
        for entry in accruals
    ]
    return CommissionStatement(point=point, month=month.replace(day=1), lines=lines)


# The province's top-level category of daily goods (hub migration 0003): every other category
# is farm produce for the province's "农产品网络零售额".
DAILY_GOODS_SLUG = "daily-goods"
# Sellers whose income is "farmers' income" in the province's report: farmers and their
# co-operatives (farmers.Seller.Kind), not merchants.
FARMER_KINDS = ("farmer", "cooperative")


def ledger_month_figures(start: dt.datetime, end: dt.datetime) -> MonthFigures:
    """The province's monthly roll-up (hub.rollups) of money: every amount is a sum of ledger
    entries whose time falls in [start, end), signed as booked (a refund's reversals are
    negative), so a past month never changes; per point, its till and commissions."""
    entries = LedgerEntry.objects.filter(created_at__gte=start, created_at__lt=end)
    totals = dict(
        entries.values("kind").annotate(total=Sum("amount_fen")).values_list("kind", "total")
    )
    produce = entries.filter(
        kind__in=[Kind.SELLER_PAYABLE, Kind.COMMISSION], order_line__isnull=False
    ).exclude(
        Q(order_line__listing__category__slug=DAILY_GOODS_SLUG)
        | Q(order_line__listing__category__parent__slug=DAILY_GOODS_SLUG)
    )
    sales = totals.get(Kind.PAYMENT, 0) + totals.get(Kind.CASH_COLLECTED, 0)
    refunds = totals.get(Kind.REFUND, 0)
    payable = entries.filter(kind=Kind.SELLER_PAYABLE)
    differences = entries.filter(kind=Kind.TILL_DIFFERENCE)
    county = {
        "sales_fen": sales,
        "refunds_fen": refunds,
        "refunds_count": entries.filter(kind=Kind.REFUND).count(),
        "net_sales_fen": sales - refunds,
        "produce_sales_fen": produce.aggregate(total=Sum("amount_fen"))["total"] or 0,
        "commission_fen": totals.get(Kind.COMMISSION, 0),
        "seller_income_fen": totals.get(Kind.SELLER_PAYABLE, 0),
        "farmer_income_fen": payable.filter(seller__kind__in=FARMER_KINDS).aggregate(
            total=Sum("amount_fen")
        )["total"]
        or 0,
        "cash_collected_fen": totals.get(Kind.CASH_COLLECTED, 0),
        "point_commission_fen": totals.get(Kind.POINT_COMMISSION, 0),
        "till_difference_fen": totals.get(Kind.TILL_DIFFERENCE, 0),
        "till_closes_off": differences.exclude(amount_fen=0).count(),
    }
    points: dict[int, dict[str, int]] = {}
    per_point = (
        entries.filter(
            service_point__isnull=False,
            kind__in=[Kind.CASH_COLLECTED, Kind.POINT_COMMISSION, Kind.TILL_DIFFERENCE],
        )
        .values("service_point", "kind")
        .annotate(total=Sum("amount_fen"), off=Count("pk", filter=~Q(amount_fen=0)))
        .values_list("service_point", "kind", "total", "off")
    )
    names = {
        Kind.CASH_COLLECTED: "cash_collected_fen",
        Kind.POINT_COMMISSION: "point_commission_fen",
        Kind.TILL_DIFFERENCE: "till_difference_fen",
    }
    for point_id, kind, total, off in per_point:
        mine = points.setdefault(
            point_id,
            {
                "cash_collected_fen": 0,
                "point_commission_fen": 0,
                "till_difference_fen": 0,
                "till_closes_off": 0,
            },
        )
        mine[names[kind]] = total
        if kind == Kind.TILL_DIFFERENCE:
            mine["till_closes_off"] = off
    return MonthFigures(county=county, points=points)


def ledger_activity_start() -> dt.datetime | None:
    return LedgerEntry.objects.order_by("created_at").values_list("created_at", flat=True).first()
