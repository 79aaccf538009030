"""Each worker process's memory of a county's Wagtail Site and its root page's row (issue 13).

Wagtail serves a page by finding the request's Site (one query, the root page joined), then
the page itself. A county has one Site that changes when the county is set up; like the
host -> county memory (hub.host_cache) the Site is kept FENGSHOU_HOST_CACHE_SECONDS, and a
Site saved or deleted in this process clears it at once (other processes: within that time).

Only the rows are kept. Each request gets new instances built from them, so nothing a
request caches on them (a page's `specific`, the content itself, read fresh every time) is
ever seen by another request.
"""

import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, Site

# (schema, host, port) -> (expires at, monotonic; site row, root page row)
_sites: dict[tuple[str, str, str], tuple[float, tuple, tuple]] = {}
MAX_ENTRIES = 512  # a county has a few host names; any Host header can reach here


def _row(instance) -> tuple:
    return tuple(getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields)


def _instance(model, row: tuple):
    names = [f.attname for f in model._meta.concrete_fields]
    return model.from_db(DEFAULT_DB_ALIAS, names, row)


def site_cache_clear(**_kwargs) -> None:
    _sites.clear()


post_save.connect(site_cache_clear, sender=Site, dispatch_uid="storefront_site_cache_save")
post_delete.connect(site_cache_clear, sender=Site, dispatch_uid="storefront_site_cache_delete")


def _site_for(request):
    ttl = settings.FENGSHOU_HOST_CACHE_SECONDS
    if ttl <= 0:
        return None
    now = time.monotonic()
    key = (request.tenant.schema_name, request._get_raw_host(), request.get_port())
    entry = _sites.get(key)
    if entry is None or entry[0] <= now:
        site = Site._find_for_request(request)  # Wagtail's own lookup; None if no site
        if site is None:
            return None
        if len(_sites) >= MAX_ENTRIES:
            _sites.clear()
        entry = (now + ttl, _row(site), _row(site.root_page))
        _sites[key] = entry
    site = _instance(Site, entry[1])
    site.root_page = _instance(Page, entry[2])
    return site


class WagtailSiteCacheMiddleware:
    """Place after PageCacheMiddleware (a cached page needs no Site). Only for Wagtail's page
    serving; sets the request's Site where Wagtail looks for it first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "__module__", "") != "wagtail.views":
            return None
        if getattr(request, "tenant", None) is None or hasattr(request, "_wagtail_site"):
            return None
        site = _site_for(request)
        if site is not None:
            request._wagtail_site = site  # read by Site.find_for_request
        return None
