"""Private files of a county (refund evidence, signed consent forms, listing originals) reach
only those allowed, never anonymous visitors, another county or other roles (issue 12)."""

from accounts.models import Consent
from tests.clerk.villager_helpers import register_on_paper
from tests.factories.farmers import SellerFactory
from tests.fixtures.counties import OPERATOR_PASSWORD


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _buyer_url(photo) -> str:
    return f"/refunds/{photo.refund_request_id}/photos/{photo.pk}/"


def _admin_url(photo) -> str:
    return f"/admin/refunds/decide/{photo.refund_request_id}/photos/{photo.pk}/"


def test_the_buyer_sees_their_own_refund_photo_and_its_page_links_it(
    refund_photo, buyer, county_client
):
    county_client.force_login(buyer)

    response = county_client.get(_buyer_url(refund_photo))
    page = county_client.get(f"/orders/{refund_photo.refund_request.order.number}/")

    assert response.status_code == 200
    assert _body(response)[:2] == b"\xff\xd8"
    assert response["Cache-Control"] == "private, no-cache"
    assert f'src="{_buyer_url(refund_photo)}"' in page.content.decode()


def test_the_operator_sees_refund_photos_in_the_admin(refund_photo, operator_client):
    page = operator_client.get(f"/admin/refunds/decide/{refund_photo.refund_request_id}/")
    response = operator_client.get(_admin_url(refund_photo))

    assert f'src="{_admin_url(refund_photo)}"' in page.content.decode()
    assert response.status_code == 200
    assert _body(response)[:2] == b"\xff\xd8"


def test_a_refund_photo_is_refused_to_everyone_else(
    refund_photo, other_buyer, county_client, other_county_client
):
    buyer_url, admin_url = _buyer_url(refund_photo), _admin_url(refund_photo)
    # Anonymous: sent to sign in, no file.
    assert county_client.get(buyer_url).status_code == 302
    assert county_client.get(admin_url).status_code == 302
    # The stored file's own URL is not served.
    assert county_client.get(refund_photo.image.url).status_code == 404
    # Another county's host, same ids: nothing there.
    assert other_county_client.get(buyer_url).status_code == 302
    assert other_county_client.get(refund_photo.image.url).status_code == 404
    # Another buyer of the county, and a seller: not theirs.
    county_client.force_login(other_buyer)
    assert county_client.get(buyer_url).status_code == 404
    assert county_client.get(admin_url).status_code in (302, 403)
    seller = SellerFactory(name="别的卖家")
    county_client.force_login(seller.user)
    assert county_client.get(buyer_url).status_code == 404
    assert county_client.get(admin_url).status_code in (302, 403)


def test_the_operator_url_of_a_photo_of_another_request_is_404(refund_photo, operator_client):
    url = f"/admin/refunds/decide/{refund_photo.refund_request_id + 1}/photos/{refund_photo.pk}/"

    assert operator_client.get(url).status_code == 404


def test_another_countys_operator_cannot_open_the_photo(refund_photo, other_county_client):
    other_county_client.login(username="operator", password=OPERATOR_PASSWORD)

    assert other_county_client.get(_admin_url(refund_photo)).status_code == 404


def test_in_production_the_refund_photo_goes_through_nginx(
    refund_photo, buyer, county_client, county, settings
):
    settings.FENGSHOU_MEDIA_ACCEL_PREFIX = "/_protected_media/"
    county_client.force_login(buyer)

    response = county_client.get(_buyer_url(refund_photo))

    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == (
        f"/_protected_media/{county.schema_name}/{refund_photo.image.name}"
    )


def test_a_consent_form_photo_is_for_the_points_clerk_only(
    clerk, clerk_client, buyer, operator, other_county_client
):
    link = register_on_paper(clerk.user, "李爷爷")
    consent = Consent.objects.get(user=link.user)
    url = f"/clerk/villagers/{link.user_id}/consents/{consent.pk}/photo/"

    response = clerk_client.get(url)

    assert response.status_code == 200
    assert _body(response)[:2] == b"\xff\xd8"
    assert clerk_client.get(consent.paper_photo.url).status_code == 404
    clerk_client.force_login(buyer)
    assert clerk_client.get(url).status_code in (302, 403)
    clerk_client.logout()
    assert clerk_client.get(url).status_code == 302
    assert other_county_client.get(url).status_code == 302
    assert other_county_client.get(consent.paper_photo.url).status_code == 404
