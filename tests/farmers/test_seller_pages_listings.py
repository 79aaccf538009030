"""The seller's own pages on a county host (/seller/): my listings, the two-tap stock update,
adding and editing a listing, submit, delist and relist; every refusal a 400 with its
message, nothing changed."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from farmers.forms.seller import MSG_NUMBER_FORMAT
from farmers.models import Listing, ModerationDecision
from farmers.services import MSG_PRICE_REQUIRED, MSG_STOCK_NEGATIVE, MSG_STOCK_REQUIRED
from hub.taxonomy import Unit
from tests.factories.farmers import ListingFactory, category
from tests.farmers.seller_pages_helpers import (
    REQUIRED,
    State,
    _edit_form,
    _listing_form,
    _photo,
    url,
)
from tests.fixtures.farmers import farmers_snapshot


# ------------------------------------------------------------------------------
# My listings and the two-tap stock update
# ------------------------------------------------------------------------------
def test_my_listings_show_state_price_and_the_rejection_reason(seller_client, seller, other_seller):
    ListingFactory(seller=seller, title="安吉白茶", price_fen=12850, unit=Unit.BOX)
    ListingFactory(seller=seller, title="高山笋干", submitted=True)
    ListingFactory(seller=seller, title="竹林鸡蛋", approved=True)
    ListingFactory(seller=seller, title="山核桃", rejected=True, rejection_reason="照片太暗看不清")
    ListingFactory(seller=seller, title="冬笋", delisted=True)
    ListingFactory(seller=other_seller, title="别人的蜂蜜")

    response = seller_client.get(url("seller_home"))

    html = response.content.decode()
    assert response.status_code == 200
    for title, badge in [
        ("安吉白茶", "草稿"),
        ("高山笋干", "待审核"),
        ("竹林鸡蛋", "已上架"),
        ("山核桃", "未通过"),
        ("冬笋", "已下架"),
    ]:
        assert title in html
        assert 'class="s-badge s-badge-' in html
        assert badge in html
    assert "¥128.50 / 箱" in html
    assert "照片太暗看不清" in html
    assert "别人的蜂蜜" not in html
    assert 'action="/seller/listings/new/"' not in html  # a link, not a form
    assert 'href="/seller/listings/new/"' in html


def test_home_shows_an_empty_state_without_listings(seller_client):
    response = seller_client.get(url("seller_home"))

    assert response.status_code == 200
    assert "您还没有商品" in response.content.decode()


def test_home_takes_the_same_queries_for_one_listing_or_many(seller_client, seller):
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert seller_client.get(url("seller_home")).status_code == 200
        return len(context.captured_queries)

    _photo(ListingFactory(seller=seller))
    queries()  # the first request reads what each process keeps (vocabularies, hosts)
    one = queries()
    for _i in range(4):
        _photo(ListingFactory(seller=seller))

    assert queries() == one


def test_stock_is_updated_in_two_taps_and_a_live_listing_stays_live(
    seller_client, approved_listing
):
    # tap 1: the number field on the list, prefilled with today's stock
    home = seller_client.get(url("seller_home")).content.decode()
    stock_action = url("seller_listing_stock", approved_listing.pk)
    assert f'action="{stock_action}"' in home
    assert f'id="stock-{approved_listing.pk}" name="stock" type="number"' in home
    assert 'value="100"' in home

    # tap 2: 保存
    response = seller_client.post(stock_action, {"stock": "42"})

    assert response.status_code == 303
    assert response["Location"] == f"/seller/#listing-{approved_listing.pk}"
    approved_listing.refresh_from_db()
    assert (approved_listing.stock, approved_listing.state) == (42, State.APPROVED)
    assert not ModerationDecision.objects.filter(listing=approved_listing).exists()
    page = seller_client.get(response["Location"]).content.decode()
    assert "库存已改为 42" in page


@pytest.mark.parametrize(
    ("value", "message"),
    [("-3", MSG_STOCK_NEGATIVE), ("abc", MSG_NUMBER_FORMAT), ("", REQUIRED)],
)
def test_bad_stock_is_refused_on_the_list_with_nothing_changed(
    seller_client, approved_listing, value, message
):
    before = farmers_snapshot()

    response = seller_client.post(
        url("seller_listing_stock", approved_listing.pk), {"stock": value}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert str(message) in html
    assert f'id="stock-error-{approved_listing.pk}"' in html
    assert farmers_snapshot() == before


# ------------------------------------------------------------------------------
# Add and edit a listing
# ------------------------------------------------------------------------------
def test_new_listing_page_has_the_fields_a_phone_needs(seller_client):
    response = seller_client.get(url("seller_listing_new"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="price_yuan"' in html and 'inputmode="decimal"' in html
    assert 'name="stock"' in html and 'inputmode="numeric"' in html
    assert 'type="date"' in html
    assert "茶叶" in html  # the province categories


def test_seller_adds_a_listing_as_a_draft_and_goes_on_to_its_photos(seller_client, seller):
    response = seller_client.post(url("seller_listing_new"), _listing_form())

    listing = Listing.objects.get(seller=seller)
    assert response.status_code == 303
    assert response["Location"] == url("seller_listing_edit", listing.pk) + "#photos"
    assert (listing.title, listing.state, listing.price_fen, listing.stock, listing.unit) == (
        "安吉白茶",
        State.DRAFT,
        12850,
        20,
        Unit.BOX,
    )
    assert listing.origin_village == seller.village
    assert listing.harvest_start == dt.date(2026, 4, 1)
    page = seller_client.get(response["Location"]).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="photos" accept="image/*" capture="environment"' in page
    assert 'type="file" name="photos" accept="image/*" multiple' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"price_yuan": "0"}, MSG_PRICE_REQUIRED),
        ({"price_yuan": "-1"}, MSG_PRICE_REQUIRED),
        ({"price_yuan": "3.505"}, "请填写单价（元），最多两位小数"),
        ({"stock": "-1"}, MSG_STOCK_NEGATIVE),
        ({"title": ""}, REQUIRED),
        ({"harvest_end": "2026-03-01"}, "采收结束日期不能早于开始日期。"),
    ],
)
def test_new_listing_refusals_are_400_with_the_message_and_nothing_saved(
    seller_client, seller, overrides, message
):
    response = seller_client.post(url("seller_listing_new"), _listing_form(**overrides))

    assert response.status_code == 400
    assert str(message) in response.content.decode()
    assert not Listing.objects.exists()


def test_new_listing_in_an_inactive_category_is_refused(seller_client):
    tea = category("tea")
    tea.is_active = False
    tea.save()

    response = seller_client.post(url("seller_listing_new"), _listing_form())

    assert response.status_code == 400
    assert not Listing.objects.exists()


def test_editing_price_of_a_live_listing_keeps_it_live(seller_client, approved_listing):
    response = seller_client.post(
        url("seller_listing_edit", approved_listing.pk),
        _edit_form(approved_listing, price_yuan="4.20"),
    )

    assert response.status_code == 303
    approved_listing.refresh_from_db()
    assert (approved_listing.price_fen, approved_listing.state) == (420, State.APPROVED)
    assert "已保存。" in seller_client.get(response["Location"]).content.decode()


def test_editing_the_title_of_a_live_listing_sends_it_back_to_review(
    seller_client, seller, approved_listing
):
    response = seller_client.post(
        url("seller_listing_edit", approved_listing.pk),
        _edit_form(approved_listing, title="竹林散养鸡蛋"),
    )

    assert response.status_code == 303
    approved_listing.refresh_from_db()
    assert (approved_listing.title, approved_listing.state) == ("竹林散养鸡蛋", State.SUBMITTED)
    assert list(
        ModerationDecision.objects.filter(listing=approved_listing).values_list("action", "actor")
    ) == [(ModerationDecision.Action.RETURNED_TO_REVIEW, seller.user.pk)]
    assert "商品已重新提交审核" in seller_client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"price_yuan": "0"}, MSG_PRICE_REQUIRED), ({"stock": "-5"}, MSG_STOCK_NEGATIVE)],
)
def test_edit_refusals_are_400_and_change_nothing(
    seller_client, approved_listing, overrides, message
):
    before = farmers_snapshot()

    response = seller_client.post(
        url("seller_listing_edit", approved_listing.pk),
        _edit_form(approved_listing, title="新标题", **overrides),
    )

    assert response.status_code == 400
    assert str(message) in response.content.decode()
    assert farmers_snapshot() == before


def test_edit_page_shows_the_listing_its_state_and_the_reason(seller_client, seller):
    listing = ListingFactory(seller=seller, rejected=True, rejection_reason="价格写错了")

    response = seller_client.get(url("seller_listing_edit", listing.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "价格写错了" in html
    assert 'value="3.50"' in html
    assert url("seller_listing_submit", listing.pk) in html


# ------------------------------------------------------------------------------
# Submit, delist, relist
# ------------------------------------------------------------------------------
def test_seller_submits_a_draft_for_review(seller_client, seller, draft_listing):
    response = seller_client.post(url("seller_listing_submit", draft_listing.pk))

    assert response.status_code == 303
    draft_listing.refresh_from_db()
    assert draft_listing.state == State.SUBMITTED
    assert ModerationDecision.objects.get(listing=draft_listing).actor == seller.user


def test_submit_from_the_list_comes_back_to_the_list(seller_client, draft_listing):
    response = seller_client.post(url("seller_listing_submit", draft_listing.pk), {"back": "home"})

    assert response["Location"] == f"/seller/#listing-{draft_listing.pk}"


def test_submit_without_stock_is_refused_with_its_message(seller_client, seller):
    listing = ListingFactory(seller=seller, stock=0)
    before = farmers_snapshot()

    response = seller_client.post(url("seller_listing_submit", listing.pk))

    assert response.status_code == 400
    assert str(MSG_STOCK_REQUIRED) in response.content.decode()
    assert farmers_snapshot() == before


def test_submitting_twice_is_refused_the_second_time(seller_client, submitted_listing):
    before = farmers_snapshot()

    response = seller_client.post(url("seller_listing_submit", submitted_listing.pk))

    assert response.status_code == 400
    assert "只有草稿或未通过的商品可以提交审核" in response.content.decode()
    assert farmers_snapshot() == before


def test_seller_delists_and_relists(seller_client, approved_listing):
    assert seller_client.post(url("seller_listing_delist", approved_listing.pk)).status_code == 303
    approved_listing.refresh_from_db()
    assert approved_listing.state == State.DELISTED

    assert seller_client.post(url("seller_listing_relist", approved_listing.pk)).status_code == 303
    approved_listing.refresh_from_db()
    assert approved_listing.state == State.APPROVED
