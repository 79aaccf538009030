"""The storefront page cache (county_sites/storefront/page_cache.py): keyed by county, host,
path and
language; never for logged-in visitors or carts; purged by publishing and listing changes."""

import re

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from county_sites.orders.selectors import SESSION_CART
from county_sites.storefront.models import CountyHomePage
from county_sites.storefront.page_cache import (
    CACHE_HEADER,
    page_cache_clear_local,
    page_cache_purge_county,
)
from tests.county_sites.conftest import live
from tests.factories.farmers import SellerFactory
from tests.fixtures.counties import SchemaKeepingClient, host_of


@pytest.fixture
def page_cache_on(settings, county, other_county):
    settings.FENGSHOU_PAGE_CACHE_ENABLED = True
    # The host lookup too, so a cached page costs no query at all.
    settings.FENGSHOU_HOST_CACHE_SECONDS = 60
    for schema_name in (county.schema_name, other_county.schema_name):
        page_cache_purge_county(schema_name=schema_name)
    page_cache_clear_local()
    yield
    for schema_name in (county.schema_name, other_county.schema_name):
        page_cache_purge_county(schema_name=schema_name)


@pytest.fixture
def home(in_county, page_cache_on):
    return CountyHomePage.objects.get()


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_second_request_is_served_from_the_cache_without_a_query(home, county_client):
    first = county_client.get("/")
    with CaptureQueriesContext(connection) as queries:
        second = county_client.get("/")

    assert first[CACHE_HEADER] == "miss"
    assert second[CACHE_HEADER] == "hit"
    assert len(queries) == 0
    assert second.status_code == 200
    assert "<h1>欢迎来到安吉县丰收购</h1>" in second.content.decode()


def test_redis_entry_serves_other_workers(home, county_client):
    county_client.get("/")
    page_cache_clear_local()  # as if another worker process answered

    with CaptureQueriesContext(connection) as queries:
        response = county_client.get("/")

    assert response[CACHE_HEADER] == "hit"
    assert len(queries) == 0


def test_category_and_product_pages_are_cached_search_is_not(home, seller, tea, county_client):
    listing = live(seller, "安吉白茶", category=tea)

    for path in ("/c/tea/?sort=price_asc", f"/p/{listing.pk}/"):
        county_client.get(path)
        assert county_client.get(path)[CACHE_HEADER] == "hit", path
    county_client.get("/search/?q=bc")
    assert CACHE_HEADER not in county_client.get("/search/?q=bc")
    county_client.get("/p/999999/")
    assert CACHE_HEADER not in county_client.get("/p/999999/")


def test_logged_in_visitor_is_never_served_the_cached_page(home, county_client):
    county_client.get("/")  # cached for anonymous visitors
    user = get_user_model().objects.create_user(username="resident", password="pw-resident-1")
    county_client.force_login(user)

    with CaptureQueriesContext(connection) as queries:
        response = county_client.get("/")

    assert CACHE_HEADER not in response
    assert len(queries) > 0


def test_after_adding_to_the_cart_pages_are_not_served_from_the_cache(
    home, seller, tea, county, county_client
):
    listing = live(seller, "安吉白茶", category=tea, stock=20)
    for path in ("/", f"/p/{listing.pk}/"):
        county_client.get(path)
        assert county_client.get(path)[CACHE_HEADER] == "hit", path
    shopper = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county)
    product = shopper.get(f"/p/{listing.pk}/")
    assert product[CACHE_HEADER] == "hit"
    assert 'class="count"' not in product.content.decode()

    # The product page's own form, as a phone would post it.
    html = product.content.decode()
    action = re.search(r'<form class="buy" action="([^"]+)"', html).group(1)
    field = re.search(rf'<input type="hidden" name="([a-z_]+)" value="{listing.pk}">', html)
    added = shopper.post(action, {field.group(1): listing.pk, "quantity": "2"})

    assert added.status_code == 303
    for path in ("/", f"/p/{listing.pk}/"):
        response = shopper.get(path)
        assert CACHE_HEADER not in response, path
        assert '<span class="count">1</span>' in response.content.decode(), path
    # Everyone else still gets the cached page, without anyone's cart in it.
    other = county_client.get(f"/p/{listing.pk}/")
    assert other[CACHE_HEADER] == "hit"
    assert 'class="count"' not in other.content.decode()


