"""Reads for the storefront catalogue; run inside the county's schema (request.tenant).

Only approved listings are ever returned. Every list comes with what a product card shows
(seller, category, photos in order, certifications) in a fixed number of queries, whatever
the number of listings.
"""

import weakref
from dataclasses import dataclass

import psycopg
from django.db import ProgrammingError, connection
from django.db.models import (
    Case,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length, StrIndex

from county_sites.catalogue.search import query_as_pinyin, query_normalise
from farmers.models import (
    Listing,
    ListingCertification,
    ListingPhoto,
    Seller,
    TraceabilityBatch,
)
from hub.models import Category

SEARCH_LIMIT_DEFAULT = 40
SEARCH_LIMIT_MAX = 100


class Sort:
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"

    ORDERING = {
        NEWEST: ("-approved_at", "-pk"),
        PRICE_ASC: ("price_fen", "-pk"),
        PRICE_DESC: ("-price_fen", "-pk"),
    }


@dataclass(frozen=True)
class CatalogueFilters:
    """What a resident narrowed a list down to; None/"" means no filter."""

    category: Category | None = None
    price_min_fen: int | None = None
    price_max_fen: int | None = None
    certification: str = ""
    village: str = ""
    sort: str = Sort.NEWEST


def _photos_prefetch() -> Prefetch:
    return Prefetch("photos", queryset=ListingPhoto.objects.order_by("position", "pk"))


def _certifications_prefetch() -> Prefetch:
    return Prefetch("certifications", queryset=ListingCertification.objects.order_by("kind"))


def listing_live_queryset() -> QuerySet[Listing]:
    """Approved listings with what a product card shows (seller, category, photos)."""
    return (
        Listing.objects.filter(state=Listing.State.APPROVED)
        .select_related("seller", "category")
        .prefetch_related(_photos_prefetch())
    )


def listing_chooser_queryset() -> QuerySet[Listing]:
    """What a county operator may feature on the home page: approved listings, newest first."""
    return (
        Listing.objects.filter(state=Listing.State.APPROVED)
        .select_related("seller")
        .order_by("-approved_at", "-pk")
    )


def listing_cards_by_ids(ids: list[int]) -> dict[int, Listing]:
    """Approved listings among `ids`, by id (the chooser blocks keep the editor's order)."""
    return {listing.pk: listing for listing in listing_live_queryset().filter(pk__in=ids)}


def listing_latest(*, limit: int) -> list[Listing]:
    return list(listing_live_queryset().order_by("-approved_at", "-pk")[:limit])


def listing_cards_and_latest(*, ids: set[int], latest: int) -> tuple[dict[int, Listing], list]:
    """Approved listings among `ids` by id, and the `latest` newest approved listings, in two
    queries (listings, their photos) however many blocks of a home page ask for them."""
    newest = Listing.objects.filter(state=Listing.State.APPROVED).order_by("-approved_at", "-pk")
    wanted = Q(pk__in=ids) | Q(pk__in=newest.values("pk")[:latest]) if latest else Q(pk__in=ids)
    found = list(listing_live_queryset().filter(wanted).order_by("-approved_at", "-pk"))
    # The newest `latest` of a set that holds the newest `latest` are those.
    return {listing.pk: listing for listing in found if listing.pk in ids}, found[:latest]


def listing_get_live(*, listing_id: int) -> Listing | None:
    """The product page's listing, or None when it is not approved (or not this county's: the
    lookup runs in the current county's schema only)."""
    return (
        listing_live_queryset()
        .select_related("category__parent")
        .prefetch_related(
            _certifications_prefetch(),
            Prefetch(
                "batches",
                queryset=TraceabilityBatch.objects.order_by("-harvest_date", "-pk"),
                to_attr="batches_newest_first",
            ),
        )
        .filter(pk=listing_id)
        .first()
    )


# What the product page shows of a photo, a certification and a batch: plain values, not
# model instances (a model's __init__ cost more than the rest of the page's row handling).
@dataclass(frozen=True, slots=True)
class PhotoShown:
    pk: int
    renditions: dict  # as ListingPhoto.renditions; read by the listing_img helper
    renditions_ready: bool = True


@dataclass(frozen=True, slots=True)
class CertificationShown:
    kind: str
    certificate_number: str


@dataclass(frozen=True, slots=True)
class BatchShown:
    code: str  # the public /trace/<code>/ page
    batch_code: str  # the seller's own batch number


@dataclass(frozen=True)
class ProductPage:
    """What the product page shows (catalogue.views.listing_detail)."""

    listing: Listing  # with .seller and .category set
    photos: list[PhotoShown]  # ready ones, in order
    certifications: list[CertificationShown]
    batch: BatchShown | None  # the newest


def _product_page_sql() -> str:
    listing, seller = Listing._meta.db_table, Seller._meta.db_table
    photo, certification = ListingPhoto._meta.db_table, ListingCertification._meta.db_table
    batch, category = TraceabilityBatch._meta.db_table, Category._meta.db_table
    # The listing's columns by name, in the model's field order (Listing.from_db below).
    columns = ", ".join(f"l.{field.column}" for field in Listing._meta.concrete_fields)
    # Category is a shared table (public, on every county's search_path). Only table and
    # column names from model metadata are formatted in; the values are parameters.
    return f"""
        SELECT {columns}, s.name, s.kind, c.slug, c.name, c.name_en,
               (SELECT json_agg(json_build_object('id', p.id, 'renditions', p.renditions)
                                ORDER BY p.position, p.id)
                  FROM {photo} p WHERE p.listing_id = l.id AND p.renditions_ready),
               (SELECT json_agg(json_build_object('kind', k.kind, 'number', k.certificate_number)
                                ORDER BY k.kind, k.id)
                  FROM {certification} k WHERE k.listing_id = l.id),
               (SELECT json_build_object('code', b.code, 'batch_code', b.batch_code)
                  FROM {batch} b WHERE b.listing_id = l.id
                 ORDER BY b.harvest_date DESC, b.id DESC LIMIT 1)
          FROM {listing} l
          JOIN {seller} s ON s.id = l.seller_id
          JOIN {category} c ON c.id = l.category_id
         WHERE l.id = $1 AND l.state = $2
    """  # noqa: S608


# A named server-side prepared statement, made once per database connection: planning this
# statement took longer than running it (about 0.35 of 0.5 ms; 390 -> 150 us per call
# measured). PostgreSQL re-analyses a prepared statement when search_path changes, so it
# reads the tables of whichever county's schema is current, like any other query; PREPARE
# is not undone by a rollback, so remembering it per connection is safe.
_PRODUCT_PAGE_STATEMENT = "fengshou_catalogue_product_page"
_PRODUCT_PAGE_PREPARE = f"PREPARE {_PRODUCT_PAGE_STATEMENT} (bigint, text) AS {_product_page_sql()}"
_PRODUCT_PAGE_EXECUTE = f"EXECUTE {_PRODUCT_PAGE_STATEMENT} (%s, %s)"
_LISTING_FIELDS = [field.attname for field in Listing._meta.concrete_fields]
# psycopg connections on which the statement is prepared (a new connection prepares again).
_prepared_on: weakref.WeakSet = weakref.WeakSet()


def _product_page_row(listing_id: int) -> tuple | None:
    with connection.cursor() as cursor:  # sets the county's search_path
        database = connection.connection
        if database not in _prepared_on:
            cursor.execute(_PRODUCT_PAGE_PREPARE)
            _prepared_on.add(database)
        try:
            cursor.execute(_PRODUCT_PAGE_EXECUTE, [listing_id, Listing.State.APPROVED])
        except ProgrammingError as error:
            # Gone behind our back (DEALLOCATE ALL, DISCARD ALL): prepare again, unless a
            # transaction is now aborted by the error, which only its owner may roll back.
            missing = isinstance(error.__cause__, psycopg.errors.InvalidSqlStatementName)
            if not missing or connection.in_atomic_block:
                raise
            cursor.execute(_PRODUCT_PAGE_PREPARE)
            cursor.execute(_PRODUCT_PAGE_EXECUTE, [listing_id, Listing.State.APPROVED])
        return cursor.fetchone()


def listing_get_for_product_page(*, listing_id: int) -> ProductPage | None:
    """The product page's listing of the current county, when approved, with its seller,
    category, ready photos, certifications and newest batch: one statement, photos,
    certifications and batch as JSON. The bench measured the four-query ORM version
    (listing_get_live) at about 60% of the page's time, mostly building SQL in Python."""
    row = _product_page_row(listing_id)
    if row is None:
        return None
    count = len(_LISTING_FIELDS)
    listing = Listing.from_db(connection.alias, _LISTING_FIELDS, row[:count])
    seller_name, seller_kind, slug, name, name_en, photos, certifications, batch = row[count:]
    listing.seller = Seller(id=listing.seller_id, name=seller_name, kind=seller_kind)
    listing.category = Category(id=listing.category_id, slug=slug, name=name, name_en=name_en)
    return ProductPage(
        listing=listing,
        photos=[PhotoShown(pk=p["id"], renditions=p["renditions"]) for p in photos or []],
        certifications=[
            CertificationShown(kind=c["kind"], certificate_number=c["number"])
            for c in certifications or []
        ],
        batch=BatchShown(code=batch["code"], batch_code=batch["batch_code"]) if batch else None,
    )


def listing_photo_get_public(*, photo_id: int) -> ListingPhoto | None:
    """A photo of an approved listing of the current county (its schema only), else None."""
    return (
        ListingPhoto.objects.filter(pk=photo_id, listing__state=Listing.State.APPROVED)
        .only("pk", "original", "renditions", "renditions_ready")
        .first()
    )


def category_get_active(*, slug: str) -> Category | None:
    return (
        Category.objects.filter(slug=slug, is_active=True)
        .select_related("parent")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=Category.objects.filter(is_active=True).order_by("sort_order", "pk"),
                to_attr="active_children",
            )
        )
        .first()
    )


