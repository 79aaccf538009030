"""Writes of the catalogue: the pinyin search index of listings (county_sites.catalogue.search).

Run inside the county's schema; the storefront's signals call them on every listing or seller
save, `manage.py tenant_command search_entries_rebuild` for a whole county.
"""

from county_sites.catalogue.models import ListingSearchEntry
from county_sites.catalogue.search import pinyin_full, pinyin_initials
from farmers.models import Listing


def listing_search_entry_refresh(*, listing) -> ListingSearchEntry:
    """Recompute the pinyin of a listing's title, origin village and seller name for /search/.
    Run on every listing or seller save (county_sites/storefront/signals.py); cheap and
    idempotent."""
    seller_name = listing.seller.name if listing.seller_id else ""
    other = " ".join(part for part in (listing.origin_village, seller_name) if part)
    entry = ListingSearchEntry(
        listing=listing,
        title_pinyin=pinyin_full(listing.title)[:512],
        title_initials=pinyin_initials(listing.title)[:160],
        other_pinyin=pinyin_full(other)[:1024],
        other_initials=pinyin_initials(other)[:256],
    )
    entry.full_clean(exclude=["listing"], validate_unique=False)
    entry.save()
    return entry


def listing_search_entries_rebuild(*, batch_size: int = 500) -> int:
    """Refresh every listing's search entry in the current county; returns how many."""
    count = 0
    for listing in Listing.objects.select_related("seller").iterator(chunk_size=batch_size):
        listing_search_entry_refresh(listing=listing)
        count += 1
    return count
