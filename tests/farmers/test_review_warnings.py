"""The review queue warns before approving (issue 14, point 6): no photo, a title another
listing of the county has, markup in the text, a certification without its number; and the
bulk approval asks before approving flagged rows (they keep waiting unless ticked)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from farmers.models import Listing, ListingCertification, ModerationDecision
from farmers.review import (
    WARN_CERTIFICATE_NUMBER,
    WARN_DUPLICATE_TITLE,
    WARN_MARKUP,
    WARN_NO_PHOTO,
    listing_review_warnings_by_id,
)
from farmers.services import listing_bulk_approve
from tests.county_sites.conftest import photo_ready
from tests.factories.farmers import ListingCertificationFactory, ListingFactory
from tests.fixtures.farmers import farmers_snapshot

QUEUE = "/admin/listings/"
BULK = "/admin/bulk/farmers/listing/approve/"


def _submitted(title: str, *, photo: bool = True, **fields) -> Listing:
    listing = ListingFactory(title=title, submitted=True, **fields)
    if photo:
        photo_ready(listing)
    return listing


def _unnumbered(listing: Listing) -> None:
    """A certification saved without its number, as an old import did (the model's clean()
    would refuse it now)."""
    certification = ListingCertificationFactory(listing=listing)
    ListingCertification.objects.filter(pk=certification.pk).update(certificate_number=" ")


def test_each_warning_is_found(in_county):
    clean = _submitted("明前白茶")
    no_photo = _submitted("高山笋干", photo=False)
    ListingFactory(title="土鸡蛋", approved=True)
    namesake = _submitted(" 土鸡蛋 ")
    marked_up = _submitted("<b>特价</b>青菜")
    in_description = _submitted("菊米", description="点击 [url]http://x.cn[/url] 购买")
    entity = _submitted("山核桃&nbsp;")
    unnumbered = _submitted("有机茶")
    _unnumbered(unnumbered)
    ids = [listing.pk for listing in Listing.objects.all()]

    warnings = listing_review_warnings_by_id(listing_ids=ids)

    assert clean.pk not in warnings
    assert warnings[no_photo.pk] == [str(WARN_NO_PHOTO)]
    assert warnings[namesake.pk] == [str(WARN_DUPLICATE_TITLE)]
    assert warnings[marked_up.pk] == [str(WARN_MARKUP)]
    assert warnings[in_description.pk] == [str(WARN_MARKUP)]
    assert warnings[entity.pk] == [str(WARN_MARKUP)]
    assert warnings[unnumbered.pk] == [str(WARN_CERTIFICATE_NUMBER)]


def test_a_rejected_or_draft_namesake_is_not_a_duplicate(in_county):
    ListingFactory(title="笋干")  # a draft
    ListingFactory(title="笋干", state=Listing.State.REJECTED, rejection_reason="模糊")
    listing = _submitted("笋干")

    assert listing_review_warnings_by_id(listing_ids=[listing.pk]) == {}


def test_a_namesake_in_another_county_is_not_a_duplicate(in_county, other_county):
    listing = _submitted("千岛湖鱼干")
    with tenant_context(other_county):
        ListingFactory(title="千岛湖鱼干", approved=True)

    assert listing_review_warnings_by_id(listing_ids=[listing.pk]) == {}


def test_the_queue_shows_the_warnings_without_a_query_per_row(operator_client, in_county):
    _submitted("高山笋干", photo=False)
    operator_client.get(QUEUE, {"state": "submitted"})
    with CaptureQueriesContext(connection) as one:
        operator_client.get(QUEUE, {"state": "submitted"})
    for n in range(5):
        _submitted(f"<i>笋干{n}</i>", photo=False)
    with CaptureQueriesContext(connection) as six:
        html = operator_client.get(QUEUE, {"state": "submitted"}).content.decode()

    assert "提醒" in html
    assert f"{WARN_NO_PHOTO}；{WARN_MARKUP}" in html
    assert len(six) == len(one)


def test_the_listing_page_shows_its_warnings(operator_client, in_county):
    listing = _submitted("高山笋干", photo=False)

    html = operator_client.get(f"{QUEUE}inspect/{listing.pk}/").content.decode()

    assert "data-review-warnings" in html and str(WARN_NO_PHOTO) in html


def test_bulk_approve_lists_flagged_rows_apart_and_leaves_them_unless_ticked(
    operator_client, in_county, operator
):
    clean = _submitted("明前白茶")
    flagged = _submitted("高山笋干", photo=False)
    url = f"{BULK}?id={clean.pk}&id={flagged.pk}&next={QUEUE}"

    confirm = operator_client.get(url).content.decode()
    done = operator_client.post(url)

    assert f'<li data-listing="{flagged.pk}">高山笋干' in confirm
    assert str(WARN_NO_PHOTO) in confirm
    assert 'name="approve_flagged"' in confirm
    assert done.status_code == 302
    assert Listing.objects.get(pk=clean.pk).state == "approved"
    assert Listing.objects.get(pk=flagged.pk).state == "submitted"
    assert not ModerationDecision.objects.filter(listing=flagged).exists()
    messages = [str(m).strip() for m in operator_client.get(QUEUE).context["messages"]]
    assert messages == ["已通过 1 个商品。1 个带提醒的商品仍在等待审核。"]


def test_bulk_approve_with_the_tick_approves_the_flagged_rows_too(operator_client, in_county):
    flagged = _submitted("高山笋干", photo=False)
    url = f"{BULK}?id={flagged.pk}&next={QUEUE}"

    operator_client.post(url, {"approve_flagged": "on"})

    assert Listing.objects.get(pk=flagged.pk).state == "approved"


def test_the_service_keeps_flagged_listings_waiting_by_default(operator, in_county):
    flagged = _submitted("<b>笋干</b>")
    clean = _submitted("白茶")

    result = listing_bulk_approve(actor=operator, listings=[flagged, clean])

    assert [listing.pk for listing in result.approved] == [clean.pk]
    assert [listing.pk for listing in result.flagged] == [flagged.pk]
    assert Listing.objects.get(pk=flagged.pk).state == "submitted"


@pytest.mark.usefixtures("in_county")
def test_a_seller_cannot_bulk_approve_even_clean_rows(county_client):
    listing = _submitted("白茶")
    county_client.force_login(listing.seller.user)
    before = farmers_snapshot()

    response = county_client.post(f"{BULK}?id={listing.pk}", {"approve_flagged": "on"})

    assert response.status_code in (302, 403)
    assert farmers_snapshot() == before
