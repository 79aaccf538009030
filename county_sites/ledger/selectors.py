"""Reads of the ledger: totals per kind, per day, for the county operators' daily report."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import TruncDate

from county_sites.ledger.models import LedgerEntry

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
