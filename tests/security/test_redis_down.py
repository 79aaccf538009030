"""Redis down (issue 12): the home, category and product pages are rendered from the database
and the page cache logs a warning, instead of answering 500. The cache really points at a
closed port: nothing is mocked."""

import copy
import logging

import pytest
from django.test import Client

from county_sites.storefront.models import CountyHomePage
from county_sites.storefront.page_cache import CACHE_HEADER, page_cache_clear_local
from tests.county_sites.conftest import live
from tests.factories.farmers import SellerFactory, category
from tests.fixtures.counties import host_of


@pytest.fixture
def redis_down(settings):
    """The page cache on, its Redis at a port where nothing listens."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = "redis://127.0.0.1:1/0"
    settings.CACHES = caches
    settings.FENGSHOU_PAGE_CACHE_ENABLED = True
    page_cache_clear_local()
    yield
    page_cache_clear_local()


@pytest.fixture
def listing(in_county, redis_down):
    return live(SellerFactory(name="白茶合作社"), "安吉白茶", category=category("tea"))


def test_pages_render_from_the_database_when_redis_is_unreachable(county, listing, caplog):
    client = Client(HTTP_HOST=host_of(county), raise_request_exception=False)
    home_title = CountyHomePage.objects.get().title
    page_cache_clear_local()  # the listing's purge already met the closed port: try again

    with caplog.at_level(logging.WARNING, logger="county_sites.storefront.page_cache"):
        home = client.get("/")
        shelf = client.get("/c/tea/")
        product = client.get(f"/p/{listing.pk}/")

    for response in (home, shelf, product):
        assert response.status_code == 200
        assert CACHE_HEADER not in response
    assert home_title in home.content.decode()
    assert "安吉白茶" in shelf.content.decode()
    assert "安吉白茶" in product.content.decode()
    warnings = [r for r in caplog.records if r.name == "county_sites.storefront.page_cache"]
    assert warnings, "the page cache logs that Redis is unreachable"
    assert "Redis unreachable" in warnings[0].getMessage()


def test_a_second_visit_while_redis_is_down_renders_again(county, listing):
    client = Client(HTTP_HOST=host_of(county), raise_request_exception=False)

    first = client.get(f"/p/{listing.pk}/")
    second = client.get(f"/p/{listing.pk}/")

    assert (first.status_code, second.status_code) == (200, 200)
    assert "安吉白茶" in second.content.decode()
