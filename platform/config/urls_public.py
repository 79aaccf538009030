"""URLs of the hub host (public schema): the province portal and the province admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from core.health import StaffHealthView
from hub.views import portal

urlpatterns = [
    path("", portal, name="portal"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Each probe of /health/ (core.health.HealthMiddleware), for province staff only.
    path("health/detail/", StaffHealthView.as_view(), name="health_detail"),
]
# Development and tests only: production refuses to start with it (settings/production.py).
if settings.FENGSHOU_SANDBOX_BANK:
    urlpatterns.append(path("sandbox-bank/", include("sandbox_bank.urls")))
