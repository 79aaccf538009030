"""Editing listings: price/stock keep a live listing live, anything else goes back to review."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.errors import ApplicationError
from farmers.images import MAX_PHOTOS_PER_LISTING, PHOTO_TOO_MANY
from farmers.models import Listing, ListingPhoto, ModerationDecision
from farmers.services import (
    MSG_CATEGORY_INACTIVE,
    MSG_CERTIFICATION_DUPLICATE,
    MSG_PRICE_REQUIRED,
    MSG_STOCK_NEGATIVE,
    MSG_UNKNOWN_FIELDS,
    listing_certification_add,
    listing_certification_remove,
    listing_create,
    listing_delist,
    listing_photo_add,
    listing_relist,
    listing_stock_set,
    listing_update,
)
from hub.models import Category
from hub.taxonomy import Certification, Unit
from tests.factories.farmers import ListingCertificationFactory, ListingFactory, category
from tests.fixtures.farmers import farmers_snapshot

State = Listing.State
Action = ModerationDecision.Action


def _photo():
    """A small phone JPEG; what farmers.images does with photos is tested in test_images_* and
    test_listing_photos."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")


def _returns(listing):
    return list(
        ModerationDecision.objects.filter(listing=listing, action=Action.RETURNED_TO_REVIEW)
        .order_by("pk")
        .values_list("from_state", "to_state", "reason", "actor__username")
    )


def test_seller_creates_a_draft_listing_with_the_village_as_origin(seller):
    listing = listing_create(
        actor=seller.user,
        seller=seller,
        title=" 安吉白茶 ",
        category=category("tea"),
        unit=Unit.BOX,
        price_fen=12800,
        stock=20,
        harvest_start=dt.date(2025, 4, 1),
        harvest_end=dt.date(2025, 4, 20),
    )

    listing.refresh_from_db()
    assert (listing.title, listing.state, listing.origin_village, listing.unit) == (
        "安吉白茶",
        State.DRAFT,
        "大溪村",
        "box",
    )
    assert (listing.price_fen, listing.stock, listing.min_order_qty) == (12800, 20, 1)
    assert listing.category.slug == "tea"
    assert not ModerationDecision.objects.filter(listing=listing).exists()


def test_listing_create_refuses_an_inactive_category_and_creates_nothing(seller):
    retired = Category.objects.create(name="旧类目", slug="retired", is_active=False)
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_create(
            actor=seller.user, seller=seller, title="白菜", category=retired, unit=Unit.JIN
        )

    assert (str(raised.value), raised.value.field) == (
        MSG_CATEGORY_INACTIVE % {"name": "旧类目"},
        "category",
    )
    assert farmers_snapshot() == before


def test_listing_create_refuses_a_harvest_window_ending_before_it_starts(seller):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_create(
            actor=seller.user,
            seller=seller,
            title="白菜",
            category=category(),
            unit=Unit.JIN,
            harvest_start=dt.date(2025, 5, 2),
            harvest_end=dt.date(2025, 5, 1),
        )

    assert raised.value.field == "harvest_end"
    assert farmers_snapshot() == before


@pytest.mark.parametrize(
    "changes", [{"price_fen": 420}, {"stock": 3}, {"price_fen": 300, "stock": 0}]
)
def test_price_and_stock_edits_keep_an_approved_listing_live(seller, approved_listing, changes):
    updated = listing_update(actor=seller.user, listing=approved_listing, **changes)

    approved_listing.refresh_from_db()
    assert updated.state == approved_listing.state == State.APPROVED
    for name, value in changes.items():
        assert getattr(approved_listing, name) == value
    assert not ModerationDecision.objects.filter(listing=approved_listing).exists()


@pytest.mark.parametrize(
    ("changes", "what"),
    [
        ({"title": "竹林散养鸡蛋"}, "标题"),
        ({"description": "每天现捡。"}, "描述"),
        ({"unit": Unit.BOX}, "单位"),
        ({"origin_village": "报福村"}, "产地村"),
        ({"title": "竹林散养鸡蛋", "price_fen": 999}, "标题"),
    ],
)
def test_text_edits_send_an_approved_listing_back_to_review(
    seller, approved_listing, changes, what
):
    listing_update(actor=seller.user, listing=approved_listing, **changes)

    approved_listing.refresh_from_db()
    assert approved_listing.state == State.SUBMITTED
    assert approved_listing.submitted_at is not None
    assert _returns(approved_listing) == [
        (State.APPROVED, State.SUBMITTED, f"修改了：{what}", seller.user.username)
    ]


