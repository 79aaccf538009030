"""A page cache for the storefront's anonymous visitors, keyed by county.

What is cached: GET/HEAD responses of views and Wagtail pages that opt in (`page_cacheable`,
`PageCacheableMixin`), status 200, HTML, setting no cookie of their own, for requests that
carry no identity: not logged in, no cart (a session holding the orders app's cart,
county_sites.orders.signals.SESSION_CART; a signed-in resident's cart is in the database and
they are skipped anyway), no pending messages. Everything else (admin, cart, checkout,
orders, API, search) is never stored, so it can never be served to someone else.

Cost for everything else: the lookup happens in process_view, once the URL is resolved, and
only for views that may opt in (a `page_cacheable` view, or Wagtail's page serving, whose page
class decides). Any other view costs no cache read at all: a benchmark measured a Redis GET on
every anonymous county request halving a trivial view's throughput (bench/tenant_overhead.py).

The key: county schema + scheme + host + language + path + the query string's declared
parameters, normalised (core.page_cache.page_cache_query: sorted, empty dropped, values
canonical), under the county's generation number. A request carrying a parameter the view
does not declare (`?x=1`, WeChat's `?from=singlemessage`, a cache-buster) gets a 301 to the
URL without it, not an uncached render: each such request would otherwise cost a full render
from the database (about 20 a second for a home page), so anyone appending random values
could keep a county's site cold; the redirect costs no query and the canonical URL is a hit.
A declared parameter with a value that has no canonical form is rendered, not stored.

`page_cache_purge_county()` bumps the generation in Redis:
O(1), every old entry becomes unreachable and expires on its own. Called on Wagtail publish/
unpublish and on listing, photo, seller and service point changes
(county_sites/storefront/signals.py).

In front of Redis, each worker process keeps the pages it served for a few seconds
(FENGSHOU_PAGE_CACHE_MEMORY_SECONDS): DESIGN.md section 8 measured a home page at 0.54 of a bare
view from Redis alone and above 1.0 with that memory in front. The price: after a purge, other
workers may serve the old page for up to that many seconds (the purging worker forgets at
once).

Redis unreachable (issue 12): the page is rendered from the database as if uncached, and the
worker logs a warning and leaves Redis alone for REDIS_DOWN_BACKOFF_SECONDS before trying
again, so a Redis that hangs costs one timeout per worker per back-off, not one per request.
A purge that cannot reach Redis is logged too: the entries it meant to hide are in that Redis,
and expire within FENGSHOU_PAGE_CACHE_SECONDS of its return.

CSRF: a cached page is shared, but its forms (language switch, add to cart) need the visitor's
own CSRF token. The stored copy has the token replaced by a placeholder, filled on every hit
with `get_token(request)`, which also makes Django set the visitor's CSRF cookie.
"""

import hashlib
import logging
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.middleware.csrf import get_token
from django.utils import translation
from django_tenants.utils import schema_context
from redis.exceptions import RedisError

from core.page_cache import (
    Canonical,
    page_cache_mark,
    page_cache_params,
    page_cache_query,
    page_cacheable,
)
from county_sites.orders.selectors import SESSION_CART

logger = logging.getLogger(__name__)

CACHE_HEADER = "X-Page-Cache"
REDIS_DOWN_BACKOFF_SECONDS = 5.0
CSRF_PLACEHOLDER = b"__fengshou_csrf_token__"
_CSRF_VALUE = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')

# (schema, scheme, host, language, path?canonical query) -> (expires at, monotonic; entry)
_memory: dict[tuple, tuple[float, tuple]] = {}
# schema -> (expires at; generation)
_generations: dict[str, tuple[float, int]] = {}
# monotonic time before which this process does not try Redis again (it failed just now)
_redis_down_until = 0.0


def _redis_usable(now: float) -> bool:
    return now >= _redis_down_until


def _redis_failed(what: str) -> None:
    global _redis_down_until  # noqa: PLW0603  (one number per process, on purpose)
    _redis_down_until = time.monotonic() + REDIS_DOWN_BACKOFF_SECONDS
    logger.warning(
        "Page cache: Redis unreachable (%s); serving from the database for %.0f s",
        what, REDIS_DOWN_BACKOFF_SECONDS, exc_info=True,
    )  # fmt: skip


def _setting(name: str, default):
    return getattr(settings, name, default)


