"""The county and hub URLconfs with one view that fails, for the 500 page's tests."""

from django.urls import path

from config.urls_county import urlpatterns as county_patterns
from config.urls_public import urlpatterns as public_patterns


def boom(request):
    raise RuntimeError("a bug, for the 500 page")


county = [path("boom/", boom), *county_patterns]
public = [path("boom/", boom), *public_patterns]
