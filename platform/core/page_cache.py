"""How a view opts in to the page cache for anonymous visitors (the cache itself is
county_sites.storefront.page_cache.PageCacheMiddleware, for county hosts and the hub host).

Here, in core, so the province portal (hub, which imports no county app) opts in the same way
as the storefront: a marked view is looked up, a marked response is stored. `seconds` keeps a
response shorter than FENGSHOU_PAGE_CACHE_SECONDS: the portal's pages are never purged, they
expire (the province catalogue changes with every county's listings).
"""

from functools import wraps


def page_cache_mark(response, *, seconds: int | None = None):
    response.page_cacheable = True
    if seconds is not None:
        response.page_cache_seconds = seconds
    return response


def page_cacheable(view=None, *, seconds: int | None = None):
    """Decorator, bare or with `seconds`: this view's responses may be cached for anonymous
    visitors."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return page_cache_mark(view(request, *args, **kwargs), seconds=seconds)

        # Read by the middleware's process_view: only such views are looked up in the cache.
        wrapped.page_cacheable = True
        return wrapped

    return decorate(view) if view is not None else decorate
