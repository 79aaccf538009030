"""What every console page shares: who gets in."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from service_points.selectors import clerk_point_for_user


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
