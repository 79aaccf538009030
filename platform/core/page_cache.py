"""How a view opts in to the page cache for anonymous visitors (the cache itself is
county_sites.storefront.page_cache.PageCacheMiddleware, for county hosts and the hub host),
and which of its query parameters make the cache key.

Here, in core, so the province portal (hub, which imports no county app) opts in the same way
as the storefront: a marked view is looked up, a marked response is stored. `seconds` keeps a
response shorter than FENGSHOU_PAGE_CACHE_SECONDS: the portal's pages are never purged, they
expire (the province catalogue changes with every county's listings).

Query parameters (issue 13): a cacheable view declares the ones it reads,
`page_cacheable(params=("sort", ("page", as_int)))`; only those make the key, normalised by
`page_cache_query`: sorted by name, empty values dropped (every view here treats `?sort=` as
no sort), each value passed through its canonicaliser. A canonicaliser maps a value to the
text that renders the same page (`as_int`: "02" -> "2"), or None when it cannot say: that
request is rendered uncached. Only values the view itself treats as equal may share a key,
which is why the default keeps the value as sent.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from core.pinyin import query_normalise

Canonical = Callable[[str], str | None]
ParamSpec = str | tuple[str, Canonical]


def as_is(value: str) -> str | None:
    return value


def as_int(value: str) -> str | None:
    """For a parameter the view reads as a non-negative integer; anything else uncached (a
    view's own fallback for "-1" or "x", say a paginator's last page, is its own business)."""
    return str(int(value)) if value.isdigit() and len(value) < 10 else None


def as_search_text(value: str) -> str | None:
    """For a search box read through core.pinyin.query_normalise (trimmed, inner whitespace
    collapsed, 64 characters): the key holds what the view will search for."""
    return query_normalise(value)


def page_cache_params(specs: Iterable[ParamSpec]) -> dict[str, Canonical]:
    """Declared parameters, `"name"` or `("name", canonicaliser)`, as name -> canonicaliser."""
    params: dict[str, Canonical] = {}
    for spec in specs:
        name, canonical = (spec, as_is) if isinstance(spec, str) else spec
        params[name] = canonical
    return params


@dataclass(frozen=True)
class CacheQuery:
    """A request's query string as the cache sees it.

    canonical: the key's part ("page=2&sort=price"), or None when the request must be
    rendered uncached (a value without a canonical form, a parameter given twice).
    unknown: parameter names the view does not declare (the middleware redirects them away).
    """

    canonical: str | None
    unknown: frozenset[str]


def page_cache_query(query, params: dict[str, Canonical]) -> CacheQuery:
    """`query` a QueryDict (request.GET)."""
    unknown = frozenset(name for name in query if name not in params)
    pairs = []
    cacheable = True
    for name in sorted(set(query) - unknown):
        values = [value for value in query.getlist(name) if value != ""]
        if not values:
            continue
        if len(values) > 1:  # the views read one value (the last): rare, and not worth keys
            cacheable = False
            continue
        value = params[name](values[0])
        if value is None:
            cacheable = False
        elif value != "":
            pairs.append((name, value))
    return CacheQuery(canonical=urlencode(pairs) if cacheable else None, unknown=unknown)


def page_cache_mark(response, *, seconds: int | None = None, params=None):
    """`params` (name -> canonicaliser) for responses whose view the middleware could not know
    before serving (Wagtail pages): a request carrying any other parameter is not stored."""
    response.page_cacheable = True
    if seconds is not None:
        response.page_cache_seconds = seconds
    if params is not None:
        response.page_cache_params = params
    return response


def page_cacheable(view=None, *, seconds: int | None = None, params: Iterable[ParamSpec] = ()):
    """Decorator, bare or with `seconds` and `params` (the query parameters the view reads;
    see the module): this view's responses may be cached for anonymous visitors."""
    declared = page_cache_params(params)

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            return page_cache_mark(view(request, *args, **kwargs), seconds=seconds)

        # Read by the middleware's process_view: only such views are looked up in the cache,
        # keyed by these parameters.
        wrapped.page_cacheable = True
        wrapped.page_cache_params = declared
        return wrapped

    return decorate(view) if view is not None else decorate
