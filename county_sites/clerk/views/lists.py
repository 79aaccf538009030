"""The console's lists in full, a page at a time: the home shows only the first few."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from county_sites.clerk.selectors import (
    LIST_PAGE_SIZE,
    LISTS,
    point_list_orders,
    waiting_parcels,
)
from county_sites.clerk.views.base import clerk_required
from service_points.selectors import service_point_settings_get


@clerk_required
@require_http_methods(["GET"])
def console_list(request: HttpRequest, which: str) -> HttpResponse:
    """One list ("waiting", "incoming" or "confirm") of the clerk's point, LIST_PAGE_SIZE
    orders a page; a page number past the end shows the last page."""
    if which not in LISTS:
        raise Http404
    paginator = Paginator(point_list_orders(point=request.point, which=which), LIST_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    orders = list(page.object_list)
    return render(
        request,
        "clerk/console/list.html",
        {
            "point": request.point,
            "which": which,
            "page": page,
            "orders": orders,
            "parcels": waiting_parcels(orders) if which == "waiting" else [],
            "hold_days": service_point_settings_get().parcel_hold_days,
        },
    )