def test_visitor_with_a_cart_in_the_session_is_not_served_the_cached_page(
    home, county, county_client
):
    county_client.get("/")
    shopper = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county)
    session = shopper.session  # stored in county A's schema (in_county), cookie set
    session[SESSION_CART] = {"1": 2}
    session.save()

    response = shopper.get("/")

    assert CACHE_HEADER not in response


def test_another_county_never_gets_this_countys_page(
    home, other_county, county_client, other_county_client
):
    county_client.get("/")
    county_client.get("/")

    response = other_county_client.get("/")

    assert response[CACHE_HEADER] == "miss"
    html = response.content.decode()
    assert "淳安县" in html and "安吉县" not in html
    assert "安吉县" in county_client.get("/").content.decode()


def test_english_visitors_get_their_own_entry(home, county, county_client):
    county_client.get("/")
    english = SchemaKeepingClient(
        HTTP_HOST=host_of(county), county=county, HTTP_ACCEPT_LANGUAGE="en"
    )

    response = english.get("/")

    assert response[CACHE_HEADER] == "miss"
    assert response["Content-Language"] == "en"
    assert english.get("/")[CACHE_HEADER] == "hit"


def test_publishing_purges_the_countys_pages(
    home, county_client, django_capture_on_commit_callbacks
):
    county_client.get("/")
    assert county_client.get("/")[CACHE_HEADER] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        home.intro = "春茶已经上市"
        home.save_revision().publish()

    response = county_client.get("/")
    assert response[CACHE_HEADER] == "miss"
    assert "春茶已经上市" in response.content.decode()


def test_approving_a_listing_purges(
    home, seller, tea, county_client, django_capture_on_commit_callbacks
):
    county_client.get("/c/tea/")

    with django_capture_on_commit_callbacks(execute=True):
        live(seller, "新上架的白茶", category=tea)

    assert "新上架的白茶" in county_client.get("/c/tea/").content.decode()


def test_purging_one_county_keeps_the_others(
    home, other_county, county, county_client, other_county_client
):
    county_client.get("/")
    other_county_client.get("/")

    page_cache_purge_county(schema_name=county.schema_name)

    assert county_client.get("/")[CACHE_HEADER] == "miss"
    assert other_county_client.get("/")[CACHE_HEADER] == "hit"


def test_cached_page_carries_each_visitors_own_csrf_token(home, county):
    first = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county, enforce_csrf_checks=True)
    second = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county, enforce_csrf_checks=True)
    first.get("/")

    cached = second.get("/")
    token = _csrf(cached.content.decode())
    switched = second.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )

    assert cached[CACHE_HEADER] == "hit"
    assert "__fengshou_csrf_token__" not in cached.content.decode()
    assert switched.status_code == 302  # not 403: the token matches this visitor's cookie


def test_post_and_disabled_cache_are_not_cached(home, settings, county_client):
    settings.FENGSHOU_PAGE_CACHE_ENABLED = False
    county_client.get("/")

    assert CACHE_HEADER not in county_client.get("/")


@pytest.fixture
def redis_commands(monkeypatch):
    """Every command sent to Redis by anyone in this process, counted."""
    counted = []
    original = redis.Redis.execute_command

    def counting(self, *args, **kwargs):
        counted.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    return counted


def test_a_view_that_does_not_opt_in_costs_no_cache_read(home, county_client, redis_commands):
    county_client.get("/")  # an opted-in page: looked up and stored
    assert "GET" in redis_commands and "SET" in redis_commands  # the counting works
    page_cache_clear_local()  # nothing remembered in this worker either
    county_client.get("/cart/")
    redis_commands.clear()

    response = county_client.get("/cart/")

    assert response.status_code == 200
    assert CACHE_HEADER not in response
    assert redis_commands == []


def test_cached_product_page_carries_each_visitors_own_csrf_token(in_county, page_cache_on, county):
    """The product page has two forms (language switch, add to cart): both tokens of the
    stored copy are the placeholder, so the second visitor's add to cart is accepted."""
    listing = live(SellerFactory(), "安吉白茶", stock=50)
    first = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county, enforce_csrf_checks=True)
    second = SchemaKeepingClient(HTTP_HOST=host_of(county), county=county, enforce_csrf_checks=True)
    first.get(f"/p/{listing.pk}/")

    cached = second.get(f"/p/{listing.pk}/")
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', cached.content.decode())
    added = second.post(
        "/cart/add/", {"listing": listing.pk, "quantity": 1, "csrfmiddlewaretoken": tokens[1]}
    )

    assert cached[CACHE_HEADER] == "hit"
    assert len(tokens) == 2
    assert added.status_code == 303  # not 403: the token matches this visitor's cookie
    assert second.session[SESSION_CART] == {str(listing.pk): 1}


