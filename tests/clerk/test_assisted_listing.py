"""Assisted listing (/clerk/villagers/<id>/list/): the clerk lists a farmer's produce at the
counter (photos taken there, the weighed quantity as stock); it goes to the county's review
queue marked "由 <店员> 在 <服务点> 代录入"; the farmer gets an SMS and sees and edits it on
their own phone at /seller/. Only for the clerk's own point's villagers, with their consent."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from accounts.models import Consent, SmsOutbox
from accounts.services import consent_revoke
from core.errors import ApplicationError
from farmers.models import Listing, ListingPhoto, ModerationDecision, Seller
from farmers.services import (
    MSG_NOT_FOR_THIS_SELLER,
    MSG_NOT_YOUR_LISTING,
    listing_create,
    listing_photos_add,
    listing_update,
    seller_bank_account_set,
)
from hub.taxonomy import Unit
from service_points.models import AssistedListing
from service_points.services import (
    MSG_ASSISTED_PHOTOS,
    MSG_NO_CONSENT,
    MSG_NOT_A_CLERK,
    MSG_NOT_THIS_POINTS_VILLAGER,
    MSG_SELLER_NEEDS_MOBILE,
    assisted_listing_create,
    clerk_add,
)
from tests.clerk.villager_helpers import (
    VILLAGERS,
    jpeg_bytes,
    jpeg_upload,
    register_by_own_phone,
    register_by_proxy,
    register_on_paper,
)
from tests.factories.farmers import SellerFactory, category
from tests.factories.service_points import ServicePointFactory
from tests.fixtures.farmers import farmers_snapshot

MOBILE = "13900001111"
SELLER_URL = "http://anji.localhost/seller/"


@pytest.fixture
def villager(clerk):
    """A farmer registered at the clerk's point, confirmed on their own phone."""
    return register_by_own_phone(clerk.user, MOBILE, name="陈大爷").user


def _form(**overrides) -> dict:
    data = {
        "seller_name": "",
        "title": "高山冬笋",
        "category": category("vegetables").pk,
        "unit": Unit.JIN,
        "price_yuan": "6.50",
        "stock": "38",
        "description": "今早挖的。",
        "photos": [jpeg_upload("a.jpg"), jpeg_upload("b.jpg", colour=(30, 160, 40))],
    }
    data.update(overrides)
    return data


def _list_url(user) -> str:
    return f"{VILLAGERS}{user.pk}/list/"


def _create(clerk_user, villager, **overrides):
    kwargs = {
        "clerk_user": clerk_user,
        "villager_user_id": villager.pk,
        "title": "高山冬笋",
        "category": category("vegetables"),
        "unit": Unit.JIN,
        "price_fen": 650,
        "stock": 38,
        "photos": [jpeg_bytes()],
        "seller_url": SELLER_URL,
    }
    kwargs.update(overrides)
    return assisted_listing_create(**kwargs)


def _nothing_written() -> dict:
    return {
        "farmers": farmers_snapshot(),
        "assisted": list(AssistedListing.objects.values_list("pk", flat=True)),
        "sms": list(SmsOutbox.objects.values_list("pk", flat=True)),
    }


# ------------------------------------------------------------------------------
# The clerk lists produce
# ------------------------------------------------------------------------------
def test_the_villagers_page_offers_listing_produce(clerk_client, villager):
    page = clerk_client.get(f"{VILLAGERS}{villager.pk}/").content.decode()

    assert f'href="{_list_url(villager)}"' in page
    form = clerk_client.get(_list_url(villager)).content.decode()
    assert 'type="file" name="photos" accept="image/*" capture="environment" multiple' in form
    assert 'enctype="multipart/form-data"' in form


def test_listing_produce_makes_the_farmer_a_seller_and_submits_for_review(
    clerk_client, clerk, point, villager
):
    response = clerk_client.post(_list_url(villager), _form())

    assert response.status_code == 303
    assert response["Location"] == f"{VILLAGERS}{villager.pk}/?listed=1"
    seller = Seller.objects.get(user=villager)
    consent = Consent.objects.get(user=villager)
    assert (
        seller.kind,
        seller.name,
        seller.mobile,
        seller.village,
        seller.registered_by_point_id,
        seller.consent_method,
        seller.consent_recorded_by_id,
        seller.mobile_verified_at,
    ) == (
        "farmer",
        "陈大爷",
        MOBILE,
        point.village,
        point.pk,
        "at_service_point",
        clerk.user_id,
        consent.given_at,
    )
    listing = Listing.objects.get(seller=seller)
    assert (
        listing.title,
        listing.category.slug,
        listing.unit,
        listing.price_fen,
        listing.stock,
        listing.state,
    ) == ("高山冬笋", "vegetables", "jin", 650, 38, "submitted")
    assert ListingPhoto.objects.filter(listing=listing).count() == 2
    entry = AssistedListing.objects.get()
    assert (entry.listing_id, entry.point_id, entry.clerk_user_id, entry.clerk_name) == (
        listing.pk,
        point.pk,
        clerk.user_id,
        "王芳",
    )
    assert list(
        ModerationDecision.objects.filter(listing=listing).values_list("action", "actor")
    ) == [("submitted", clerk.user_id)]
    page = clerk_client.get(response["Location"]).content.decode()
    assert "商品已提交审核，已发短信告诉农户。" in page and "高山冬笋" in page


