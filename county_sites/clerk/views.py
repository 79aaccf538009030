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

from county_sites.clerk.selectors import console_today
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
