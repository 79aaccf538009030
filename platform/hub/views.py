"""The province portal on the hub host."""

from django.shortcuts import render

from hub.selectors import county_list_active, county_primary_domain


def portal(request):
    port = request.get_port()
    suffix = "" if port in ("80", "443") else f":{port}"
    scheme = request.scheme
    counties = [
        {
            "county": county,
            "url": f"{scheme}://{domain}{suffix}/",
        }
        for county in county_list_active()
        if (domain := county_primary_domain(county))
    ]
    return render(request, "hub/portal.html", {"counties": counties})
