"""GET /catalogue/categories/, /catalogue/listings/, /catalogue/listings/{id}/ and /search/:
public, approved listings of this county only, through county_sites.catalogue.selectors."""

from django.http import Http404
from ninja import Query, Router

from core.errors import ApplicationError
from county_sites.api import schemas
from county_sites.api.errors import MSG_CATEGORY_UNKNOWN
from county_sites.api.selectors import category_tree
from county_sites.catalogue.search import query_normalise
from county_sites.catalogue.selectors import (
    SEARCH_LIMIT_DEFAULT,
    CatalogueFilters,
    category_get_active,
    category_list_top,
    listing_catalogue,
    listing_get_live,
    search_listings,
)

router = Router(tags=["catalogue"])


@router.get("/catalogue/categories/", response=list[schemas.CategoryOut], auth=None)
def categories(request):
    return [schemas.category_out(category) for category in category_tree()]


@router.get(
    "/catalogue/listings/",
    response={200: schemas.ListingPage, 400: schemas.ErrorOut},
    auth=None,
)
def listings(request, filters: Query[schemas.ListingFilters]):
    category = None
    if filters.category:
        category = category_get_active(slug=filters.category)
        if category is None:
            raise ApplicationError(MSG_CATEGORY_UNKNOWN, field="category")
    queryset = listing_catalogue(
        filters=CatalogueFilters(
            category=category,
            price_min_fen=filters.min_price,
            price_max_fen=filters.max_price,
            certification=filters.certification or "",
            village=filters.village or "",
            sort=filters.sort,
        )
    )
    return schemas.page_of(
        queryset, page=filters.page, page_size=schemas.PAGE_SIZE, serialize=schemas.listing_card
    )


@router.get(
    "/catalogue/listings/{listing_id}/",
    response={200: schemas.ListingDetail, 404: schemas.ErrorOut},
    auth=None,
)
def listing(request, listing_id: schemas.Id):
    found = listing_get_live(listing_id=listing_id)
    if found is None:
        raise Http404
    return schemas.listing_detail(found)


@router.get("/search/", response=schemas.SearchOut, auth=None)
def search(request, q: str = ""):
    """Chinese substring and pinyin (全拼 or 首字母: `baicha`, `bc` find 白茶), best first.
    No results: the top-level categories to browse instead (as the search page does)."""
    q = query_normalise(q)
    results = search_listings(q=q, limit=SEARCH_LIMIT_DEFAULT) if q else []
    suggested = category_list_top() if q and not results else []
    return {
        "q": q,
        "results": [schemas.listing_card(listing) for listing in results],
        "suggested_categories": [schemas.category_ref(category) for category in suggested],
    }