def test_the_farmer_gets_an_sms_with_the_point_and_the_seller_url(clerk_client, villager):
    clerk_client.post(_list_url(villager), _form())

    sms = SmsOutbox.objects.filter(mobile=MOBILE).order_by("-id").first()
    assert sms.text == (
        "【丰收】递铺服务点的店员为您录入了商品“高山冬笋”，审核通过后上架。"
        "用手机打开 http://anji.localhost/seller/ 查看和修改。"
    )


def test_a_second_listing_uses_the_same_seller(clerk, villager):
    _create(clerk.user, villager)
    _create(clerk.user, villager, title="笋干")

    assert Seller.objects.filter(user=villager).count() == 1
    assert Listing.objects.filter(seller__user=villager).count() == 2


def test_an_existing_seller_is_kept_as_it_is(clerk, villager):
    seller = SellerFactory(name="陈家笋园", mobile=MOBILE, user=villager)

    entry = _create(clerk.user, villager)

    assert entry.listing.seller_id == seller.pk
    assert Seller.objects.get(pk=seller.pk).name == "陈家笋园"


def test_a_seller_an_operator_registered_with_the_verified_mobile_becomes_the_villagers(
    clerk, villager
):
    seller = SellerFactory(name="陈大爷", mobile=MOBILE, user=None)

    entry = _create(clerk.user, villager)

    seller.refresh_from_db()
    assert (entry.listing.seller_id, seller.user_id) == (seller.pk, villager.pk)


def test_a_seller_with_the_mobile_on_another_account_is_refused(clerk, villager, buyer):
    SellerFactory(name="别人", mobile=MOBILE, user=buyer)
    before = _nothing_written()

    with pytest.raises(ApplicationError):
        _create(clerk.user, villager)

    assert _nothing_written() == before


def test_a_villager_without_a_phone_sells_with_the_proxys_number(clerk):
    villager = register_by_proxy(clerk.user, "张奶奶", "13600002222", "儿子").user

    entry = _create(clerk.user, villager)

    seller = entry.listing.seller
    assert (seller.name, seller.mobile, seller.mobile_verified_at, seller.user_id) == (
        "张奶奶",
        "13600002222",
        None,
        villager.pk,
    )
    assert SmsOutbox.objects.order_by("-id").first().mobile == "13600002222"


def test_a_villager_with_no_phone_at_all_cannot_sell_yet(clerk):
    villager = register_on_paper(clerk.user, "李爷爷").user
    before = _nothing_written()

    with pytest.raises(ApplicationError) as refused:
        _create(clerk.user, villager)

    assert refused.value.message == MSG_SELLER_NEEDS_MOBILE
    assert _nothing_written() == before


# ------------------------------------------------------------------------------
# Refusals leave nothing
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("count", [0, 4])
def test_one_to_three_photos(clerk, villager, count):
    before = _nothing_written()

    with pytest.raises(ApplicationError) as refused:
        _create(clerk.user, villager, photos=[jpeg_bytes()] * count)

    assert refused.value.message == MSG_ASSISTED_PHOTOS % {"max": 3}
    assert _nothing_written() == before


def test_a_photo_that_is_not_a_picture_leaves_no_seller_listing_or_file(
    clerk_client, villager, settings
):
    before = _nothing_written()

    response = clerk_client.post(
        _list_url(villager),
        _form(photos=[jpeg_upload("a.jpg"), SimpleUploadedFile("x.jpg", b"not a picture")]),
    )

    assert response.status_code == 400
    assert _nothing_written() == before
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file() and "listing" in str(p)]


def test_the_form_refuses_a_missing_price_or_stock_with_a_400(clerk_client, villager):
    before = _nothing_written()

    no_price = clerk_client.post(_list_url(villager), _form(price_yuan=""))
    no_stock = clerk_client.post(_list_url(villager), _form(stock="0"))

    assert no_price.status_code == no_stock.status_code == 400
    assert "提交审核前请填写库存（大于0）。" in no_stock.content.decode()
    assert _nothing_written() == before


def test_a_villager_whose_consent_was_revoked_is_refused(clerk, clerk_client, villager):
    consent_revoke(actor=clerk.user, consent=Consent.objects.get(user=villager))
    before = _nothing_written()

    with pytest.raises(ApplicationError) as refused:
        _create(clerk.user, villager)

    assert refused.value.message == MSG_NO_CONSENT
    assert _nothing_written() == before
    page = clerk_client.get(f"{VILLAGERS}{villager.pk}/").content.decode()
    assert f'href="{_list_url(villager)}"' not in page


