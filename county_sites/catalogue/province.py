"""This county's part of the province catalogue (hub.ProvinceListing): what the hub portal
shows of our approved listings, pushed into public through hub.services.catalogue.

Run inside the county's schema, from county_sites.catalogue.tasks: province_index_sync after
each change (farmers.services.province queues it on commit) and province_index_rebuild
nightly, which also repairs anything a lost task left behind.
"""

from django.db import connection

from county_sites.catalogue.photos import rendition_url
from farmers.models import Listing
from hub.services.catalogue import (
    ProvinceListingRow,
    RebuildResult,
    province_listing_remove,
    province_listing_upsert,
    province_listings_rebuild,
)

# Small first: the portal is read on cheap phones; the card size when no thumb was made.
PORTAL_RENDITIONS = ("thumb", "card")


def _photo_path(listing: Listing) -> str:
    for photo in listing.photos.all():  # prefetched, in position order
        if not photo.renditions_ready:
            continue
        for name in PORTAL_RENDITIONS:
            entry = (photo.renditions or {}).get(name)
            if isinstance(entry, dict) and entry.get("path"):
                return rendition_url(photo.pk, name, entry)
    return ""


def province_row(listing: Listing) -> ProvinceListingRow:
    """The catalogue row of an approved listing (photos and certifications prefetched)."""
    return ProvinceListingRow(
        listing_id=listing.pk,
        title=listing.title,
        price_fen=listing.price_fen,
        unit=listing.unit,
        category_id=listing.category_id,
        stock=listing.stock,
        photo_path=_photo_path(listing),
        certifications=tuple(c.kind for c in listing.certifications.all()),
    )


def _listings():
    return Listing.objects.prefetch_related("photos", "certifications")


def province_index_sync(*, listing_id: int) -> str:
    """Bring one listing's catalogue row in line with the listing: written while approved,
    removed otherwise (or when the listing is gone). Idempotent; returns what it did."""
    county = connection.tenant
    listing = _listings().filter(pk=listing_id).first()
    if listing is None or listing.state != Listing.State.APPROVED:
        province_listing_remove(county=county, listing_id=listing_id)
        return "removed"
    province_listing_upsert(county=county, row=province_row(listing))
    return "written"


def province_index_rebuild(*, batch_size: int = 500) -> RebuildResult:
    """Make this county's part of the catalogue exactly its approved listings."""
    approved = _listings().filter(state=Listing.State.APPROVED).order_by("pk")
    rows = [province_row(listing) for listing in approved.iterator(chunk_size=batch_size)]
    return province_listings_rebuild(county=connection.tenant, rows=rows)