def category_list_top() -> list[Category]:
    """Top-level active categories, in the province's order: tiles and suggestions."""
    return list(Category.objects.filter(parent=None, is_active=True).order_by("sort_order", "pk"))


def category_list_by_slugs(*, slugs: list[str]) -> list[Category]:
    """Active categories among `slugs`, in the order given."""
    found = {c.slug: c for c in Category.objects.filter(slug__in=slugs, is_active=True)}
    return [found[slug] for slug in slugs if slug in found]


def _category_ids(category: Category) -> list[int]:
    children = getattr(category, "active_children", None)
    if children is None:
        children = list(category.children.filter(is_active=True))
    return [category.pk, *(child.pk for child in children)]


def listing_catalogue(*, filters: CatalogueFilters) -> QuerySet[Listing]:
    """Approved listings narrowed by `filters`, sorted. A top-level category includes its
    sub-categories; prices are in fen, inclusive."""
    listings = listing_live_queryset()
    if filters.category is not None:
        listings = listings.filter(category_id__in=_category_ids(filters.category))
    if filters.price_min_fen is not None:
        listings = listings.filter(price_fen__gte=filters.price_min_fen)
    if filters.price_max_fen is not None:
        listings = listings.filter(price_fen__lte=filters.price_max_fen)
    if filters.certification:
        listings = listings.filter(certifications__kind=filters.certification)
    if filters.village:
        listings = listings.filter(origin_village=filters.village)
    ordering = Sort.ORDERING.get(filters.sort, Sort.ORDERING[Sort.NEWEST])
    return listings.order_by(*ordering)


