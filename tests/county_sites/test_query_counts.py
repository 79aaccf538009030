"""No N+1: the home, category, product and search pages run the same number of queries
whatever the number of listings, photos, certifications, service points or chosen listings
(issue 4), from 10 to 500 listings and at most 8 (issue 13)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from county_sites.catalogue.services import listing_search_entry_refresh
from county_sites.storefront.models import CountyHomePage
from county_sites.storefront.site_cache import site_cache_clear
from farmers.models import Listing, ListingCertification, ListingPhoto
from hub.host_cache import host_cache_clear
from hub.taxonomy import Certification
from tests.county_sites.conftest import live, photo_ready
from tests.county_sites.test_home_page import banner_image
from tests.factories.farmers import (
    ListingCertificationFactory,
    ListingFactory,
    SellerFactory,
    TraceabilityBatchFactory,
)
from tests.factories.service_points import ServicePointFactory

# Pinned so that a new query shows up in review, not only a growing one. Each includes the
# host -> county lookup, which tests make uncached (FENGSHOU_HOST_CACHE_SECONDS=0).
# Home: Wagtail's site, page and view restrictions (3), banner images and their renditions
# (2), category tiles (1), featured, seasonal and latest listings with their photos (2 for
# all of them, storefront.home_listings), service points (1).
HOME_QUERIES = 10
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


# ------------------------------------------------------------------------------------------
# Issue 13: the uncached home, category, product and search pages run the same number of
# queries with 10 and with 500 listings, and at most 8, with the worker memories production
# runs with (host -> county and the county's Wagtail Site, FENGSHOU_HOST_CACHE_SECONDS).
# ------------------------------------------------------------------------------------------
MAX_QUERIES = 8
# Host and Site from memory. Home: page, view restrictions (1, storefront.view_restrictions),
# every listing block's listings and photos (2, storefront.home_listings), banner images and
# renditions (2), category tiles (1), service points (1).
HOME_QUERIES_IN_PRODUCTION = 8
CATEGORY_QUERIES_IN_PRODUCTION = CATEGORY_QUERIES - 1
PRODUCT_QUERIES_IN_PRODUCTION = PRODUCT_QUERIES - 1
# Search: the matching listings, their photos.
SEARCH_QUERIES_IN_PRODUCTION = 2


@pytest.fixture
def worker_memories(settings, monkeypatch):
    # On, and long enough not to lapse inside the test: on a loaded machine a cold first
    # request took longer than production's 10 s, and the next one counted the lookups again.
    settings.FENGSHOU_HOST_CACHE_SECONDS = 3600
    monkeypatch.setattr("hub.vocabulary.FRESH_SECONDS", 3600)
    host_cache_clear()
    site_cache_clear()
    yield
    host_cache_clear()
    site_cache_clear()


def _bulk_listings(sellers, category, count: int, start: int) -> list[Listing]:
    """`count` approved listings with a ready photo and a certification, in a few statements
    (500 through the factories would take minutes), and their search entries."""
    now = timezone.now()
    listings = Listing.objects.bulk_create(
        ListingFactory.build(
            seller=sellers[n % len(sellers)],
            category=category,
            title=f"商品{n}",
            price_fen=100 + n,
            origin_village=f"村{n % 7}",
            state=Listing.State.APPROVED,
            submitted_at=now,
            approved_at=now - timedelta(seconds=n),
        )
        for n in range(start, start + count)
    )
    sizes = {"thumb": (240, 180), "card": (480, 360), "large": (1080, 810)}
    ListingPhoto.objects.bulk_create(
        ListingPhoto(
            listing=listing,
            original=f"listings/{listing.pk}/p0.jpg",
            width=2000,
            height=1500,
            position=0,
            renditions={
                name: {
                    "name": name,
                    "width": w,
                    "height": h,
                    "path": f"listings/{listing.pk}/p0_{name}.webp",
                }
                for name, (w, h) in sizes.items()
            },  # fmt: skip
            renditions_ready=True,
        )
        for listing in listings
    )
    ListingCertification.objects.bulk_create(
        ListingCertificationFactory.build(listing=listing, kind=Certification.GREEN_FOOD)
        for listing in listings
    )
    for listing in listings:
        listing_search_entry_refresh(listing=listing)
    return listings


def _home_and_paths(listings, image) -> list[str]:
    _home_with_every_block(listings[:12], image)
    return [
        "/",
        "/c/tea/?sort=price_asc&certification=green_food",
        f"/p/{listings[-1].pk}/",
        "/search/?q=商品",
    ]


def test_uncached_pages_queries_equal_for_10_and_500_listings_and_at_most_8(
    in_county, tea, county_client, worker_memories
):
    sellers = [SellerFactory() for _n in range(5)]
    image = banner_image()
    ServicePointFactory()
    listings = _bulk_listings(sellers, tea, 10, 0)
    small = [_queries(county_client, path)[0] for path in _home_and_paths(listings, image)]

    listings += _bulk_listings(sellers, tea, 490, 10)
    for _n in range(5):
        ServicePointFactory()
    large = []
    for path in _home_and_paths(listings, image):
        count, sql = _queries(county_client, path)
        assert count <= MAX_QUERIES, f"{path}\n" + "\n".join(sql)
        large.append(count)

    assert small == large
    assert large == [
        HOME_QUERIES_IN_PRODUCTION,
        CATEGORY_QUERIES_IN_PRODUCTION,
        PRODUCT_QUERIES_IN_PRODUCTION,
        SEARCH_QUERIES_IN_PRODUCTION,
    ]
