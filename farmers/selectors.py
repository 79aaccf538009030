"""Reads for sellers and listings; run inside the county's schema."""

from django.db.models import Count, Prefetch, QuerySet

from core.county_apps import MonthFigures
from farmers.models import (
    Listing,
    ListingCertification,
    ModerationDecision,
    Seller,
    TraceabilityBatch,
)


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


def seller_month_figures(start, end) -> MonthFigures:
    """The province's monthly roll-up (hub.rollups): sellers registered before the month's
    end, in all and by kind. (Active sellers are counted from orders, by county_sites.orders.)"""
    by_kind = dict(
        Seller.objects.filter(created_at__lt=end)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    figures = {f"sellers_{kind}": by_kind.get(kind, 0) for kind in Seller.Kind.values}
    figures["sellers_total"] = sum(by_kind.values())
    return MonthFigures(county=figures)
