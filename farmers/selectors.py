"""Reads for sellers and listings; run inside the county's schema."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from farmers.models import (
    Listing,
    ListingCertification,
    ModerationDecision,
    Seller,
    TraceabilityBatch,
)


def listing_review_queue(
    *,
    state: str | None = Listing.State.SUBMITTED,
    category=None,
    village: str | None = None,
    seller: Seller | None = None,
) -> QuerySet[Listing]:
    """Listings for county operators to work through, oldest submission first. `state=None`
    lists every state; category, village (origin) and seller narrow it."""
    listings = Listing.objects.select_related("seller", "category", "category__parent")
    if state:
        listings = listings.filter(state=state)
    if category is not None:
        # A top-level category includes its sub-categories.
        pk = getattr(category, "pk", category)
        listings = listings.filter(category_id__in=_category_and_children(pk))
    if village:
        listings = listings.filter(origin_village=village)
    if seller is not None:
        listings = listings.filter(seller=seller)
    return listings.order_by("submitted_at", "pk")


def _category_and_children(pk: int) -> list[int]:
    from hub.models import Category

    return [pk, *Category.objects.filter(parent_id=pk).values_list("pk", flat=True)]


def listing_list_for_seller(*, seller: Seller) -> QuerySet[Listing]:
    """A seller's own listings, newest first, with what their phone screen shows."""
    return (
        Listing.objects.filter(seller=seller)
        .select_related("category")
        .prefetch_related("photos")
        .order_by("-updated_at", "-pk")
    )


def seller_get_for_user(*, user) -> Seller | None:
    """The seller whose login account `user` is (Seller.user), or None: anonymous, inactive,
    or not a seller (a resident, an operator)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Seller.objects.filter(user=user).first()


def listing_get_for_seller(*, seller: Seller, listing_id: int) -> Listing | None:
    """One of the seller's own listings with what its edit page shows, or None (also for
    another seller's listing: the caller answers 404, not 403, so ids reveal nothing)."""
    return (
        Listing.objects.filter(pk=listing_id, seller=seller)
        .select_related("category", "category__parent")
        .prefetch_related("photos", "certifications", "batches")
        .first()
    )


def fen_to_yuan(fen: int) -> str:
    """350 -> "3.50", -5 -> "-0.05"."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


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

    @property
    def line_total_yuan(self) -> str:
        return fen_to_yuan(self.line_total_fen)


def seller_order_lines(*, seller: Seller, limit: int = 50) -> list[SellerOrderLine]:
    """The seller's lines of their latest `limit` orders, newest first, through
    county_sites.orders (order_list_for_seller: only this seller's lines of each order)."""
    from county_sites.orders.selectors import order_list_for_seller

    return [
        SellerOrderLine(
            order_number=order.number,
            placed_at=order.placed_at,
            state_label=order.get_state_display(),
            title=line.title,
            quantity=line.quantity,
            unit_label=line.get_unit_display(),
            line_total_fen=line.line_total_fen,
        )
        for order in order_list_for_seller(seller=seller)[:limit]
        for line in order.seller_lines
    ]


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
        return fen_to_yuan(self.sold_fen)

    @property
    def commission_yuan(self) -> str:
        return fen_to_yuan(self.commission_fen)

    @property
    def payable_yuan(self) -> str:
        return fen_to_yuan(self.payable_fen)


def seller_statement(*, seller: Seller, date_from: dt.date, date_to: dt.date) -> SellerStatement:
    """The seller's statement for the days date_from..date_to (platform time zone), from the
    county's ledger: payable is the sum of the seller's seller_payable entries, commission of
    the commission entries on their lines (refunds book both back, negative), and sold is
    the two together. One query.
    """
    from county_sites.ledger.models import LedgerEntry
    from county_sites.ledger.selectors import ledger_totals

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


def listing_decisions(*, listing: Listing) -> QuerySet[ModerationDecision]:
    """The listing's moderation log, newest first, with who decided."""
    return ModerationDecision.objects.filter(listing=listing).select_related("actor")


def traceability_batch_get_public(*, code: str) -> TraceabilityBatch | None:
    """The batch behind a public traceability code, or None. Only batches of listings that
    were approved at some point are public: a draft's text has not been reviewed. Looked up in
    the current county's schema only, so another county's code is simply not found."""
    return (
        TraceabilityBatch.objects.filter(code=code, listing__approved_at__isnull=False)
        .select_related("listing__seller", "listing__category")
        .prefetch_related(
            Prefetch(
                "listing__certifications",
                queryset=ListingCertification.objects.order_by("kind"),
            )
        )
        .first()
    )


def seller_county_figures() -> dict:
    """The province's roll-up of the current county (core.county_apps): sellers."""
    return {"sellers": Seller.objects.count()}
