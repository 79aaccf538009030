"""Catalogue URLs of a county host; included above Wagtail's catch-all (config.urls_county)."""

from django.urls import path, re_path

from county_sites.catalogue import views
from county_sites.catalogue.photos import VERSION_LENGTH

app_name = "catalogue"

urlpatterns = [
    path("c/<slug:slug>/", views.category_detail, name="category"),
    path("p/<int:listing_id>/", views.listing_detail, name="listing"),
    path("s/<int:seller_id>/", views.seller_shop, name="seller_shop"),
    path("search/", views.search, name="search"),
    # Built by catalogue.photos.rendition_url; nothing from the path reaches the file system.
    re_path(
        r"^media/listings/(?P<photo_id>[0-9]{1,18})/(?P<rendition>[a-z]{1,16})"
        rf"-(?P<version>[0-9a-f]{{{VERSION_LENGTH}}})\.webp$",
        views.listing_photo_file,
        name="listing_photo",
    ),
]
