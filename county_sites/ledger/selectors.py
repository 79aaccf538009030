"""Reads of the ledger: totals per kind, per day, for the county operators' daily report."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import TruncDate

from core.money import yuan
from county_sites.ledger.models import LedgerEntry
from farmers.models import Seller

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


def ledger_county_figures() -> dict:
    """The province's roll-up of the current county (core.county_apps): sales are what the
    ledger says was received (online payments and cash collected) less refunds."""
    totals = ledger_totals()
    kind = LedgerEntry.Kind
    return {
        "sales_fen": (
            totals.get(kind.PAYMENT, 0)
            + totals.get(kind.CASH_COLLECTED, 0)
            - totals.get(kind.REFUND, 0)
        )
    }


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
