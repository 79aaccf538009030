"""The province portal on the hub host: the province catalogue's home page and search."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.page_cache import as_int, as_search_text, page_cacheable
from hub.models import Category
from hub.selectors import county_list_active, county_primary_domain
from hub.selectors.catalogue import county_hosts, province_listing_search, province_specialities


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else None


@require_safe
@page_cacheable(
    seconds=settings.FENGSHOU_PORTAL_CACHE_SECONDS,
    # What the view reads, canonical as it reads them (_int_param, query_normalise).
    params=(("q", as_search_text), ("county", as_int), ("category", as_int), ("page", as_int)),
)
def portal(request):
    """Specialities picked by the province, a search over every county's approved listings
    (characters or pinyin), filters by county and category, and the counties' own sites."""
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    hosts = county_hosts(scheme=request.scheme, port_suffix=suffix)
    counties = [
        {"county": county, "url": f"{request.scheme}://{domain}{suffix}/"}
        for county in county_list_active()
        if (domain := county_primary_domain(county))
    ]
    q = request.GET.get("q", "")
    county_id = _int_param(request, "county")
    category_id = _int_param(request, "category")
    page = _int_param(request, "page") or 1
    searching = bool(q.strip() or county_id or category_id or page > 1)
    search = province_listing_search(
        hosts=hosts, q=q, county_id=county_id, category_id=category_id, page=page
    )
    context = {
        "counties": counties,
        "categories": Category.objects.filter(is_active=True, parent__isnull=True),
        "search": search,
        "searching": searching,
        "county_id": county_id,
        "category_id": category_id,
        "specialities": [] if searching else province_specialities(hosts=hosts),
    }
    return render(request, "hub/portal.html", context)
