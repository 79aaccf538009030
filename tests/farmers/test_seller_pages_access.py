"""The seller's own pages on a county host (/seller/): who gets in, and another seller's
listing or photo not found."""

import pytest
from django.contrib.auth import get_user_model

from hub.taxonomy import Certification
from tests.factories.farmers import ListingCertificationFactory, ListingFactory, SellerUserFactory
from tests.farmers.seller_pages_helpers import LOGIN, _edit_form, _photo, url
from tests.fixtures.farmers import farmers_snapshot

# ------------------------------------------------------------------------------
# Who gets in
# ------------------------------------------------------------------------------
GET_PAGES = [
    ("seller_home", ()),
    ("seller_listing_new", ()),
    ("seller_orders", ()),
    ("seller_statement", ()),
]


def _login_redirect(path: str) -> str:
    return f"{LOGIN}?next={path}"


@pytest.mark.parametrize(("name", "args"), GET_PAGES)
def test_anonymous_visitor_is_sent_to_the_phone_login(county_client, in_county, name, args):
    path = url(name, *args)

    response = county_client.get(path)

    assert response.status_code == 302
    assert response["Location"] == _login_redirect(path)


def test_anonymous_visitor_cannot_open_or_change_a_listing(county_client, draft_listing):
    before = farmers_snapshot()
    edit = url("seller_listing_edit", draft_listing.pk)

    assert county_client.get(edit)["Location"] == _login_redirect(edit)
    for name in ("seller_listing_stock", "seller_listing_submit", "seller_listing_edit"):
        response = county_client.post(url(name, draft_listing.pk), {"stock": "1"})
        assert response.status_code == 302
        assert response["Location"].startswith(f"{LOGIN}?next=")
    assert farmers_snapshot() == before


@pytest.mark.parametrize("who", ["resident", "operator", "inactive seller"])
def test_signed_in_user_who_is_not_a_seller_is_sent_to_the_login(
    county_client, operator, seller, who
):
    if who == "resident":
        user = SellerUserFactory()
    elif who == "operator":
        user = operator
    else:
        user = seller.user
        get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    county_client.force_login(user)

    response = county_client.get(url("seller_home"))

    assert response.status_code == 302
    assert response["Location"] == _login_redirect(url("seller_home"))


def test_login_page_comes_back_to_the_seller_page(county_client, in_county):
    response = county_client.get(_login_redirect(url("seller_home")))

    assert response.status_code == 200
    assert 'value="/seller/"' in response.content.decode()


def test_another_sellers_listing_is_404_and_unchanged(county_client, other_seller, seller):
    listing = ListingFactory(seller=seller, approved=True)
    photo = _photo(listing)
    certification = ListingCertificationFactory(listing=listing)
    county_client.force_login(other_seller.user)
    before = farmers_snapshot()

    pages = [
        ("get", url("seller_listing_edit", listing.pk), {}),
        ("get", url("seller_listing_photo", listing.pk, photo.pk), {}),
        ("post", url("seller_listing_edit", listing.pk), _edit_form(listing, title="改了")),
        ("post", url("seller_listing_stock", listing.pk), {"stock": "0"}),
        ("post", url("seller_listing_delist", listing.pk), {}),
        ("post", url("seller_listing_submit", listing.pk), {}),
        ("post", url("seller_listing_relist", listing.pk), {}),
        ("post", url("seller_listing_photo_remove", listing.pk, photo.pk), {}),
        (
            "post",
            url("seller_certification_add", listing.pk),
            {"kind": Certification.ORGANIC, "certificate_number": "OG-1"},
        ),
        ("post", url("seller_certification_remove", listing.pk, certification.pk), {}),
        (
            "post",
            url("seller_batch_add", listing.pk),
            {"batch_code": "X-1", "harvest_date": "2026-04-02"},
        ),
    ]
    for method, path, data in pages:
        response = getattr(county_client, method)(path, data)
        assert response.status_code == 404, path

    assert farmers_snapshot() == before
    home = county_client.get(url("seller_home")).content.decode()
    assert listing.title not in home


def test_a_photo_of_one_listing_is_not_found_under_another(seller_client, seller):
    mine, also_mine = ListingFactory(seller=seller), ListingFactory(seller=seller)
    photo = _photo(mine)

    assert seller_client.get(url("seller_listing_photo", also_mine.pk, photo.pk)).status_code == 404
    response = seller_client.get(url("seller_listing_photo", mine.pk, photo.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
