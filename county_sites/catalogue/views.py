"""Catalogue pages of a county host: /c/<slug>/, /p/<id>/ and /search/. Thin: parse the query
string, call county_sites.catalogue.selectors, render. Only approved listings of the current
county (request.tenant's schema) exist here; anything else is a 404."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.media import media_response
from core.page_cache import as_int
from county_sites.catalogue.forms import CatalogueFilterForm
from county_sites.catalogue.photos import rendition_entry
from county_sites.catalogue.search import query_normalise
from county_sites.catalogue.selectors import (
    SEARCH_LIMIT_DEFAULT,
    category_get_active,
    category_list_top,
    listing_catalogue,
    listing_get_for_product_page,
    listing_photo_get_public,
    search_listings,
    seller_shop_listings,
    village_list,
)
from county_sites.storefront.page_cache import page_cacheable

LISTINGS_PER_PAGE = 20
# What the category page reads (CatalogueFilterForm's fields and the page number): only these
# make its page-cache key; any other parameter is redirected away (storefront.page_cache).
CATEGORY_PARAMS = (
    "sort",
    "category",
    "price_min",
    "price_max",
    "certification",
    "village",
    ("page", as_int),
)
# The URL changes with the file (catalogue.photos): a year, and never revalidated.
PHOTO_CACHE_CONTROL = "public, max-age=31536000, immutable"


@page_cacheable(params=CATEGORY_PARAMS)
def category_detail(request, slug: str):
    category = category_get_active(slug=slug)
    if category is None:
        raise Http404
    form = CatalogueFilterForm(
        request.GET, category=category, villages=village_list(category=category)
    )
    listings = listing_catalogue(filters=form.filters())
    page = Paginator(listings, LISTINGS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "county_sites/catalogue/category_detail.html",
        {
            "category": category,
            "form": form,
            "page_obj": page,
            "listings": page.object_list,
            "query_without_page": query.urlencode(),
        },
    )


@page_cacheable
def listing_detail(request, listing_id: int):
    page = listing_get_for_product_page(listing_id=listing_id)
    if page is None:
        raise Http404
    # Jinja2 (county_sites/storefront/jinja2/): the page has to render fast uncached
    # (docs/adr/0011).
    return render(
        request,
        "county_sites/catalogue/listing_detail.html",
        {
            "listing": page.listing,
            "photos": page.photos,
            "certifications": page.certifications,
            "batch": page.batch,
        },
        using="jinja2",
    )


@page_cacheable
def seller_shop(request, seller_id: int):
    """A seller's shop: who they are and their approved listings."""
    listings = seller_shop_listings(seller_id=seller_id)
    if not listings:
        raise Http404
    return render(
        request,
        "county_sites/catalogue/seller_shop.html",
        {"seller": listings[0].seller, "listings": listings},
    )


def search(request):
    """Not page-cached: every query string would be an entry."""
    q = query_normalise(request.GET.get("q", ""))
    results = search_listings(q=q, limit=SEARCH_LIMIT_DEFAULT) if q else []
    return render(
        request,
        "county_sites/catalogue/search.html",
        {
            "q": q,
            "listings": results,
            "suggested_categories": category_list_top() if q and not results else [],
        },
    )


@require_safe
def listing_photo_file(request, photo_id: str, rendition: str, version: str):
    """A WebP rendition of an approved listing's photo, from the county's media storage."""
    photo = listing_photo_get_public(photo_id=int(photo_id))
    entry = rendition_entry(photo, rendition, version) if photo is not None else None
    if entry is None:
        raise Http404
    return media_response(
        request,
        photo.original.storage,
        entry["path"],
        content_type="image/webp",
        cache_control=PHOTO_CACHE_CONTROL,
    )
