"""The seller's own pages on a county host (/seller/): who gets in, what each page shows, the
two-tap stock update, and every refusal coming back as a 400 with its message, nothing
changed."""

import datetime as dt

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import override

from county_sites.ledger.selectors import seller_statement
from farmers.forms.seller import MSG_NUMBER_FORMAT
from farmers.models import Listing, ListingCertification, ModerationDecision, TraceabilityBatch
from farmers.services import (
    MSG_BATCH_CODE_TAKEN,
    MSG_CERTIFICATION_DUPLICATE,
    MSG_PRICE_REQUIRED,
    MSG_STOCK_NEGATIVE,
    MSG_STOCK_REQUIRED,
    listing_photo_add,
)
from hub.taxonomy import Certification, Unit
from tests.factories.farmers import (
    ListingCertificationFactory,
    ListingFactory,
    SellerUserFactory,
    TraceabilityBatchFactory,
    category,
)
from tests.farmers.test_images import encode
from tests.fixtures.farmers import farmers_snapshot

State = Listing.State
LOGIN = "/account/login/"
with override("zh-hans"):
    # Django's own message, as the pages show it in Chinese.
    REQUIRED = str(forms.Field.default_error_messages["required"])


def url(name: str, *args) -> str:
    return reverse(f"farmers:{name}", args=args)


@pytest.fixture
def seller_client(county_client, seller):
    county_client.force_login(seller.user)
    return county_client


def _listing_form(**overrides) -> dict:
    data = {
        "title": "安吉白茶",
        "category": category("tea").pk,
        "unit": Unit.BOX,
        "price_yuan": "128.50",
        "stock": "20",
        "min_order_qty": "1",
        "harvest_start": "2026-04-01",
        "harvest_end": "2026-04-20",
        "origin_village": "",
        "description": "明前茶，手工炒制。",
    }
    data.update(overrides)
    return data


def _edit_form(listing: Listing, **overrides) -> dict:
    data = {
        "title": listing.title,
        "category": listing.category_id,
        "unit": listing.unit,
        "price_yuan": listing.price_yuan,
        "stock": str(listing.stock),
        "min_order_qty": str(listing.min_order_qty),
        "harvest_start": "",
        "harvest_end": "",
        "origin_village": listing.origin_village,
        "description": listing.description,
    }
    data.update(overrides)
    return data


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


def _photo(listing):
    return listing_photo_add(
        actor=listing.seller.user, listing=listing, image=encode(_pixel(), "JPEG")
    )


def _pixel():
    from PIL import Image

    return Image.new("RGB", (8, 6), (10, 120, 10))


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


# ------------------------------------------------------------------------------
# Certifications and batches
# ------------------------------------------------------------------------------
def test_seller_adds_and_removes_a_certification(seller_client, draft_listing):
    response = seller_client.post(
        url("seller_certification_add", draft_listing.pk),
        {
            "kind": Certification.GREEN_FOOD,
            "certificate_number": "LB-18-1234567890",
            "issuer": "中国绿色食品发展中心",
            "valid_until": "2027-12-31",
        },
    )

    assert response.status_code == 303
    certification = ListingCertification.objects.get(listing=draft_listing)
    assert (certification.kind, certification.certificate_number) == (
        Certification.GREEN_FOOD,
        "LB-18-1234567890",
    )
    assert "LB-18-1234567890" in seller_client.get(response["Location"]).content.decode()

    removed = seller_client.post(
        url("seller_certification_remove", draft_listing.pk, certification.pk)
    )
    assert removed.status_code == 303
    assert not ListingCertification.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": Certification.GREEN_FOOD, "certificate_number": "LB-2"},
            MSG_CERTIFICATION_DUPLICATE % {"kind": "绿色食品"},
        ),
        ({"kind": Certification.ORGANIC, "certificate_number": ""}, "必须填写证书编号"),
    ],
)
def test_certification_refusals_are_400_with_nothing_changed(
    seller_client, draft_listing, data, message
):
    ListingCertificationFactory(listing=draft_listing, kind=Certification.GREEN_FOOD)
    before = farmers_snapshot()

    response = seller_client.post(url("seller_certification_add", draft_listing.pk), data)

    assert response.status_code == 400
    assert str(message) in response.content.decode()
    assert farmers_snapshot() == before


