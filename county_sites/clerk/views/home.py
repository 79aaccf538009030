"""The console's home: today's work at the clerk's point."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from county_sites.clerk.selectors import console_today
from county_sites.clerk.views.base import clerk_required
from county_sites.ledger.selectors import till_expected
from county_sites.orders.selectors import point_deliveries_to_receive
from service_points.selectors import service_point_settings_get


@clerk_required
@require_http_methods(["GET"])
def console_home(request: HttpRequest) -> HttpResponse:
    """Today at the clerk's point: deliveries to receive, parcels on their way, parcels
    waiting, orders waiting for the buyer's confirmation, the cash the till should hold; and
    the box that opens a villager's basket by mobile number."""
    return home_render(request)


def home_render(request: HttpRequest, *, order_error="", status: int = 200) -> HttpResponse:
    """The home page; `order_error`: why the mobile box found no villager (a 400)."""
    return render(
        request,
        "clerk/console/home.html",
        {
            "point": request.point,
            "today": console_today(point=request.point),
            "hold_days": service_point_settings_get().parcel_hold_days,
            "order_error": order_error,
            "order_mobile": request.GET.get("mobile", "") if order_error else "",
            "till_expected_fen": till_expected(point=request.point),
            "to_receive": point_deliveries_to_receive(point=request.point),
        },
        status=status,
    )
