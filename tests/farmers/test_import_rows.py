"""Bulk import (farmers.imports), row by row: good rows kept, bad ones reported and nothing
saved for them, prices in yuan, and importing the same or an edited file again."""

import re

import pytest

from farmers.imports import (
    MSG_BATCH_DATE_REQUIRED,
    MSG_CATEGORY_UNKNOWN,
    MSG_CHOICE,
    MSG_DUPLICATE_ROW,
    MSG_INTEGER,
    MSG_MOBILE,
    MSG_NEW_SELLER_NAME,
    MSG_PRICE_DECIMALS,
    MSG_PRICE_NOT_NUMBER,
    MSG_REQUIRED,
    price_fen_parse,
)
from farmers.models import (
    Listing,
    ListingCertification,
    ModerationDecision,
    Seller,
    TraceabilityBatch,
)
from farmers.services import (
    MSG_PRICE_REQUIRED,
    MSG_STOCK_NEGATIVE,
    listing_approve,
    listing_stock_set,
)
from tests.factories.farmers import ListingFactory
from tests.farmers.import_helpers import (
    GOOD_ROWS,
    HEADER,
    counts,
    csv_bytes,
    errors_of,
    row,
    run_import,
)
from tests.fixtures.farmers import farmers_snapshot

# Row messages are compared in Chinese (conftest.in_chinese).
pytestmark = pytest.mark.usefixtures("in_chinese")


# ------------------------------------------------------------------------------
# Rows: good ones kept, bad ones reported and saved nothing
# ------------------------------------------------------------------------------
def test_mixed_rows_keep_the_good_ones_and_report_each_bad_one(operator):
    rows = [
        row(ref="DX-001", title="高山白菜"),  # 2
        row(title="安吉白茶", category="茶叶", cert="绿色食品", number="LB-18-0001"),  # 3
        row(title="海鲜", category="海鲜干货", unit="吨"),  # 4
        row(mobile="13700137005", name="新农户", title="笋干", price="12.505"),  # 5
        row(title="毛竹", price="abc", stock="-3"),  # 6
        row(mobile="1380013", title="竹笋"),  # 7
        row(mobile="13700137008", name="赵六", title="春笋", start="2025-05-01", end="2025-04-01"),
        row(title="有机茶", category="茶叶", cert="有机产品"),  # 9
        row(title=""),  # 10
        row(mobile="13600136011", name="", title="山核桃"),  # 11
        row(title="白菜苗", price="0"),  # 12
        [""] * len(HEADER),  # 13: empty, skipped
        row(mobile="13500135014", name="周师傅", title="竹篮", category="日用百货", unit="件"),
        row(title="粽叶", batch="AJ-1"),  # 15
        row(title="竹笋干", stock="1.5"),  # 16
    ]

    job = run_import(operator, csv_bytes(rows))

    assert counts(job) == ("done", 14, 14, 3, 0, 0, 11, 2)
    assert errors_of(job) == {
        4: [MSG_CATEGORY_UNKNOWN % {"value": "海鲜干货"},
            MSG_CHOICE % {"column": "单位", "value": "吨",
                          "choices": "斤、公斤、箱、件、袋、盒、瓶、只、个、把、桶"}],
        5: [MSG_PRICE_DECIMALS % {"value": "12.505"}],
        6: [MSG_PRICE_NOT_NUMBER % {"value": "abc"}, str(MSG_STOCK_NEGATIVE)],
        7: [MSG_MOBILE % {"value": "1380013"}],
        8: ["采收结束日期不能早于开始日期。"],
        9: ["“有机产品”必须填写证书编号。"],
        10: [MSG_REQUIRED % {"column": "商品标题"}],
        11: [MSG_NEW_SELLER_NAME % {"mobile": "13600136011"}],
        12: [str(MSG_PRICE_REQUIRED)],
        15: [str(MSG_BATCH_DATE_REQUIRED)],
        16: [MSG_INTEGER % {"column": "库存", "value": "1.5"}],
    }  # fmt: skip
    assert sorted(Listing.objects.values_list("title", flat=True)) == [
        "安吉白茶",
        "竹篮",
        "高山白菜",
    ]
    assert sorted(Seller.objects.values_list("mobile", flat=True)) == ["13500135014", "13800138001"]
    assert ListingCertification.objects.get().certificate_number == "LB-18-0001"
    assert not TraceabilityBatch.objects.exists()
    results = dict(job.results.values_list("row_number", "outcome"))
    assert (results[2], results[3], results[14]) == ("created", "created", "created")
    assert 13 not in results