def test_seller_records_a_traceability_batch(seller_client, approved_listing):
    response = seller_client.post(
        url("seller_batch_add", approved_listing.pk),
        {
            "batch_code": "AJ-2026-0001",
            "harvest_date": "2026-04-02",
            "plot": "大溪村3号茶园",
            "inputs_note": "有机肥两次。",
        },
    )

    assert response.status_code == 303
    batch = TraceabilityBatch.objects.get(listing=approved_listing)
    assert (batch.batch_code, batch.harvest_date) == ("AJ-2026-0001", dt.date(2026, 4, 2))
    page = seller_client.get(response["Location"]).content.decode()
    assert url("trace", batch.code) in page


def test_a_batch_code_in_use_is_refused(seller_client, draft_listing):
    TraceabilityBatchFactory(batch_code="AJ-2026-0001")
    before = farmers_snapshot()

    response = seller_client.post(
        url("seller_batch_add", draft_listing.pk),
        {"batch_code": "AJ-2026-0001", "harvest_date": "2026-04-02"},
    )

    assert response.status_code == 400
    assert str(MSG_BATCH_CODE_TAKEN % {"code": "AJ-2026-0001"}) in response.content.decode()
    assert farmers_snapshot() == before


# ------------------------------------------------------------------------------
# Orders and statement
# ------------------------------------------------------------------------------
def test_orders_page_shows_an_empty_state_until_orders_exist(seller_client):
    response = seller_client.get(url("seller_orders"))

    assert response.status_code == 200
    assert "还没有订单" in response.content.decode()


def test_statement_shows_sold_commission_and_payable(seller_client, seller):
    seller.bank_name, seller.bank_account_last4 = "农商银行", "1234"
    seller.save()

    response = seller_client.get(url("seller_statement") + "?from=2026-09-01&to=2026-09-30")

    html = response.content.decode()
    assert response.status_code == 200
    for label in ("销售额", "平台佣金", "应付给您"):
        assert label in html
    assert html.count("¥0.00") == 3
    assert "这段时间还没有成交" in html
    assert 'value="2026-09-01"' in html and 'value="2026-09-30"' in html
    assert "农商银行 尾号 1234" in html


def test_statement_with_bad_dates_shows_this_month(seller_client):
    response = seller_client.get(url("seller_statement") + "?from=soon&to=2026-01-01")

    assert response.status_code == 200
    assert response.context["statement"].date_to == dt.date.today()


def test_seller_statement_sums_the_sellers_ledger_entries_in_the_period(
    seller_client, seller, other_seller
):
    from county_sites.ledger.models import LedgerEntry

    kinds = LedgerEntry.Kind
    in_period = dt.datetime(2026, 9, 30, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    before = dt.datetime(2026, 8, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for kind, amount, who, at in [
        (kinds.SELLER_PAYABLE, 11500, seller, in_period),
        (kinds.COMMISSION, 500, seller, in_period),
        (kinds.SELLER_PAYABLE, -2300, seller, in_period),  # a refund books the split back
        (kinds.COMMISSION, -100, seller, in_period),
        (kinds.SELLER_PAYABLE, 99900, seller, before),
        (kinds.SELLER_PAYABLE, 7700, other_seller, in_period),
        (kinds.PAYOUT, 5000, seller, in_period),
    ]:
        LedgerEntry.objects.create(kind=kind, amount_fen=amount, seller=who, created_at=at)

    statement = seller_statement(
        seller=seller, date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 9, 30)
    )
    page = seller_client.get(url("seller_statement") + "?from=2026-09-01&to=2026-09-30")

    assert (statement.sold_fen, statement.commission_fen, statement.payable_fen) == (
        9600,
        400,
        9200,
    )
    html = page.content.decode()
    assert "¥96.00" in html and "¥4.00" in html and "¥92.00" in html
