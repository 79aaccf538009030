"""GET /catalogue/categories/, /catalogue/listings/, /catalogue/listings/{id}/ and /search/:
public, approved listings of this county only, through county_sites.catalogue.selectors."""

from django.http import Http404
from ninja import Query, Router
from ninja.pagination import paginate

from core.errors import ApplicationError
from county_sites.api.errors import MSG_CATEGORY_UNKNOWN, MSG_CERTIFICATION_UNKNOWN
from county_sites.api.pagination import PagePagination
from county_sites.api.schemas.catalogue import (
    CategoryOut,
    ListingCard,
    ListingDetail,
    ListingFilters,
    SearchOut,
)
from county_sites.api.schemas.common import ErrorOut, Id
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
from hub.vocabulary import certification_choices

router = Router(tags=["catalogue"])


@router.get("/catalogue/categories/", response=list[CategoryOut], auth=None)
def categories(request):
    return category_tree()


@router.get("/catalogue/listings/", response={200: list[ListingCard], 400: ErrorOut}, auth=None)
@paginate(PagePagination)
def listings(request, filters: Query[ListingFilters]):
    category = None
    if filters.category:
        category = category_get_active(slug=filters.category)
        if category is None:
            raise ApplicationError(MSG_CATEGORY_UNKNOWN, field="category")
    if filters.certification and filters.certification not in dict(certification_choices()):
        raise ApplicationError(MSG_CERTIFICATION_UNKNOWN, field="certification")
    return listing_catalogue(
        filters=CatalogueFilters(
            category=category,
            price_min_fen=filters.min_price,
            price_max_fen=filters.max_price,
            certification=filters.certification or "",
            village=filters.village or "",
            sort=filters.sort,
        )
    )


@router.get(
    "/catalogue/listings/{listing_id}/",
    response={200: ListingDetail, 404: ErrorOut},
    auth=None,
)
def listing(request, listing_id: Id):
    found = listing_get_live(listing_id=listing_id)
    if found is None:
        raise Http404
    return found


@router.get("/search/", response=SearchOut, auth=None)
def search(request, q: str = ""):
    """Chinese substring and pinyin (全拼 or 首字母: `baicha`, `bc` find 白茶), best first.
    No results: the top-level categories to browse instead (as the search page does)."""
    q = query_normalise(q)
    results = search_listings(q=q, limit=SEARCH_LIMIT_DEFAULT) if q else []
    suggested = category_list_top() if q and not results else []
    return {"q": q, "results": results, "suggested_categories": suggested}
