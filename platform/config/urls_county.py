"""URLs of a county host (the county's schema): its Wagtail site and Wagtail admin."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.views import handoff_view
from county_sites.api.api import api
from county_sites.storefront.views import public_media

urlpatterns = [
    # A province operator's hand-off from the hub (hub.services.handoff), before Wagtail's
    # admin URLs.
    path("admin/handoff/<str:token>/", handoff_view, name="county_handoff"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("account/", include("accounts.urls")),
    path("", include("county_sites.credit.urls")),
    path("", include("farmers.urls")),
    path("", include("county_sites.catalogue.urls")),
    path("", include("county_sites.orders.urls")),
    path("", include("county_sites.clerk.urls")),
    path("payments/", include("county_sites.payments.urls")),
    path("api/v1/", api.urls),
    # Wagtail's images of this county (listing renditions are catalogue.urls' /media/listings/).
    path("media/<str:schema>/<path:name>", public_media, name="public_media"),
    # Wagtail's page serving comes last: it answers every other path.
    path("", include(wagtail_urls)),
]
