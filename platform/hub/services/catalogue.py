"""Writes of the province catalogue (hub.ProvinceListing): one county's approved listings
copied into public for the hub portal's search.

Called from inside a county by county_sites.catalogue (its sync and nightly rebuild tasks):
the county side knows its listings, the hub only stores what it is given (contract
`province-apart`: hub imports no county app). Both writes are idempotent.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from core.pinyin import pinyin_full, pinyin_initials
from hub.models import County, ProvinceListing

SEARCH_TEXT_LENGTH = ProvinceListing._meta.get_field("search_text").max_length
# Rows written per INSERT ... ON CONFLICT in a rebuild: a county has a few thousand listings
# at most, and 500 keeps each statement well under PostgreSQL's parameter limit (12 columns).
REBUILD_BATCH_SIZE = 500
_UPDATED_FIELDS = [
    "title", "price_fen", "unit", "category", "photo_path", "certifications", "stock",
    "search_text", "updated_at",
]  # fmt: skip


@dataclass(frozen=True)
class ProvinceListingRow:
    """What the county tells the hub about one approved listing."""

    listing_id: int
    title: str
    price_fen: int
    unit: str
    category_id: int
    stock: int
    photo_path: str = ""
    certifications: tuple[str, ...] = field(default_factory=tuple)


def search_text_for(title: str) -> str:
    """Characters, full pinyin and initials in one lowercased string: a query in any of the
    three is a plain `contains` (hub.selectors.catalogue.province_listing_search)."""
    text = " ".join((title or "").lower().split())
    return f"{text} {pinyin_full(title)} {pinyin_initials(title)}"[:SEARCH_TEXT_LENGTH]


def _instance(county: County, row: ProvinceListingRow, now) -> ProvinceListing:
    return ProvinceListing(
        county=county,
        listing_id=row.listing_id,
        title=row.title,
        price_fen=row.price_fen,
        unit=row.unit,
        category_id=row.category_id,
        photo_path=row.photo_path,
        certifications=sorted(row.certifications),
        stock=max(row.stock, 0),
        search_text=search_text_for(row.title),
        updated_at=now,
    )


def _upsert(instances: list[ProvinceListing]) -> None:
    # One INSERT ... ON CONFLICT: two syncs of the same new listing at once cannot collide.
    ProvinceListing.objects.bulk_create(
        instances,
        update_conflicts=True,
        unique_fields=["county", "listing_id"],
        update_fields=_UPDATED_FIELDS,
        batch_size=REBUILD_BATCH_SIZE,
    )


@transaction.atomic
def province_listing_upsert(*, county: County, row: ProvinceListingRow) -> ProvinceListing:
    """Add or refresh one listing's row."""
    instance = _instance(county, row, timezone.now())
    instance.full_clean(exclude=["county", "category"], validate_unique=False)
    _upsert([instance])
    return ProvinceListing.objects.get(county=county, listing_id=row.listing_id)


@transaction.atomic
def province_listing_remove(*, county: County, listing_id: int) -> bool:
    """Take a listing out of the catalogue (delisted, rejected, back in review, deleted);
    True when there was a row."""
    _total, detail = ProvinceListing.objects.filter(county=county, listing_id=listing_id).delete()
    return detail.get(ProvinceListing._meta.label, 0) > 0


@dataclass(frozen=True)
class RebuildResult:
    written: int
    removed: int


@transaction.atomic
def province_listings_rebuild(
    *, county: County, rows: Iterable[ProvinceListingRow]
) -> RebuildResult:
    """Make the county's part of the catalogue exactly `rows` (every approved listing):
    missing and stale rows written, rows of listings not given removed."""
    now = timezone.now()
    instances = [_instance(county, row, now) for row in rows]
    _upsert(instances)
    keep = [instance.listing_id for instance in instances]
    _total, detail = (
        ProvinceListing.objects.filter(county=county).exclude(listing_id__in=keep).delete()
    )
    # The total counts the specialities that went with them too.
    removed = detail.get(ProvinceListing._meta.label, 0)
    return RebuildResult(written=len(instances), removed=removed)
