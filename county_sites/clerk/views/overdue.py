"""Parcels not collected within the hold: the list, and returning one to the county."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from core.errors import ApplicationError
from county_sites.clerk.selectors import clerk_overdue_parcels, clerk_parcel_get
from county_sites.clerk.views.base import clerk_required
from county_sites.orders.models import Order
from county_sites.orders.selectors import order_lines_to_hand_over, order_return_refund_due
from county_sites.orders.services import MSG_NOT_FOUND_HERE, order_return
from service_points.selectors import service_point_settings_get


@clerk_required
@require_http_methods(["GET"])
def console_overdue(request: HttpRequest) -> HttpResponse:
    """The point's parcels waiting the hold or longer, each with its way back to the county;
    after a return (?returned=<number>) a line saying it is done."""
    hold_days = service_point_settings_get().parcel_hold_days
    returned = clerk_parcel_get(point=request.point, number=request.GET.get("returned", ""))
    return render(
        request,
        "clerk/console/overdue.html",
        {
            "point": request.point,
            "hold_days": hold_days,
            "parcels": clerk_overdue_parcels(point=request.point, hold_days=hold_days),
            "returned": returned if returned and returned.state == Order.State.RETURNED else None,
        },
    )


@clerk_required
@require_http_methods(["GET", "POST"])
def console_return(request: HttpRequest) -> HttpResponse:
    """One overdue parcel: what goes back and what is refunded (GET), then the return itself
    (POST, then back to the list). A refusal shows the page again with the reason (400);
    another point's order is "not found here"."""
    data = request.POST if request.method == "POST" else request.GET
    number = (data.get("order") or "").strip()
    order = clerk_parcel_get(point=request.point, number=number)
    context = {"point": request.point, "order": order, "error": None}
    if order is not None:
        context.update(
            lines=order_lines_to_hand_over(order=order), refund_fen=order_return_refund_due(order)
        )
    try:
        if order is None:
            raise ApplicationError(MSG_NOT_FOUND_HERE, field="order")
        if request.method == "POST":
            order_return(actor=request.user, order=order)
            query = urlencode({"returned": order.number})
            return HttpResponseRedirect(f"{reverse('clerk:console_overdue')}?{query}")
    except ApplicationError as error:
        context["error"] = error.message
        return render(request, "clerk/console/return.html", context, status=400)
    return render(request, "clerk/console/return.html", context)
