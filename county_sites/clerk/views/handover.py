"""Handing a parcel over by its pickup code."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.errors import ApplicationError
from county_sites.clerk.selectors import clerk_parcel_get
from county_sites.clerk.views.base import clerk_required
from county_sites.orders.selectors import order_cash_due
from county_sites.orders.services import MSG_NOT_FOUND_HERE, order_hand_over


@clerk_required
@require_http_methods(["GET", "POST"])
def console_handover(request: HttpRequest) -> HttpResponse:
    """Hand a parcel over: the order (from the home's list, or typed from the buyer's SMS),
    the pickup code the buyer says, and who collects it if not the buyer. Success shows what
    to hand over and the cash to take; a refusal shows the form again with the reason (400).
    An order of another point is "not found here", like an unknown number."""
    data = request.POST if request.method == "POST" else request.GET
    number = (data.get("order") or "").strip()
    order = clerk_parcel_get(point=request.point, number=number)
    context = {
        "point": request.point,
        "number": number,
        "order": order,
        "collected_by_name": (data.get("collected_by_name") or "").strip(),
        "relation": (data.get("relation") or "").strip(),
        "error": None,
    }
    if request.method == "GET":
        if number and order is None:
            context["error"] = MSG_NOT_FOUND_HERE
            return render(request, "clerk/console/handover.html", context, status=400)
        return render(request, "clerk/console/handover.html", context)
    try:
        if order is None:
            raise ApplicationError(MSG_NOT_FOUND_HERE, field="order")
        handed = order_hand_over(
            clerk_user=request.user,
            order=order,
            pickup_code=request.POST.get("pickup_code", ""),
            collected_by_name=context["collected_by_name"],
            relation=context["relation"],
        )
    except ApplicationError as error:
        context["error"] = error.message
        return render(request, "clerk/console/handover.html", context, status=400)
    return render(
        request,
        "clerk/console/handed_over.html",
        {
            "point": request.point,
            "order": handed,
            "cash_fen": order_cash_due(handed),
            "collected_by_name": context["collected_by_name"],
            "relation": context["relation"],
        },
    )