def test_stored_copy_has_every_token_replaced_even_differently_masked_ones():
    from django.http import HttpResponse

    from county_sites.storefront.page_cache import CSRF_PLACEHOLDER, _entry_from

    page = HttpResponse(
        '<input type="hidden" name="csrfmiddlewaretoken" value="AAAA1111">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="BBBB2222">'
    )

    content, _type, _language = _entry_from(page)

    assert b"AAAA1111" not in content and b"BBBB2222" not in content
    assert content.count(CSRF_PLACEHOLDER) == 2


# ------------------------------------------------------------------------------
# Safe keys (issue 13): only the parameters a view declares make a key, normalised; any other
# parameter is a 301 to the URL without it; a value with no canonical form is not stored
# ------------------------------------------------------------------------------
def _without_tokens(response) -> str:
    """The page as every visitor gets it (each has their own CSRF token)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _page_entries() -> set[bytes]:
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    return {key for key in client.keys("*pagecache:*") if b"generation" not in key}


def test_unknown_parameters_make_no_entry_and_redirect_to_the_canonical_url(
    home, tea, county_client
):
    for canonical in ("/", "/c/tea/"):
        county_client.get(canonical)
        entries = _page_entries()

        for value in ("1", "2"):
            with CaptureQueriesContext(connection) as queries:
                response = county_client.get(f"{canonical}?x={value}")
            assert response.status_code == 301, canonical
            assert response["Location"] == canonical
            assert len(queries) == 0  # the redirect itself costs no query

        assert _page_entries() == entries
        assert county_client.get(canonical)[CACHE_HEADER] == "hit"


def test_an_unknown_parameter_is_dropped_and_the_known_ones_kept(home, tea, county_client):
    response = county_client.get("/c/tea/?from=singlemessage&sort=price_asc&isappinstalled=0")

    assert response.status_code == 301
    assert response["Location"] == "/c/tea/?sort=price_asc"


def test_the_same_filters_in_another_order_hit_the_same_entry(home, seller, tea, county_client):
    live(seller, "安吉白茶", category=tea)
    first = county_client.get("/c/tea/?sort=price_asc&page=2")
    entries = _page_entries()

    for same in ("/c/tea/?page=2&sort=price_asc", "/c/tea/?village=&page=02&sort=price_asc"):
        page_cache_clear_local()  # from Redis, not this worker's memory
        response = county_client.get(same)
        assert response[CACHE_HEADER] == "hit", same
        assert _without_tokens(response) == _without_tokens(first)

    assert first[CACHE_HEADER] == "miss"
    assert _page_entries() == entries


def test_a_different_filter_is_its_own_entry(home, seller, tea, county_client):
    live(seller, "安吉白茶", category=tea)
    county_client.get("/c/tea/?sort=price_asc")

    assert county_client.get("/c/tea/?sort=price_desc")[CACHE_HEADER] == "miss"
    assert county_client.get("/c/tea/?sort=price_desc")[CACHE_HEADER] == "hit"


@pytest.mark.parametrize("query", ["page=-1", "page=abc", "sort=price_asc&sort=price_desc"])
def test_a_value_without_a_canonical_form_is_rendered_not_stored(home, tea, county_client, query):
    entries = _page_entries()

    response = county_client.get(f"/c/tea/?{query}")
    again = county_client.get(f"/c/tea/?{query}")

    assert (response.status_code, again.status_code) == (200, 200)
    assert CACHE_HEADER not in response and CACHE_HEADER not in again
    assert _page_entries() == entries


def test_a_wagtail_page_declares_no_parameter_so_page_2_is_the_page_itself(home, county_client):
    response = county_client.get("/?page=2")

    assert response.status_code == 301
    assert response["Location"] == "/"


def test_signed_in_visitors_are_not_redirected(home, county_client):
    user = get_user_model().objects.create_user(username="resident", password="pw-resident-1")
    county_client.force_login(user)

    response = county_client.get("/?x=1")

    assert response.status_code == 200
    assert CACHE_HEADER not in response
