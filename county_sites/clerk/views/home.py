"""The console's home: today's work at the clerk's point."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from county_sites.clerk.selectors import console_today
from county_sites.clerk.views.base import clerk_required
from county_sites.orders.selectors import point_deliveries_to_receive
from service_points.selectors import service_point_settings_get


@clerk_required
@require_http_methods(["GET"])
def console_home(request: HttpRequest) -> HttpResponse:
    """Today at the clerk's point: deliveries to receive, parcels on their way, parcels
    waiting, orders waiting for the buyer's confirmation."""
    return render(
        request,
        "clerk/console/home.html",
        {
            "point": request.point,
            "today": console_today(point=request.point),
            "hold_days": service_point_settings_get().parcel_hold_days,
            "to_receive": point_deliveries_to_receive(point=request.point),
        },
    )