def village_list(*, category: Category | None = None) -> list[str]:
    """Origin villages of approved listings (in a category), for the village filter."""
    listings = Listing.objects.filter(state=Listing.State.APPROVED).exclude(origin_village="")
    if category is not None:
        listings = listings.filter(category_id__in=_category_ids(category))
    return list(
        listings.order_by("origin_village").values_list("origin_village", flat=True).distinct()
    )


# ------------------------------------------------------------------------------------------
# Search
# ------------------------------------------------------------------------------------------
class SearchRank:
    """Better matches first; the order the storefront promises (issue 4)."""

    TITLE_EXACT = 0
    TITLE_PREFIX = 1
    TITLE_SUBSTRING = 2
    PINYIN_INITIALS = 3
    PINYIN_FULL = 4
    OTHER_TEXT = 5  # description, origin village, seller (Chinese, or their pinyin)


def search_listings(*, q: str, limit: int = SEARCH_LIMIT_DEFAULT) -> list[Listing]:
    """Approved listings matching `q`, best first, at most `limit` (capped at
    SEARCH_LIMIT_MAX). Each listing carries `search_rank` (a SearchRank value).

    Chinese is matched as a substring of the title, then of the description, origin village
    and seller's name. A query typed in latin letters also matches the title's pinyin initials
    (bc -> 白茶) and full pinyin (baicha -> 白茶), then the village's and seller's pinyin.
    Within a rank an earlier match comes first, then a shorter title, then the newest.
    Pinyin comes from ListingSearchEntry rows (county_sites.storefront.services.
    listing_search_entry_refresh); a listing without one is still found by its Chinese text.
    """
    q = query_normalise(q)
    if not q:
        return []
    limit = max(1, min(int(limit), SEARCH_LIMIT_MAX))
    latin = query_as_pinyin(q)

    whens = [
        When(title__iexact=q, then=Value(SearchRank.TITLE_EXACT)),
        When(title__istartswith=q, then=Value(SearchRank.TITLE_PREFIX)),
        When(title__icontains=q, then=Value(SearchRank.TITLE_SUBSTRING)),
    ]
    position = StrIndex(F("title"), Value(q))
    if latin:
        whens += [
            When(
                search_entry__title_initials__contains=latin,
                then=Value(SearchRank.PINYIN_INITIALS),
            ),
            When(search_entry__title_pinyin__contains=latin, then=Value(SearchRank.PINYIN_FULL)),
        ]
        position = Case(
            When(
                search_entry__title_initials__contains=latin,
                then=StrIndex(F("search_entry__title_initials"), Value(latin)),
            ),
            When(
                search_entry__title_pinyin__contains=latin,
                then=StrIndex(F("search_entry__title_pinyin"), Value(latin)),
            ),
            default=StrIndex(F("title"), Value(q)),
        )
    other = (
        Q(description__icontains=q) | Q(origin_village__icontains=q) | Q(seller__name__icontains=q)
    )
    if latin:
        other |= Q(search_entry__other_pinyin__contains=latin) | Q(
            search_entry__other_initials__contains=latin
        )
    whens.append(When(other, then=Value(SearchRank.OTHER_TEXT)))

    results = (
        listing_live_queryset()
        .annotate(
            search_rank=Case(*whens, default=None, output_field=IntegerField()),
            search_position=position,
            title_length=Length("title"),
        )
        .filter(search_rank__isnull=False)
        .order_by("search_rank", "search_position", "title_length", "-approved_at", "-pk")
    )
    return list(results[:limit])


def seller_shop_listings(*, seller_id: int) -> list[Listing]:
    """A seller's approved listings, newest first, for their shop page (/s/<id>/). Empty for
    a seller with nothing approved, or another county's id: the page is a 404 then, so the
    shop of a seller still in review is not public."""
    return list(listing_live_queryset().filter(seller_id=seller_id).order_by("-approved_at", "-pk"))