def test_new_sellers_are_registered_on_a_paper_form_by_the_operator(operator):
    run_import(operator, csv_bytes(GOOD_ROWS))

    wang = Seller.objects.get(mobile="13800138001")
    assert (wang.name, wang.kind, wang.village) == ("王大伯", "farmer", "大溪村")
    assert wang.consent_method == Seller.ConsentMethod.PAPER_FORM
    assert wang.consent_recorded_by == operator
    assert wang.user is None


def test_new_listings_are_submitted_never_approved(operator):
    job = run_import(operator, csv_bytes(GOOD_ROWS))

    assert counts(job) == ("done", 3, 3, 3, 0, 0, 0, 2)
    tea = Listing.objects.get(title="安吉白茶")
    assert (tea.state, tea.price_fen, tea.stock, tea.category.name, tea.unit) == (
        "submitted",
        12800,
        30,
        "茶叶",
        "jin",
    )
    assert tea.origin_village == "大溪村"
    assert tea.batches.get().batch_code == "AJ-2025-01"
    eggs = Listing.objects.get(title="土鸡蛋")
    assert (eggs.price_fen, eggs.unit, eggs.origin_village) == (120, "item", "")
    assert set(Listing.objects.values_list("state", flat=True)) == {"submitted"}
    assert (
        list(ModerationDecision.objects.values_list("action", "actor"))
        == [("submitted", operator.pk)] * 3
    )


def test_the_operator_may_import_new_listings_as_drafts(operator):
    job = run_import(operator, csv_bytes(GOOD_ROWS), listing_state="draft")

    assert job.created == 3
    assert set(Listing.objects.values_list("state", flat=True)) == {"draft"}
    assert not ModerationDecision.objects.exists()


def test_a_submitted_row_without_stock_is_refused(operator):
    job = run_import(operator, csv_bytes([row(stock="0")]))

    assert errors_of(job) == {2: ["提交审核前请填写库存（大于0）。"]}
    assert not Listing.objects.exists()
    assert not Seller.objects.exists()


def test_the_same_listing_twice_in_one_file_is_reported_on_the_second_row(operator):
    job = run_import(
        operator,
        csv_bytes(
            [
                row(title="高山白菜"),
                row(title="高山白菜", price="4"),
                row(ref="A", title="笋"),
                row(ref="A", title="笋干"),
            ]
        ),
    )

    assert errors_of(job) == {
        3: [MSG_DUPLICATE_ROW % {"row": 2, "key": "商品标题"}],
        5: [MSG_DUPLICATE_ROW % {"row": 4, "key": "商品编号"}],
    }
    assert sorted(Listing.objects.values_list("title", "price_fen")) == [
        ("笋", 350),
        ("高山白菜", 350),
    ]


def test_a_seller_only_row_registers_the_seller(operator):
    header = ["卖家手机号", "卖家名称", "卖家类型", "所在村", "商品标题", "类目", "单位",
              "单价（元）", "库存"]  # fmt: skip
    content = csv_bytes(
        [["13800138001", "竹乡合作社", "合作社", "大溪村", "", "", "", "", ""]], header
    )

    first = run_import(operator, content)
    second = run_import(operator, content)

    seller = Seller.objects.get()
    assert (seller.name, seller.kind) == ("竹乡合作社", "cooperative")
    assert not Listing.objects.exists()
    assert counts(first)[3:] == (1, 0, 0, 0, 1)
    assert counts(second)[3:] == (0, 0, 1, 0, 0)