def test_a_category_change_sends_an_approved_listing_back_to_review(seller, approved_listing):
    listing_update(actor=seller.user, listing=approved_listing, category=category("fruit"))

    approved_listing.refresh_from_db()
    assert (approved_listing.state, approved_listing.category.slug) == (State.SUBMITTED, "fruit")
    assert _returns(approved_listing) == [
        (State.APPROVED, State.SUBMITTED, "修改了：类目", seller.user.username)
    ]


def test_an_edit_that_changes_nothing_keeps_the_listing_live(seller, approved_listing):
    listing_update(
        actor=seller.user,
        listing=approved_listing,
        title=approved_listing.title,
        category=approved_listing.category,
    )

    assert Listing.objects.get(pk=approved_listing.pk).state == State.APPROVED
    assert _returns(approved_listing) == []


def test_an_edit_differing_only_in_surrounding_spaces_changes_nothing(seller, approved_listing):
    """Values are compared as they would be saved (stripped): a title sent back with a stray
    space is not an edit, so the listing stays live and nothing is saved."""
    before = farmers_snapshot()

    updated = listing_update(
        actor=seller.user,
        listing=approved_listing,
        title=f" {approved_listing.title}  ",
        price_fen=approved_listing.price_fen,
    )

    assert updated.state == State.APPROVED
    assert farmers_snapshot() == before


def test_an_edit_saves_the_stripped_value_and_names_only_what_changed(seller, approved_listing):
    listing_update(
        actor=seller.user,
        listing=approved_listing,
        title="  竹林散养鸡蛋 ",
        description=approved_listing.description,
        stock=approved_listing.stock + 5,
    )

    approved_listing.refresh_from_db()
    assert (approved_listing.title, approved_listing.state) == ("竹林散养鸡蛋", State.SUBMITTED)
    assert _returns(approved_listing) == [
        (State.APPROVED, State.SUBMITTED, "修改了：标题", seller.user.username)
    ]


def test_edits_to_a_draft_keep_it_a_draft_and_log_nothing(seller, draft_listing):
    listing_update(actor=seller.user, listing=draft_listing, title="明前白茶", price_fen=0)

    draft_listing.refresh_from_db()
    assert (draft_listing.state, draft_listing.title) == (State.DRAFT, "明前白茶")
    assert not ModerationDecision.objects.filter(listing=draft_listing).exists()


def test_adding_a_certification_sends_an_approved_listing_back_to_review(seller, approved_listing):
    certification = listing_certification_add(
        actor=seller.user,
        listing=approved_listing,
        kind=Certification.GEOGRAPHICAL_INDICATION,
        certificate_number=" AGI00123 ",
        issuer="农业农村部",
    )

    approved_listing.refresh_from_db()
    assert certification.certificate_number == "AGI00123"
    assert approved_listing.state == State.SUBMITTED
    assert _returns(approved_listing) == [
        (State.APPROVED, State.SUBMITTED, "修改了：认证", seller.user.username)
    ]


def test_removing_a_certification_sends_an_approved_listing_back_to_review(
    seller, approved_listing
):
    certification = ListingCertificationFactory(listing=approved_listing)

    listing_certification_remove(actor=seller.user, certification=certification)

    approved_listing.refresh_from_db()
    assert approved_listing.state == State.SUBMITTED
    assert not approved_listing.certifications.exists()


@pytest.mark.parametrize("kind", Certification.values)
def test_a_certification_without_its_number_is_refused(seller, approved_listing, kind):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_certification_add(
            actor=seller.user, listing=approved_listing, kind=kind, certificate_number="  "
        )

    assert raised.value.field == "certificate_number"
    assert "必须填写证书编号" in str(raised.value)
    assert farmers_snapshot() == before


