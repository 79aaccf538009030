"""Listing photos on the storefront: renditions of approved listings are served from the
county's own media folder at versioned URLs, cached for a year; nothing else is."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context
from PIL import Image

from county_sites.catalogue.photos import rendition_url
from farmers.models import Listing, ListingPhoto
from tests.county_sites.conftest import live, photo_ready
from tests.factories.farmers import ListingFactory, SellerFactory
from tests.fixtures.counties import SchemaKeepingClient, host_of


def _webp(size=(48, 36)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 120, 40)).save(buffer, "WEBP")
    return buffer.getvalue()


def _with_files(photo):
    """Write the photo's rendition files into the current county's media storage."""
    for entry in photo.renditions.values():
        default_storage.save(entry["path"], ContentFile(_webp()))
    return photo


def _url(photo, name: str = "card") -> str:
    return rendition_url(photo.pk, name, photo.renditions[name])


@pytest.fixture
def approved_photo(in_county, seller, tea):
    listing = live(seller, "安吉白茶", category=tea)
    return _with_files(listing.photos.get())


def test_approved_listings_rendition_is_served_as_webp_for_a_year(approved_photo, county_client):
    response = county_client.get(_url(approved_photo))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).format == "WEBP"
    assert "Set-Cookie" not in response and "Cookie" not in response.get("Vary", "")


def test_product_page_srcset_points_at_served_urls(approved_photo, county_client):
    html = county_client.get(f"/p/{approved_photo.listing_id}/").content.decode()

    srcset = re.search(r'srcset="([^"]+)"', html).group(1)
    urls = [candidate.split()[0] for candidate in srcset.split(", ")]
    assert urls == [_url(approved_photo, name) for name in ("thumb", "card", "large")]
    for url in urls:
        assert county_client.get(url).status_code == 200, url


def test_replaced_file_gets_a_new_url(approved_photo):
    before = _url(approved_photo)
    approved_photo.renditions["card"]["path"] = "listings/other/p0_card.webp"

    assert _url(approved_photo) != before


@pytest.mark.parametrize(
    "state", [Listing.State.DRAFT, Listing.State.SUBMITTED, Listing.State.DELISTED]
)
def test_unapproved_listings_photo_is_404(in_county, seller, county_client, state):
    listing = ListingFactory(seller=seller, title="待审核的笋", state=state)
    photo = _with_files(photo_ready(listing))

    assert county_client.get(_url(photo)).status_code == 404


def test_another_countys_photo_is_404_here(in_county, county, other_county, county_client):
    with tenant_context(other_county):
        listing = ListingFactory(
            seller=SellerFactory(name="淳安农户"), title="千岛湖鱼", approved=True
        )
        # An id county A has no photo with, so only the schema can make the difference.
        photo = photo_ready(listing)
        ListingPhoto.objects.filter(pk=photo.pk).update(id=987_654_321)
        photo = _with_files(ListingPhoto.objects.get(pk=987_654_321))
    url = _url(photo)
    other_host = SchemaKeepingClient(HTTP_HOST=host_of(other_county), county=other_county)

    assert county_client.get(url).status_code == 404
    assert other_host.get(url).status_code == 200  # the same URL on its own county's host


def test_unknown_rendition_wrong_version_and_traversal_are_404(approved_photo, county_client):
    good = _url(approved_photo)
    version = good.rsplit("-", 1)[1].removesuffix(".webp")
    base = f"/media/listings/{approved_photo.pk}"

    for path in (
        f"{base}/huge-{version}.webp",  # no such rendition
        f"{base}/card-{'0' * len(version)}.webp",  # stale or made-up version
        f"{base}/card.webp",
        f"/media/listings/{approved_photo.pk + 1000}/card-{version}.webp",
        f"{base}/../../{approved_photo.renditions['card']['path']}",
        f"/media/listings/..%2F..%2Fsettings.py/card-{version}.webp",
        f"/media/{approved_photo.renditions['card']['path']}",  # the raw media folder
    ):
        assert county_client.get(path).status_code == 404, path


def test_missing_file_is_404(in_county, seller, tea, county_client):
    photo = live(seller, "没有文件的照片", category=tea).photos.get()

    assert county_client.get(_url(photo)).status_code == 404
