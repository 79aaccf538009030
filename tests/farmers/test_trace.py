"""The public traceability page of a batch and its QR code."""

import io

from django_tenants.utils import tenant_context
from PIL import Image

from tests.factories.farmers import (
    ListingCertificationFactory,
    ListingFactory,
    TraceabilityBatchFactory,
)


def test_the_trace_page_shows_where_the_batch_came_from(county_client, in_county):
    listing = ListingFactory(title="安吉白茶", approved=True, origin_village="黄杜村")
    listing.seller.name = "白茶合作社"
    listing.seller.save()
    ListingCertificationFactory(
        listing=listing, kind="geo_indication", certificate_number="AGI01234"
    )
    batch = TraceabilityBatchFactory(
        listing=listing,
        batch_code="AJ-2025-0001",
        plot="黄杜村3号茶园",
        inputs_note="有机肥两次",
    )

    response = county_client.get(f"/trace/{batch.code}/")

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "安吉白茶",
        "白茶合作社",
        "黄杜村",
        "2025-04-02",
        "黄杜村3号茶园",
        "有机肥两次",
        "农产品地理标志",
        "AGI01234",
        "AJ-2025-0001",
    ):
        assert text in html, text


def test_an_unknown_code_is_404(county_client, in_county):
    assert county_client.get("/trace/nosuchcode23/").status_code == 404
    assert county_client.get("/trace/nosuchcode23/qr.png").status_code == 404


def test_a_batch_of_a_never_approved_listing_is_not_public(county_client, in_county):
    batch = TraceabilityBatchFactory(listing=ListingFactory(submitted=True))

    assert county_client.get(f"/trace/{batch.code}/").status_code == 404


def test_a_delisted_listing_batch_stays_traceable(county_client, in_county):
    batch = TraceabilityBatchFactory(listing=ListingFactory(delisted=True))

    assert county_client.get(f"/trace/{batch.code}/").status_code == 200


def test_another_countys_code_is_404(county_client, other_county_client, other_county):
    with tenant_context(other_county):
        batch = TraceabilityBatchFactory()

    assert other_county_client.get(f"/trace/{batch.code}/").status_code == 200
    assert county_client.get(f"/trace/{batch.code}/").status_code == 404
    assert county_client.get(f"/trace/{batch.code}/qr.png").status_code == 404


def test_the_qr_code_is_a_png(county_client, in_county):
    batch = TraceabilityBatchFactory()

    response = county_client.get(f"/trace/{batch.code}/qr.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.width == image.height >= 200
