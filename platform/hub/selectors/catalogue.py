"""Reads of the province catalogue for the hub portal: curated specialities and search.

Each returns plain rows with everything a card shows (county name, its host, category), in
a fixed number of queries whatever the number of listings.
"""

from dataclasses import dataclass

from django.db.models import Case, Q, QuerySet, Value, When

from core.pinyin import query_as_pinyin, query_normalise
from hub.models import County, CountyDomain, ProvinceListing, ProvinceSpeciality

PAGE_SIZE = 24
SPECIALITIES_SHOWN = 12


@dataclass(frozen=True)
class CatalogueCard:
    listing: ProvinceListing
    county_name: str
    url: str  # the county's product page, where the order is placed
    photo_url: str  # "" without a photo
    note: str = ""


@dataclass(frozen=True)
class CatalogueSearch:
    q: str
    cards: list[CatalogueCard]
    has_next: bool
    page: int


def county_hosts(*, scheme: str, port_suffix: str) -> dict[int, str]:
    """`http://anji.localhost:8000` by county id, for active counties with a primary domain
    (one query)."""
    domains = CountyDomain.objects.filter(
        is_primary=True, tenant__status=County.Status.ACTIVE, tenant__is_template=False
    ).values_list("tenant_id", "domain")
    return {county_id: f"{scheme}://{domain}{port_suffix}" for county_id, domain in domains}


def _visible(hosts: dict[int, str]) -> QuerySet[ProvinceListing]:
    # Suspended counties' listings stay indexed but are not shown: their hosts answer with
    # the suspended page, where nobody can order.
    return ProvinceListing.objects.filter(county_id__in=list(hosts)).select_related(
        "county", "category"
    )


def _card(listing: ProvinceListing, hosts: dict[int, str], note: str = "") -> CatalogueCard:
    host = hosts[listing.county_id]
    return CatalogueCard(
        listing=listing,
        county_name=listing.county.display_name,
        url=f"{host}/p/{listing.listing_id}/",
        photo_url=f"{host}{listing.photo_path}" if listing.photo_path else "",
        note=note,
    )


def province_specialities(*, hosts: dict[int, str]) -> list[CatalogueCard]:
    """The province operator's picks, in their order, only those still in the catalogue."""
    picks = (
        ProvinceSpeciality.objects.filter(listing__county_id__in=list(hosts))
        .select_related("listing__county", "listing__category")
        .order_by("sort_order", "pk")[:SPECIALITIES_SHOWN]
    )
    return [_card(pick.listing, hosts, pick.note) for pick in picks]


def _query_filter(q: str) -> Q:
    """Every word of the query must match: characters as typed, or pinyin / initials
    compacted ("Bai Cha" -> baicha, "bc")."""
    latin = query_as_pinyin(q)
    if latin:
        return Q(search_text__contains=latin)
    condition = Q()
    for word in q.lower().split():
        condition &= Q(search_text__contains=word)
    return condition


def province_listing_search(
    *,
    hosts: dict[int, str],
    q: str = "",
    county_id: int | None = None,
    category_id: int | None = None,
    page: int = 1,
) -> CatalogueSearch:
    """Approved listings of every active county matching the query and filters, in-stock
    first; a top-level category includes its subcategories."""
    q = query_normalise(q)
    listings = _visible(hosts)
    if q:
        listings = listings.filter(_query_filter(q))
    if county_id:
        listings = listings.filter(county_id=county_id)
    if category_id:
        listings = listings.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
    page = max(page, 1)
    start = (page - 1) * PAGE_SIZE
    # One row more than a page tells whether there is a next page without a COUNT(*).
    sold_out_last = Case(When(stock__gt=0, then=Value(0)), default=Value(1))
    # Sorted as bare ids first, then the page's rows fetched whole: sorting every match with
    # its county and category joined on took most of an uncached search's time (bench/rollup.py,
    # 1,500 listings: the sort's rows were 1.5 KB wide; ids sort in a tenth of it).
    ids = list(
        listings.order_by(sold_out_last, "county__code", "-listing_id").values_list(
            "pk", flat=True
        )[start : start + PAGE_SIZE + 1]
    )
    found = {row.pk: row for row in _visible(hosts).filter(pk__in=ids)}
    rows = [found[pk] for pk in ids if pk in found]
    return CatalogueSearch(
        q=q,
        cards=[_card(listing, hosts) for listing in rows[:PAGE_SIZE]],
        has_next=len(rows) > PAGE_SIZE,
        page=page,
    )
