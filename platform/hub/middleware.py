"""Which county a request is for, decided by its host name.

- the hub hosts (FENGSHOU_HUB_HOSTS) -> public schema, province urls;
- a county's domain -> that county's schema and urls, or 503 if the county is suspended;
- anything else -> 404 (never the hub).
"""

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import set_urlconf
from django.utils import translation
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name
from wagtail.contrib.redirects.middleware import RedirectMiddleware

from hub.host_cache import county_for_host


def _page(request, template: str, status: int, context: dict | None = None) -> HttpResponse:
    # Rendered before LocaleMiddleware has run, so pick the language here.
    language = translation.get_language_from_request(request)
    with translation.override(language):
        html = render_to_string(template, {"LANGUAGE_CODE": language, **(context or {})})
    response = HttpResponse(html, status=status)
    response["Content-Language"] = language
    return response


class CountyMiddleware(TenantMainMiddleware):
    def process_request(self, request):
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            return _page(request, "hub/unknown_host.html", 404)

        if hostname in settings.FENGSHOU_HUB_HOSTS:
            connection.set_schema_to_public()
            request.tenant = connection.tenant
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            set_urlconf(request.urlconf)
            return None

        # No schema switch needed for the lookup: hub tables exist only in public, which is
        # on every county's search_path too.
        county = county_for_host(hostname)
        if county is None:
            return _page(request, "hub/unknown_host.html", 404)
        if not county.is_active:
            response = _page(request, "hub/county_suspended.html", 503, {"county": county})
            response["Retry-After"] = "3600"
            return response

        county.domain_url = hostname
        request.tenant = county
        connection.set_tenant(county)
        request.urlconf = settings.ROOT_URLCONF
        set_urlconf(request.urlconf)
        return None


class CountyRedirectMiddleware(RedirectMiddleware):
    """Wagtail's redirects exist only in county schemas; on the hub they would raise."""

    def process_response(self, request, response):
        if connection.schema_name == get_public_schema_name():
            return response
        return super().process_response(request, response)