# ------------------------------------------------------------------------------
# Who may
# ------------------------------------------------------------------------------
def test_a_clerk_of_another_point_cannot_list_for_this_points_villager(
    clerk_q, county_client, villager
):
    before = _nothing_written()
    county_client.force_login(clerk_q.user)

    page = county_client.get(_list_url(villager))
    post = county_client.post(_list_url(villager), _form())
    with pytest.raises(ApplicationError) as refused:
        _create(clerk_q.user, villager)

    assert (page.status_code, post.status_code) == (404, 404)
    assert refused.value.message == MSG_NOT_THIS_POINTS_VILLAGER
    assert _nothing_written() == before


def test_a_non_clerk_gets_403_and_the_service_refuses(county_client, buyer, villager):
    before = _nothing_written()
    county_client.force_login(buyer)

    response = county_client.post(_list_url(villager), _form())
    with pytest.raises(ApplicationError) as refused:
        _create(buyer, villager)

    assert response.status_code == 403
    assert refused.value.message == MSG_NOT_A_CLERK
    assert _nothing_written() == before


def test_the_clerk_cannot_edit_the_farmers_listing_afterwards(clerk, villager):
    entry = _create(clerk.user, villager)
    before = _nothing_written()

    with pytest.raises(ApplicationError) as refused:
        listing_update(actor=clerk.user, listing=entry.listing, price_fen=1)

    assert refused.value.message == MSG_NOT_YOUR_LISTING
    assert _nothing_written() == before


def test_another_countys_clerk_cannot_list_for_this_countys_villager(
    villager, other_county, other_county_client
):
    with tenant_context(other_county):
        b_operator = get_user_model().objects.get(username="operator")
        b_point = ServicePointFactory(name="千岛湖服务点", village="千岛湖村")
        b_clerk = clerk_add(actor=b_operator, mobile="13700137555", point=b_point)
    other_county_client.force_login(b_clerk.user)

    response = other_county_client.post(_list_url(villager), _form())

    assert response.status_code == 404
    assert not Listing.objects.exists()
    with tenant_context(other_county):
        assert not Listing.objects.exists()


# ------------------------------------------------------------------------------
# The operator's review queue, and the farmer's own phone
# ------------------------------------------------------------------------------
def test_the_operator_sees_it_in_the_review_queue_marked_entered_at_the_point(
    clerk, villager, operator_client
):
    entry = _create(clerk.user, villager)

    queue = operator_client.get("/admin/listings/?state=submitted")
    inspect = operator_client.get(f"/admin/listings/inspect/{entry.listing_id}/")

    assert queue.status_code == inspect.status_code == 200
    assert "高山冬笋" in queue.content.decode()
    assert "由 王芳 在 递铺服务点 代录入" in queue.content.decode()
    assert "由 王芳 在 递铺服务点 代录入" in inspect.content.decode()


def test_the_farmer_sees_and_edits_it_on_their_own_phone(clerk, villager, county_client):
    entry = _create(clerk.user, villager)
    county_client.force_login(villager)

    home = county_client.get("/seller/")
    edit_url = f"/seller/listings/{entry.listing_id}/"
    edit = county_client.get(edit_url)
    saved = county_client.post(
        edit_url,
        {
            "title": "高山冬笋（大）",
            "category": entry.listing.category_id,
            "unit": "jin",
            "price_yuan": "7.00",
            "stock": "30",
            "min_order_qty": "1",
            "harvest_start": "",
            "harvest_end": "",
            "origin_village": "",
            "description": "",
        },
    )

    assert (home.status_code, edit.status_code, saved.status_code) == (200, 200, 303)
    assert "高山冬笋" in home.content.decode()
    listing = Listing.objects.get(pk=entry.listing_id)
    assert (listing.title, listing.price_fen, listing.stock) == ("高山冬笋（大）", 700, 30)


def test_the_clerks_help_is_narrow(clerk, villager, seller):
    """Photos and submit only while entering a listing; never the payout account; never a
    seller the point does not serve."""
    entry = _create(clerk.user, villager)
    farmer = entry.listing.seller
    before = _nothing_written()

    with pytest.raises(ApplicationError) as photo_later:
        listing_photos_add(actor=clerk.user, listing=entry.listing, images=[jpeg_bytes()])
    with pytest.raises(ApplicationError) as bank:
        seller_bank_account_set(
            actor=clerk.user,
            seller=farmer,
            bank_name="浙江农商银行",
            bank_account_number="6228480000000000",
        )
    with pytest.raises(ApplicationError) as strangers:
        listing_create(
            actor=clerk.user, seller=seller, title="笋", category=category(), unit=Unit.JIN
        )

    assert (photo_later.value.message, bank.value.message, strangers.value.message) == (
        MSG_NOT_YOUR_LISTING,
        MSG_NOT_FOR_THIS_SELLER,
        MSG_NOT_FOR_THIS_SELLER,
    )
    assert _nothing_written() == before
