"""Categories, listings and search: from Category, Listing, ListingPhoto, ListingCertification
and TraceabilityBatch rows as county_sites.catalogue.selectors load them."""

import datetime as dt
from typing import Literal

from django.urls import reverse
from ninja import Field, Schema

from core.money import yuan_sign
from county_sites.api.schemas.common import DB_INT_MAX
from county_sites.catalogue.photos import rendition_url
from county_sites.catalogue.selectors import Sort

# Below this many units a listing is "low" (the storefront's LOW_STOCK).
LOW_STOCK = 10


def stock_state(listing) -> str:
    if listing.stock <= 0 or listing.stock < listing.min_order_qty:
        return "out"
    if listing.stock < LOW_STOCK:
        return "low"
    return "in"


def photo_renditions(photo) -> list[dict]:
    """A photo's ready renditions at the URLs the product page uses (catalogue.photos),
    smallest first: the county host serves them (catalogue.views.listing_photo_file)."""
    if not photo.renditions_ready:
        return []
    renditions = [
        {
            "url": rendition_url(photo.pk, name, entry),
            "width": int(entry["width"]),
            "height": int(entry["height"]),
        }  # fmt: skip
        for name, entry in (photo.renditions or {}).items()
        if isinstance(entry, dict)
        and entry.get("path")
        and entry.get("width")
        and entry.get("height")
    ]
    return sorted(renditions, key=lambda rendition: rendition["width"])


def photos_shown(listing) -> list:
    """The listing's photos (prefetched, in order) that have a rendition to show."""
    return [photo for photo in listing.photos.all() if photo_renditions(photo)]


# ------------------------------------------------------------------------------------------
# Categories
# ------------------------------------------------------------------------------------------
class CategoryRef(Schema):
    id: int
    slug: str
    name: str
    name_en: str


# From a category of api.selectors.category_tree (with its `active_children`).
class CategoryOut(CategoryRef):
    children: list[CategoryRef]

    @staticmethod
    def resolve_children(category) -> list:
        return getattr(category, "active_children", [])


# ------------------------------------------------------------------------------------------
# Listings
# ------------------------------------------------------------------------------------------
class SellerRef(Schema):
    id: int
    name: str


class Rendition(Schema):
    url: str
    width: int
    height: int


class PhotoOut(Schema):
    """One photo as WebP renditions, smallest first (thumb 240, card 480, large 1080)."""

    renditions: list[Rendition]

    @staticmethod
    def resolve_renditions(photo) -> list[dict]:
        return photo_renditions(photo)


class ListingCard(Schema):
    id: int
    title: str
    category: CategoryRef | None
    unit: str
    unit_label: str
    price_fen: int
    price_display: str
    price_per_unit: str
    stock: int
    stock_state: Literal["in", "low", "out"]
    min_order_qty: int
    origin_village: str
    seller: SellerRef
    photo: PhotoOut | None
    url: str

    @staticmethod
    def resolve_unit_label(listing) -> str:
        return str(listing.get_unit_display())

    @staticmethod
    def resolve_price_display(listing) -> str:
        return yuan_sign(listing.price_fen)

    @staticmethod
    def resolve_price_per_unit(listing) -> str:
        return f"{yuan_sign(listing.price_fen)}/{listing.get_unit_display()}"

    @staticmethod
    def resolve_stock_state(listing) -> str:
        return stock_state(listing)

    @staticmethod
    def resolve_photo(listing):
        shown = photos_shown(listing)
        return shown[0] if shown else None

    @staticmethod
    def resolve_url(listing) -> str:
        return reverse("catalogue:listing", args=[listing.pk])


class CertificationOut(Schema):
    kind: str
    label: str
    certificate_number: str
    issuer: str
    valid_until: dt.date | None

    @staticmethod
    def resolve_label(certification) -> str:
        return str(certification.get_kind_display())


class TraceabilityOut(Schema):
    code: str
    batch_code: str
    harvest_date: dt.date
    plot: str
    url: str

    @staticmethod
    def resolve_url(batch) -> str:
        return reverse("farmers:trace", args=[batch.code])


# From a listing of catalogue.selectors.listing_get_live (with `batches_newest_first`).
class ListingDetail(ListingCard):
    description: str
    harvest_start: dt.date | None
    harvest_end: dt.date | None
    photos: list[PhotoOut]
    certifications: list[CertificationOut]
    traceability: TraceabilityOut | None

    @staticmethod
    def resolve_photos(listing) -> list:
        return photos_shown(listing)

    @staticmethod
    def resolve_traceability(listing):
        batches = getattr(listing, "batches_newest_first", [])
        return batches[0] if batches else None


class ListingFilters(Schema):
    """Query string of GET /catalogue/listings/; prices in fen, inclusive."""

    # (`page`, beside these, is county_sites.api.pagination's PageQuery.)
    category: str | None = Field(
        None, description="category slug; a top level includes its sub-categories"
    )
    village: str | None = None
    # A code of the province's certification kinds (hub.vocabulary), checked by the view:
    # the province adds kinds without a new API release.
    certification: str | None = Field(None, max_length=20, description="certification kind code")
    min_price: int | None = Field(None, ge=0, le=DB_INT_MAX, description="fen")
    max_price: int | None = Field(None, ge=0, le=DB_INT_MAX, description="fen")
    sort: Literal[Sort.NEWEST, Sort.PRICE_ASC, Sort.PRICE_DESC] = Sort.NEWEST


# ------------------------------------------------------------------------------------------
# Search
# ------------------------------------------------------------------------------------------
# From {"q": the normalised query, "results": listings, "suggested_categories": categories}.
class SearchOut(Schema):
    q: str
    results: list[ListingCard]
    suggested_categories: list[CategoryRef]
