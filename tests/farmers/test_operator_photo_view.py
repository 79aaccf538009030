"""The review queue's photo view (/admin/listings/inspect/<listing>/photos/<photo>/): county
media is not public, so only a moderator of the listing's own county gets the file."""

import io

import pytest
from django.contrib.auth.models import Permission
from django_tenants.utils import tenant_context
from PIL import Image

from farmers.services import listing_photo_add
from tests.factories.farmers import ListingFactory
from tests.factories.orders import ResidentFactory
from tests.fixtures.counties import OPERATOR_PASSWORD


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture
def photo(operator, seller):
    """A submitted listing's photo; its renditions are not made yet (the task runs on commit),
    so the view sends the stored JPEG."""
    listing = ListingFactory(seller=seller, title="安吉白茶", submitted=True)
    return listing_photo_add(actor=operator, listing=listing, image=_jpeg())


def _url(photo) -> str:
    return f"/admin/listings/inspect/{photo.listing_id}/photos/{photo.pk}/"


def test_an_operator_gets_the_photo(operator_client, photo):
    response = operator_client.get(_url(photo))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).size == (40, 30)


def test_a_visitor_is_sent_to_the_admin_login(county_client, photo):
    response = county_client.get(_url(photo))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_admin_user_who_cannot_moderate_is_refused(county_client, photo):
    """Admin access and listing view rights, but not moderate_listing: Wagtail answers a
    refused admin view by sending the user back to the dashboard, without the file."""
    viewer = ResidentFactory(username="viewer-zhao", mobile="13700000097")
    viewer.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="farmers", codename="view_listing"),
    )
    assert county_client.login(username="viewer-zhao", password="resident-pass-123")

    response = county_client.get(_url(photo))

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not response.has_header("Content-Disposition")


def test_a_photo_asked_for_under_another_listing_is_404(operator_client, photo, seller):
    other = ListingFactory(seller=seller, title="高山笋干", submitted=True)

    url = f"/admin/listings/inspect/{other.pk}/photos/{photo.pk}/"

    assert operator_client.get(url).status_code == 404


def test_another_countys_operator_does_not_get_it(other_county, other_county_client, photo):
    """County B's operator, signed in on county B's host, asks for county A's ids: county B's
    schema has no such photo."""
    with tenant_context(other_county):
        signed_in = other_county_client.post(
            "/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD}
        )

    assert signed_in.status_code == 302
    assert other_county_client.get(_url(photo)).status_code == 404