def test_a_second_certification_of_the_same_kind_is_refused(seller, approved_listing):
    ListingCertificationFactory(listing=approved_listing, kind=Certification.ORGANIC)
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_certification_add(
            actor=seller.user,
            listing=approved_listing,
            kind=Certification.ORGANIC,
            certificate_number="OG-2",
        )

    assert str(raised.value) == MSG_CERTIFICATION_DUPLICATE % {"kind": "有机产品"}
    assert farmers_snapshot() == before


def test_adding_a_photo_sends_an_approved_listing_back_to_review(seller, approved_listing):
    photo = listing_photo_add(actor=seller.user, listing=approved_listing, image=_photo())

    approved_listing.refresh_from_db()
    assert (photo.width, photo.height, photo.position) == (4, 3, 0)
    assert photo.original.name.startswith(f"listings/{approved_listing.pk}/")
    assert "IMG_0001" not in photo.original.name
    assert approved_listing.state == State.SUBMITTED
    assert _returns(approved_listing) == [
        (State.APPROVED, State.SUBMITTED, "修改了：商品照片", seller.user.username)
    ]


def test_a_seventh_photo_is_refused_and_nothing_is_saved(seller, draft_listing):
    for _i in range(MAX_PHOTOS_PER_LISTING):
        listing_photo_add(actor=seller.user, listing=draft_listing, image=_photo())
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_photo_add(actor=seller.user, listing=draft_listing, image=_photo())

    assert str(raised.value) == PHOTO_TOO_MANY % {"max": 6}
    assert farmers_snapshot() == before
    assert list(
        ListingPhoto.objects.filter(listing=draft_listing).values_list("position", flat=True)
    ) == [0, 1, 2, 3, 4, 5]


def test_a_delisted_listing_edited_in_text_goes_to_review_when_relisted(seller, approved_listing):
    listing_delist(actor=seller.user, listing=approved_listing)
    listing_update(actor=seller.user, listing=approved_listing, title="新茶上市")
    still_delisted = Listing.objects.get(pk=approved_listing.pk).state

    relisted = listing_relist(actor=seller.user, listing=approved_listing)

    assert still_delisted == State.DELISTED
    assert (relisted.state, relisted.needs_review) == (State.SUBMITTED, False)
    assert list(
        ModerationDecision.objects.filter(listing=approved_listing)
        .order_by("pk")
        .values_list("action", "to_state")
    ) == [(Action.DELISTED, State.DELISTED), (Action.RELISTED, State.SUBMITTED)]


def test_a_delisted_listing_edited_only_in_price_relists_straight_to_live(seller, approved_listing):
    listing_delist(actor=seller.user, listing=approved_listing)
    listing_update(actor=seller.user, listing=approved_listing, price_fen=100)

    relisted = listing_relist(actor=seller.user, listing=approved_listing)

    assert relisted.state == State.APPROVED


def test_stock_set_keeps_a_live_listing_live(seller, approved_listing):
    listing_stock_set(actor=seller.user, listing=approved_listing, stock=0)

    approved_listing.refresh_from_db()
    assert (approved_listing.stock, approved_listing.state) == (0, State.APPROVED)
    assert not ModerationDecision.objects.filter(listing=approved_listing).exists()


def test_negative_stock_is_refused(seller, approved_listing):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_stock_set(actor=seller.user, listing=approved_listing, stock=-1)

    assert (str(raised.value), raised.value.field) == (str(MSG_STOCK_NEGATIVE), "stock")
    assert farmers_snapshot() == before


def test_a_live_listing_cannot_be_given_a_zero_price(seller, approved_listing):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_update(actor=seller.user, listing=approved_listing, price_fen=0)

    assert str(raised.value) == str(MSG_PRICE_REQUIRED)
    assert farmers_snapshot() == before


@pytest.mark.parametrize("field", ["state", "seller", "approved_at", "needs_review"])
def test_listing_update_refuses_fields_it_does_not_own(seller, operator, field):
    listing = ListingFactory(seller=seller, submitted=True)
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_update(actor=operator, listing=listing, **{field: None})

    assert str(raised.value) == MSG_UNKNOWN_FIELDS % {"fields": field}
    assert farmers_snapshot() == before