def page_cache_enabled() -> bool:
    return _setting("FENGSHOU_PAGE_CACHE_ENABLED", True)


# ------------------------------------------------------------------------------------------
# Opting in
# ------------------------------------------------------------------------------------------
# page_cache_mark and page_cacheable live in core (the hub portal opts in too); here for the
# storefront's imports.
__all__ = ["PageCacheMiddleware", "PageCacheableMixin", "page_cache_mark", "page_cacheable"]


def _view_may_be_cached(view_func) -> bool:
    """True for views that opt in and for Wagtail's page serving (whose page class decides,
    which is only known once the page is found)."""
    if getattr(view_func, "page_cacheable", False):
        return True
    return getattr(view_func, "__module__", "") == "wagtail.views"


class PageCacheableMixin:
    """For Wagtail pages: the live page may be cached (previews are served elsewhere).

    `page_cache_params`: the query parameters the page reads, as for `page_cacheable`. The
    page is only known once Wagtail has found it, after the lookup: the lookup keys by the
    parameters any cacheable page class declares (and redirects away the rest), and the
    response is stored only if that key is also this page's own."""

    page_cache_params: tuple = ()

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        return page_cache_mark(response, params=page_cache_params(type(self).page_cache_params))


_wagtail_params: dict[str, Canonical] | None = None


def _wagtail_page_params() -> dict[str, Canonical]:
    """Every cacheable page class's parameters (classes are all defined by the first request)."""
    global _wagtail_params  # noqa: PLW0603  (computed once per process)
    if _wagtail_params is None:
        params: dict[str, Canonical] = {}
        pending = list(PageCacheableMixin.__subclasses__())
        while pending:
            page_class = pending.pop()
            pending.extend(page_class.__subclasses__())
            params.update(page_cache_params(page_class.page_cache_params))
        _wagtail_params = params
    return _wagtail_params


def _view_params(view_func) -> dict[str, Canonical]:
    params = getattr(view_func, "page_cache_params", None)
    return _wagtail_page_params() if params is None else params


def _canonical_redirect(request, params) -> HttpResponsePermanentRedirect:
    known = [
        (name, value)
        for name in sorted(name for name in request.GET if name in params)
        for value in request.GET.getlist(name)
        if value != ""
    ]
    query = urlencode(known)
    return HttpResponsePermanentRedirect(request.path + (f"?{query}" if query else ""))


# ------------------------------------------------------------------------------------------
# Purging
# ------------------------------------------------------------------------------------------
def _generation_key() -> str:
    # The default cache's KEY_FUNCTION (django_tenants.cache.make_key) puts the connection's
    # schema in front of this: the county's own entry.
    return "pagecache:generation"


def page_cache_purge_county(*, schema_name: str | None = None) -> None:
    """Forget every cached page of a county (default: the connection's current county)."""
    schema_name = schema_name or connection.schema_name
    with schema_context(schema_name):
        key = _generation_key()
        try:
            cache.add(key, 0, timeout=None)
            try:
                cache.incr(key)
            except ValueError:  # evicted between add and incr
                cache.set(key, 1, timeout=None)
        except RedisError:
            _redis_failed(f"purge of {schema_name}")
    _generations.pop(schema_name, None)
    for memory_key in [k for k in _memory if k[0] == schema_name]:
        _memory.pop(memory_key, None)


def page_cache_clear_local() -> None:
    """Forget this process's memory (tests)."""
    global _redis_down_until  # noqa: PLW0603
    _memory.clear()
    _generations.clear()
    _redis_down_until = 0.0


def _generation(schema_name: str, now: float, memory_seconds: float) -> int:
    remembered = _generations.get(schema_name)
    if remembered and remembered[0] > now:
        return remembered[1]
    generation = cache.get(_generation_key()) or 0
    if memory_seconds > 0:
        _generations[schema_name] = (now + memory_seconds, generation)
    return generation


