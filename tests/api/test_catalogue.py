"""Catalogue, search and checkout choices through the API: public, approved listings only."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from county_sites.api.errors import (
    MSG_CATEGORY_UNKNOWN,
    MSG_CERTIFICATION_UNKNOWN,
    MSG_INVALID_INPUT,
)
from hub.models import Category
from hub.taxonomy import Certification
from tests.api.conftest import API
from tests.county_sites.conftest import photo_ready
from tests.factories.farmers import (
    ListingCertificationFactory,
    ListingFactory,
    TraceabilityBatchFactory,
    category,
)


def card(listing, *, stock_state="in") -> dict:
    cat = listing.category
    return {
        "id": listing.pk,
        "title": listing.title,
        "category": {"id": cat.pk, "slug": cat.slug, "name": cat.name, "name_en": cat.name_en},
        "unit": "jin",
        "unit_label": "斤",
        "price_fen": listing.price_fen,
        "price_display": f"¥{listing.price_fen // 100}.{listing.price_fen % 100:02d}",
        "price_per_unit": f"¥{listing.price_fen // 100}.{listing.price_fen % 100:02d}/斤",
        "stock": listing.stock,
        "stock_state": stock_state,
        "min_order_qty": 1,
        "origin_village": listing.origin_village,
        "seller": {"id": listing.seller_id, "name": listing.seller.name},
        "photo": None,
        "url": f"/p/{listing.pk}/",
    }


def test_categories_are_the_active_top_level_with_children(anon_client, in_county):
    response = anon_client.get(f"{API}/catalogue/categories/")

    assert response.status_code == 200
    tops = Category.objects.filter(parent=None, is_active=True).order_by("sort_order", "pk")
    expected = [
        {
            "id": top.pk, "slug": top.slug, "name": top.name, "name_en": top.name_en,
            "children": [
                {"id": c.pk, "slug": c.slug, "name": c.name, "name_en": c.name_en}
                for c in top.children.filter(is_active=True).order_by("sort_order", "pk")
            ],
        }
        for top in tops
    ]  # fmt: skip
    assert response.json() == expected
    assert len(expected) >= 7


def test_listings_are_only_approved_ones_with_exact_cards(anon_client, tea, seller):
    ListingFactory(seller=seller, title="草稿白菜")
    ListingFactory(seller=seller, title="待审白菜", submitted=True)
    ListingFactory(seller=seller, title="下架白菜", delisted=True)

    response = anon_client.get(f"{API}/catalogue/listings/")

    assert response.status_code == 200
    assert response.json() == {
        "count": 1, "page": 1, "pages": 1, "page_size": 20, "results": [card(tea)],
    }  # fmt: skip


def test_listings_filter_by_category_village_certification_and_price(anon_client, seller):
    tea_cat = category("tea")
    cheap = ListingFactory(seller=seller, title="便宜茶", category=tea_cat, price_fen=500,
                           origin_village="横溪村", approved=True)  # fmt: skip
    dear = ListingFactory(seller=seller, title="贵茶", category=tea_cat, price_fen=50_000,
                          origin_village="大溪村", approved=True)  # fmt: skip
    ListingCertificationFactory(listing=dear, kind=Certification.ORGANIC)
    ListingFactory(seller=seller, title="白菜", price_fen=300, approved=True)

    def ids(query: str) -> list[int]:
        response = anon_client.get(f"{API}/catalogue/listings/?{query}")
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["results"]]

    assert ids("category=tea&sort=price_asc") == [cheap.pk, dear.pk]
    assert ids("category=tea&sort=price_desc") == [dear.pk, cheap.pk]
    assert ids("village=横溪村") == [cheap.pk]
    assert ids("certification=organic") == [dear.pk]
    assert ids("category=tea&min_price=501") == [dear.pk]
    assert ids("category=tea&max_price=500") == [cheap.pk]


def test_listings_are_paginated(anon_client, seller):
    made = [ListingFactory(seller=seller, approved=True) for _ in range(21)]

    first = anon_client.get(f"{API}/catalogue/listings/?sort=price_asc").json()
    second = anon_client.get(f"{API}/catalogue/listings/?sort=price_asc&page=2").json()
    beyond = anon_client.get(f"{API}/catalogue/listings/?page=3").json()

    assert (first["count"], first["pages"], len(first["results"])) == (21, 2, 20)
    assert (second["page"], len(second["results"])) == (2, 1)
    seen = {item["id"] for item in first["results"] + second["results"]}
    assert seen == {listing.pk for listing in made}
    assert beyond["results"] == []


def test_unknown_certification_is_a_400_with_the_field(anon_client, in_county):
    # Kinds are the province's rows (hub.vocabulary), so the view checks them, not the schema.
    response = anon_client.get(f"{API}/catalogue/listings/?certification=gold")

    assert response.status_code == 400
    assert response.json() == {"detail": str(MSG_CERTIFICATION_UNKNOWN), "field": "certification"}


def test_unknown_category_is_a_400_with_the_field(anon_client, in_county):
    response = anon_client.get(f"{API}/catalogue/listings/?category=no-such-thing")

    assert response.status_code == 400
    assert response.json() == {"detail": str(MSG_CATEGORY_UNKNOWN), "field": "category"}


@pytest.mark.parametrize("query", ["min_price=abc", "page=0", "sort=cheapest"])
def test_bad_query_values_are_a_400_never_a_500(anon_client, in_county, query):
    response = anon_client.get(f"{API}/catalogue/listings/?{query}")

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == str(MSG_INVALID_INPUT)
    assert body["field"] == query.split("=")[0]


def test_listing_detail_is_exact_with_certifications_and_traceability(anon_client, tea):
    cert = ListingCertificationFactory(listing=tea, kind=Certification.GREEN_FOOD)
    batch = TraceabilityBatchFactory(listing=tea)

    response = anon_client.get(f"{API}/catalogue/listings/{tea.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        **card(tea),
        "description": tea.description,
        "harvest_start": None,
        "harvest_end": None,
        "photos": [],
        "certifications": [
            {
                "kind": "green_food",
                "label": "绿色食品",
                "certificate_number": cert.certificate_number,
                "issuer": "中国绿色食品发展中心",
                "valid_until": "2027-12-31",
            }
        ],
        "traceability": {
            "code": batch.code,
            "batch_code": batch.batch_code,
            "harvest_date": "2025-04-02",
            "plot": "大溪村3号茶园",
            "url": f"/trace/{batch.code}/",
        },
    }


def test_listing_photos_are_the_product_pages_served_urls(anon_client, tea):
    photo = photo_ready(tea)
    for entry in photo.renditions.values():
        buffer = io.BytesIO()
        Image.new("RGB", (48, 36), (40, 120, 40)).save(buffer, "WEBP")
        default_storage.save(entry["path"], ContentFile(buffer.getvalue()))

    def url(name: str, width: int, height: int) -> str:
        # catalogue.photos: the version is a hash of the stored file's path and size.
        path = f"listings/{tea.pk}/p0_{name}.webp"
        version = hashlib.sha256(f"{path}|{width}x{height}".encode()).hexdigest()[:10]
        return f"/media/listings/{photo.pk}/{name}-{version}.webp"

    expected = {
        "renditions": [
            {"url": url("thumb", 240, 180), "width": 240, "height": 180},
            {"url": url("card", 480, 360), "width": 480, "height": 360},
            {"url": url("large", 1080, 810), "width": 1080, "height": 810},
        ]
    }

    detail = anon_client.get(f"{API}/catalogue/listings/{tea.pk}/").json()
    listed = anon_client.get(f"{API}/catalogue/listings/").json()["results"]
    page = anon_client.get(f"/p/{tea.pk}/").content.decode()

    assert detail["photos"] == [expected]
    assert detail["photo"] == expected
    assert listed[0]["photo"] == expected
    for rendition in expected["renditions"]:
        assert rendition["url"] in page  # the product page's srcset
        served = anon_client.get(rendition["url"])  # on the county host
        assert served.status_code == 200, rendition["url"]
        assert served["Content-Type"] == "image/webp"
        body = b"".join(served.streaming_content)
        assert Image.open(io.BytesIO(body)).format == "WEBP"


def test_a_listing_not_approved_is_a_404(anon_client, draft_listing):
    response = anon_client.get(f"{API}/catalogue/listings/{draft_listing.pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "没有找到。", "field": None}


@pytest.mark.parametrize("q", ["白茶", "baicha", "bc", "BaiCha"])
def test_search_finds_white_tea_by_chinese_pinyin_and_initials(anon_client, tea, shoots, q):
    response = anon_client.get(f"{API}/search/", {"q": q})

    assert response.status_code == 200
    body = response.json()
    assert body["q"] == q
    assert [item["id"] for item in body["results"]] == [tea.pk]
    assert body["results"][0] == card(tea)
    assert body["suggested_categories"] == []


def test_search_without_results_suggests_categories(anon_client, tea):
    body = anon_client.get(f"{API}/search/", {"q": "榴莲"}).json()

    assert body["results"] == []
    top = list(Category.objects.filter(parent=None, is_active=True).order_by("sort_order", "pk"))
    assert [c["slug"] for c in body["suggested_categories"]] == [c.slug for c in top]


def test_empty_search_is_empty(anon_client, tea):
    assert anon_client.get(f"{API}/search/").json() == {
        "q": "", "results": [], "suggested_categories": [],
    }  # fmt: skip


def test_service_points_and_delivery_zones_are_the_active_ones(anon_client, point, zone):
    from tests.factories.orders import DeliveryZoneFactory
    from tests.factories.service_points import ServicePointFactory

    ServicePointFactory(name="关门的点", is_active=False)
    DeliveryZoneFactory(name="停用区", is_active=False)

    points = anon_client.get(f"{API}/service-points/")
    zones = anon_client.get(f"{API}/delivery-zones/")

    assert points.status_code == zones.status_code == 200
    assert points.json() == [
        {
            "id": point.pk, "name": "递铺服务点", "village": "递铺村", "address": point.address,
            "latitude": None, "longitude": None, "opening_hours": "每天 8:00-20:00",
            "phone": "0572-5551234",
        }
    ]  # fmt: skip
    assert zones.json() == [
        {"id": zone.pk, "name": "城区", "description": "", "fee_fen": 800,
         "fee_display": "¥8.00"}
    ]  # fmt: skip


@pytest.mark.parametrize("listing_id", ["abc", str(2**63), "0"])
def test_a_bad_listing_id_is_a_json_400(anon_client, in_county, listing_id):
    response = anon_client.get(f"{API}/catalogue/listings/{listing_id}/")

    assert response.status_code == 400
    assert response.json()["field"] == "listing_id"


def test_a_price_beyond_the_column_is_a_400(anon_client, in_county):
    response = anon_client.get(f"{API}/catalogue/listings/?max_price={2**31}")

    assert response.status_code == 400
    assert response.json()["field"] == "max_price"
