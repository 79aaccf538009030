"""The clerk's console on a county host (/clerk/): a shared tablet at the village store, no
JavaScript needed.

Only a signed-in active clerk of an open service point gets in, and sees that point only:
anyone not signed in goes to the phone login and comes back here; a signed-in user who is not
(or no longer) such a clerk gets a 403 page that says why.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.errors import ApplicationError
from county_sites.clerk.selectors import clerk_parcel_get, console_today
from county_sites.orders.services import MSG_NOT_FOUND_HERE, order_hand_over
from service_points.selectors import clerk_point_for_user, service_point_settings_get


def clerk_required(view):
    """Let in only an active clerk of an open point, with the point as `request.point`."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("accounts:login"))
        point = clerk_point_for_user(user=request.user)
        if point is None:
            return render(request, "clerk/console/forbidden.html", status=403)
        request.point = point
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


@clerk_required
@require_http_methods(["GET"])
def console_home(request: HttpRequest) -> HttpResponse:
    """Today at the clerk's point: parcels on their way, parcels waiting, orders waiting for
    the buyer's confirmation."""
    return render(
        request,
        "clerk/console/home.html",
        {
            "point": request.point,
            "today": console_today(point=request.point),
            "hold_days": service_point_settings_get().parcel_hold_days,
        },
    )


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
            "cash_fen": 0 if handed.is_online else handed.total_fen,
            "collected_by_name": context["collected_by_name"],
            "relation": context["relation"],
        },
    )
