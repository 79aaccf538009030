"""Category pages (/c/<slug>/) and product pages (/p/<id>/): filters, sorts, what a product
page shows, and 404 for anything that is not an approved listing of this county."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from county_sites.catalogue.selectors import CatalogueFilters, Sort, listing_catalogue
from hub.taxonomy import Certification, Unit
from tests.county_sites.conftest import live
from tests.factories.farmers import (
    ListingCertificationFactory,
    ListingFactory,
    SellerFactory,
    TraceabilityBatchFactory,
)


@pytest.fixture
def shelf(in_county, seller, tea, vegetables):
    """Four approved teas and one vegetable, approved a day apart (oldest first)."""
    now = timezone.now()
    rows = [
        ("龙井", 8800, "黄杜村", [Certification.ORGANIC]),
        ("白茶", 12000, "大溪村", [Certification.GREEN_FOOD, Certification.ORGANIC]),
        ("红茶", 3500, "大溪村", []),
        ("野茶", 5000, "黄杜村", [Certification.GREEN_FOOD]),
    ]
    listings = {}
    for days, (title, price, village, certs) in enumerate(rows):
        listing = live(
            seller,
            title,
            category=tea,
            price_fen=price,
            origin_village=village,
            approved_at=now - dt.timedelta(days=10 - days),
        )
        for kind in certs:
            ListingCertificationFactory(listing=listing, kind=kind)
        listings[title] = listing
    listings["白菜"] = live(seller, "白菜", category=vegetables, price_fen=300)
    ListingFactory(seller=seller, title="草稿茶", category=tea, price_fen=100)
    ListingFactory(seller=seller, title="下架茶", category=tea, delisted=True)
    return listings


def _titles(listings):
    return [listing.title for listing in listings]


def test_category_lists_only_its_approved_listings_newest_first(shelf, county_client):
    response = county_client.get("/c/tea/")

    assert response.status_code == 200
    assert _titles(response.context["listings"]) == ["野茶", "红茶", "白茶", "龙井"]
    assert response.context["page_obj"].paginator.count == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"sort": "price_asc"}, ["红茶", "野茶", "龙井", "白茶"]),
        ({"sort": "price_desc"}, ["白茶", "龙井", "野茶", "红茶"]),
        ({"sort": "newest"}, ["野茶", "红茶", "白茶", "龙井"]),
        ({"price_min": "40", "price_max": "90"}, ["野茶", "龙井"]),
        ({"price_min": "88.00", "sort": "price_asc"}, ["龙井", "白茶"]),
        ({"certification": "organic", "sort": "price_asc"}, ["龙井", "白茶"]),
        ({"village": "大溪村", "sort": "price_desc"}, ["白茶", "红茶"]),
        ({"village": "黄杜村", "certification": "green_food"}, ["野茶"]),
        ({"price_max": "1"}, []),
        # Nonsense is ignored, not refused: a hand-edited URL still lists.
        ({"sort": "drop table", "price_min": "abc"}, ["野茶", "红茶", "白茶", "龙井"]),
    ],
)
def test_category_filters_and_sorts(shelf, county_client, query, expected):
    response = county_client.get("/c/tea/", query)

    assert response.status_code == 200
    assert _titles(response.context["listings"]) == expected


def test_filter_form_offers_the_villages_of_the_category(shelf, county_client):
    form = county_client.get("/c/tea/").context["form"]

    assert [value for value, _label in form.fields["village"].choices] == ["", "大溪村", "黄杜村"]


def test_selector_filters_by_category_including_sub_categories(shelf, tea):
    from hub.models import Category

    green_tea = Category.objects.create(name="绿茶类", slug="green-tea-test", parent=tea)
    shelf["龙井"].category = green_tea
    shelf["龙井"].save()
    tea.active_children = [green_tea]

    listings = listing_catalogue(filters=CatalogueFilters(category=tea, sort=Sort.PRICE_ASC))
    only_green = listing_catalogue(filters=CatalogueFilters(category=green_tea))

    assert _titles(listings) == ["红茶", "野茶", "龙井", "白茶"]
    assert _titles(only_green) == ["龙井"]


def test_unknown_category_is_404(in_county, county_client):
    assert county_client.get("/c/no-such-thing/").status_code == 404


def test_category_pages_paginate(in_county, seller, tea, county_client):
    for n in range(23):
        ListingFactory(seller=seller, title=f"茶{n}", category=tea, approved=True)

    first = county_client.get("/c/tea/")
    second = county_client.get("/c/tea/", {"page": 2, "sort": "price_asc"})

    assert len(first.context["listings"]) == 20
    assert len(second.context["listings"]) == 3
    assert 'href="?sort=price_asc&amp;page=1"' in second.content.decode()


def test_product_page_shows_what_a_buyer_needs(in_county, seller, tea, county_client):
    listing = live(
        seller,
        "安吉白茶",
        category=tea,
        price_fen=1250,
        unit=Unit.JIN,
        stock=5,
        origin_village="黄杜村",
        description="明前采摘。",
    )
    ListingCertificationFactory(listing=listing, kind=Certification.GEOGRAPHICAL_INDICATION)
    batch = TraceabilityBatchFactory(listing=listing)

    response = county_client.get(f"/p/{listing.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>安吉白茶</h1>" in html
    assert "¥12.50/斤" in html
    assert "王大伯" in html and "黄杜村" in html
    assert "农产品地理标志" in html
    assert f'href="/trace/{batch.code}/"' in html
    assert f'<img src="/trace/{batch.code}/qr.png" width="96" height="96"' in html
    qr = county_client.get(f"/trace/{batch.code}/qr.png")
    assert (qr.status_code, qr["Content-Type"]) == (200, "image/png")
    assert qr.content.startswith(b"\x89PNG")
    assert "库存紧张" in html  # 5 left
    assert 'action="/cart/add/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert f'name="listing" value="{listing.pk}"' in html
    assert 'name="quantity"' in html
    # Photos: WebP renditions with srcset and dimensions; the first is not lazy.
    photo = listing.photos.get()
    assert f"/media/listings/{photo.pk}/large-" in html and ".webp 1080w" in html
    assert 'width="1080" height="810"' in html
    assert 'fetchpriority="high"' in html


@pytest.mark.parametrize(
    ("stock", "label", "buy_form"),
    [(100, "有货", True), (9, "库存紧张", True), (0, "已售罄", False)],
)
def test_stock_state(in_county, seller, county_client, stock, label, buy_form):
    listing = live(seller, "鸡蛋", stock=stock)

    html = county_client.get(f"/p/{listing.pk}/").content.decode()

    assert label in html
    assert ('action="/cart/add/"' in html) is buy_form


def test_product_page_without_a_batch_has_no_trace_link(in_county, seller, county_client):
    listing = live(seller, "鸡蛋")

    assert "/trace/" not in county_client.get(f"/p/{listing.pk}/").content.decode()


@pytest.mark.parametrize("state", ["draft", "submitted", "rejected", "delisted"])
def test_unapproved_listing_is_404(in_county, seller, county_client, state):
    listing = ListingFactory(seller=seller, **{state: True} if state != "draft" else {})

    assert county_client.get(f"/p/{listing.pk}/").status_code == 404


def test_unknown_listing_is_404(in_county, county_client):
    assert county_client.get("/p/999999/").status_code == 404


def test_other_countys_listing_is_invisible_here(in_county, other_county, county_client, tea):
    with tenant_context(other_county):
        other = live(SellerFactory(name="淳安农户"), "千岛湖有机鱼", category=tea)
        other_id = other.pk

    by_id = county_client.get(f"/p/{other_id}/")
    by_category = county_client.get("/c/tea/")
    by_search = county_client.get("/search/", {"q": "千岛湖"})

    assert by_id.status_code == 404
    assert "千岛湖有机鱼" not in by_category.content.decode()
    assert "千岛湖有机鱼" not in by_search.content.decode()
