"""No N+1: the home, category and product pages run the same number of queries whatever the
number of listings, photos, certifications, service points or chosen listings (issue 4)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from county_sites.storefront.models import CountyHomePage
from hub.taxonomy import Certification
from tests.county_sites.conftest import live, photo_ready
from tests.county_sites.test_home_page import banner_image
from tests.factories.farmers import ListingCertificationFactory, TraceabilityBatchFactory
from tests.factories.service_points import ServicePointFactory

# Pinned so that a new query shows up in review, not only a growing one. Each includes the
# host -> county lookup, which tests make uncached (FENGSHOU_HOST_CACHE_SECONDS=0).
# Home: Wagtail's site, page, ancestors and view restrictions (4), banner images and their
# renditions (2), category tiles (1), featured, seasonal and latest listings with their
# photos (2 each), service points (1).
HOME_QUERIES = 15
CATEGORY_QUERIES = 7
# Product: the listing with seller, category, photos, certifications and newest batch in one
# statement (catalogue.selectors.listing_get_for_product_page).
PRODUCT_QUERIES = 2


def _queries(client, path: str) -> tuple[int, list[str]]:
    client.get(path)  # warm: content types, site root paths, compiled templates
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), [query["sql"] for query in captured]


def _stock(seller, category, count: int, *, certified: bool = True):
    listings = []
    for n in range(count):
        listing = live(seller, f"商品{n}", category=category, price_fen=100 + n)
        if certified:
            ListingCertificationFactory(listing=listing, kind=Certification.GREEN_FOOD)
        listings.append(listing)
    return listings


def _home_with_every_block(listings, image):
    home = CountyHomePage.objects.get()
    home.body = [
        {
            "type": "banner_carousel",
            "value": {
                "slides": [
                    {"image": image.pk, "title": f"横幅{n}", "link": "/c/tea/"} for n in range(3)
                ]
            },
        },
        {"type": "announcement", "value": {"text": "<p>公告</p>"}},
        {"type": "category_tiles", "value": {"title": "分类", "categories": []}},
        {
            "type": "featured_listings",
            "value": {
                "title": "精选",
                "listings": [listing.pk for listing in listings],
            },
        },
        {
            "type": "seasonal_collection",
            "value": {
                "title": "时令",
                "intro": "",
                "listings": [listing.pk for listing in listings],
            },
        },
        {"type": "latest_listings", "value": {"title": "新鲜上架", "count": 12}},
        {"type": "service_points", "value": {"title": "服务点", "show_map_links": True}},
    ]
    home.save_revision().publish()


def test_home_queries_do_not_grow(in_county, seller, tea, county_client):
    image = banner_image()
    few = _stock(seller, tea, 2)
    ServicePointFactory()
    _home_with_every_block(few, image)
    small, _sql = _queries(county_client, "/")

    many = few + _stock(seller, tea, 10)
    for _n in range(5):
        ServicePointFactory()
    _home_with_every_block(many, image)
    large, sql = _queries(county_client, "/")

    assert small == large, "\n".join(sql)
    assert large == HOME_QUERIES, "\n".join(sql)


def test_category_queries_equal_for_10_and_100_listings(in_county, seller, tea, county_client):
    _stock(seller, tea, 10)
    small, _sql = _queries(county_client, "/c/tea/?sort=price_asc&certification=green_food")

    _stock(seller, tea, 90)
    large, sql = _queries(county_client, "/c/tea/?sort=price_asc&certification=green_food")

    assert small == large, "\n".join(sql)
    assert large == CATEGORY_QUERIES, "\n".join(sql)


def test_product_queries_do_not_grow(in_county, seller, tea, county_client):
    plain = live(seller, "单图商品", category=tea)
    small, _sql = _queries(county_client, f"/p/{plain.pk}/")

    rich = live(seller, "多图商品", category=tea)
    for position in range(1, 6):
        photo_ready(rich, position)
    for kind in Certification.values:
        ListingCertificationFactory(listing=rich, kind=kind)
    TraceabilityBatchFactory(listing=rich)
    TraceabilityBatchFactory(listing=rich)
    large, sql = _queries(county_client, f"/p/{rich.pk}/")

    assert small == large, "\n".join(sql)
    assert large == PRODUCT_QUERIES, "\n".join(sql)


@pytest.mark.parametrize("path", ["/", "/c/tea/", "/search/?q=bc"])
def test_pages_render_without_listings(in_county, county_client, path):
    assert county_client.get(path).status_code == 200