# ------------------------------------------------------------------------------------------
# The middleware
# ------------------------------------------------------------------------------------------
def _request_cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD") or not page_cache_enabled():
        return False
    # The hub host (public schema) too: its portal opts in (hub.views).
    if getattr(request, "tenant", None) is None:
        return False
    if request.COOKIES.get("messages"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # Only a visitor with a session cookie can have a cart in the session: don't load an
    # empty session for everyone else.
    session = getattr(request, "session", None)
    return not (
        session is not None
        and settings.SESSION_COOKIE_NAME in request.COOKIES
        and session.get(SESSION_CART)
    )


def _response_cacheable(request, response) -> bool:
    if not getattr(response, "page_cacheable", False):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    if vary - {"accept-language"}:
        return False
    session = getattr(request, "session", None)
    return not (session is not None and session.modified)


def _key_is_the_pages_own(request, response, canonical: str) -> bool:
    """A Wagtail page was looked up by every page class's parameters: store it only if its
    own declaration gives the same key (else `?page=2` on a page that ignores `page` would
    be one more copy of the same page, or a canonicaliser of another class would decide)."""
    own = getattr(response, "page_cache_params", None)
    if own is None:
        return True  # a page_cacheable view: looked up by its own parameters already
    query = page_cache_query(request.GET, own)
    return not query.unknown and query.canonical == canonical


def _entry_from(response) -> tuple:
    # Every token field, not only the first: a page may carry differently masked tokens, and
    # any one left in would be the first visitor's, refused for everyone else (403).
    content = _CSRF_VALUE.sub(
        b'name="csrfmiddlewaretoken" value="' + CSRF_PLACEHOLDER + b'"', response.content
    )
    return (content, response["Content-Type"], response.get("Content-Language", ""))


def _response_from(entry: tuple, request) -> HttpResponse:
    content, content_type, content_language = entry
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(b"" if request.method == "HEAD" else content, content_type)
    if request.method == "HEAD":
        response["Content-Length"] = str(len(content))
    if content_language:
        response["Content-Language"] = content_language
    response[CACHE_HEADER] = "hit"
    return response


class PageCacheMiddleware:
    """Place after the session, locale, CSRF and auth middleware (it reads the user, the
    session and the active language, and fills CSRF tokens).

    __call__ decides whether the request could be served from the cache (no identity, no
    cart); process_view, once the view is known, looks the page up only for views that may
    opt in, and notes where to store it; __call__ stores the response if it opted in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _request_cacheable(request):
            return self.get_response(request)
        request._page_cache_store = None
        response = self.get_response(request)
        store = request._page_cache_store
        if store is not None and _response_cacheable(request, response):
            where, key, now, memory_seconds, canonical = store
            if not _key_is_the_pages_own(request, response, canonical):
                return response
            entry = _entry_from(response)
            seconds = getattr(response, "page_cache_seconds", None)
            if seconds is None:
                seconds = _setting("FENGSHOU_PAGE_CACHE_SECONDS", 300)
            try:
                cache.set(key, entry, seconds)
            except RedisError:
                _redis_failed("store")
                return response
            self._remember(where, entry, now, memory_seconds)
            response[CACHE_HEADER] = "miss"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not hasattr(request, "_page_cache_store") or not _view_may_be_cached(view_func):
            return None
        params = _view_params(view_func)
        query = page_cache_query(request.GET, params)
        if query.unknown:
            return _canonical_redirect(request, params)
        if query.canonical is None:
            return None  # rendered from the database, not stored
        now = time.monotonic()
        memory_seconds = _setting("FENGSHOU_PAGE_CACHE_MEMORY_SECONDS", 3)
        schema_name = request.tenant.schema_name
        where = (
            schema_name,
            request.scheme,
            request.get_host(),
            translation.get_language() or "",
            f"{request.path}?{query.canonical}",
        )
        remembered = _memory.get(where)
        if remembered and remembered[0] > now:
            return _response_from(remembered[1], request)

        if not _redis_usable(now):
            return None  # rendered from the database, not stored
        try:
            generation = _generation(schema_name, now, memory_seconds)
            digest = hashlib.md5(repr(where[1:]).encode(), usedforsecurity=False).hexdigest()
            key = f"pagecache:{generation}:{digest}"
            entry = cache.get(key)
        except RedisError:
            _redis_failed("lookup")
            return None
        if entry is not None:
            self._remember(where, entry, now, memory_seconds)
            return _response_from(entry, request)
        request._page_cache_store = (where, key, now, memory_seconds, query.canonical)
        return None

    @staticmethod
    def _remember(where, entry, now, memory_seconds) -> None:
        if memory_seconds <= 0:
            return
        if len(_memory) >= _setting("FENGSHOU_PAGE_CACHE_MEMORY_ENTRIES", 500):
            _memory.clear()  # crude, but bounded; entries live seconds anyway
        _memory[where] = (now + memory_seconds, entry)