@pytest.mark.parametrize(
    ("text", "fen"),
    [("12.50", 1250), ("12.5", 1250), ("12", 1200), ("0.01", 1), ("¥3.20", 320),
     ("1,280.00", 128000), ("12.500", 1250)],
)  # fmt: skip
def test_prices_in_yuan_become_exact_fen(text, fen):
    assert price_fen_parse(text) == fen


@pytest.mark.parametrize(
    ("text", "message"),
    [("12.345", MSG_PRICE_DECIMALS % {"value": "12.345"}), ("0", str(MSG_PRICE_REQUIRED)),
     ("-1", MSG_PRICE_NOT_NUMBER % {"value": "-1"}),
     ("1e3", MSG_PRICE_NOT_NUMBER % {"value": "1e3"}),
     ("十二", MSG_PRICE_NOT_NUMBER % {"value": "十二"})],
)  # fmt: skip
def test_prices_that_are_not_exact_yuan_are_refused(text, message):
    with pytest.raises(ValueError, match=re.escape(str(message))):
        price_fen_parse(text)


# ------------------------------------------------------------------------------
# Importing again: nothing duplicated
# ------------------------------------------------------------------------------
def test_importing_the_same_file_again_changes_nothing(operator):
    content = csv_bytes(GOOD_ROWS)
    run_import(operator, content)
    before = farmers_snapshot()

    again = run_import(operator, content)

    assert counts(again) == ("done", 3, 3, 0, 0, 3, 0, 0)
    assert farmers_snapshot() == before


def test_importing_again_keeps_what_the_seller_changed_since(operator):
    content = csv_bytes(GOOD_ROWS)
    run_import(operator, content)
    cabbage = Listing.objects.get(title="高山白菜")
    listing_stock_set(actor=operator, listing=cabbage, stock=7)

    again = run_import(operator, content)

    assert again.unchanged == 3
    cabbage.refresh_from_db()
    assert cabbage.stock == 7


def test_an_edited_row_updates_its_listing_and_text_edits_go_back_to_review(operator):
    run_import(operator, csv_bytes(GOOD_ROWS))
    for listing in Listing.objects.all():
        listing_approve(actor=operator, listing=listing)
    edited = [
        row(ref="DX-001", title="高山大白菜"),  # title edited: back to review
        GOOD_ROWS[1][:7] + ["118"] + GOOD_ROWS[1][8:],  # price edited: stays live
        GOOD_ROWS[2],
    ]

    job = run_import(operator, csv_bytes(edited))

    assert counts(job) == ("done", 3, 3, 0, 2, 1, 0, 0)
    assert Listing.objects.count() == 3
    cabbage = Listing.objects.get(title="高山大白菜")
    tea = Listing.objects.get(title="安吉白茶")
    assert (cabbage.state, tea.state, tea.price_fen) == ("submitted", "approved", 11800)
    decision = ModerationDecision.objects.filter(listing=cabbage).first()
    assert (decision.action, decision.actor, decision.reason) == (
        "returned_to_review",
        operator,
        "修改了：标题",
    )


def test_a_listing_made_by_hand_is_found_by_its_title(operator, seller):
    listing = ListingFactory(seller=seller, title="高山笋干", price_fen=900)

    job = run_import(
        operator, csv_bytes([row(mobile=seller.mobile, title="高山笋干", price="9.5")])
    )

    assert (job.created, job.updated) == (0, 1)
    listing.refresh_from_db()
    assert (Listing.objects.count(), listing.price_fen) == (1, 950)


def test_an_existing_seller_is_not_renamed_but_a_blank_village_is_filled(operator, seller):
    Seller.objects.filter(pk=seller.pk).update(village="")

    run_import(operator, csv_bytes([row(mobile=seller.mobile, name="别的名字", village="黄杜村")]))

    seller.refresh_from_db()
    assert (seller.name, seller.village) == ("王大伯", "黄杜村")
