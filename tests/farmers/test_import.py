"""Bulk import of sellers and listings from CSV/XLSX (farmers.imports, the 批量导入 admin pages,
the farmers_import_run task and `manage.py import_listings`)."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from django_tenants.utils import tenant_context
from openpyxl import Workbook, load_workbook

from core.county_tasks import WrongSchemaError
from core.errors import ApplicationError
from farmers.imports import (
    COLUMNS,
    MSG_BATCH_DATE_REQUIRED,
    MSG_CATEGORY_UNKNOWN,
    MSG_CHOICE,
    MSG_DUPLICATE_ROW,
    MSG_FILE_EMPTY,
    MSG_FILE_ENCODING,
    MSG_FILE_HEADERS_DUPLICATE,
    MSG_FILE_HEADERS_MISSING,
    MSG_FILE_TOO_BIG,
    MSG_FILE_TOO_MANY_ROWS,
    MSG_FILE_TYPE,
    MSG_FILE_XLS,
    MSG_INTEGER,
    MSG_MOBILE,
    MSG_NEW_SELLER_NAME,
    MSG_PRICE_DECIMALS,
    MSG_PRICE_NOT_NUMBER,
    MSG_REQUIRED,
    import_job_create,
    import_job_run,
    price_fen_parse,
)
from farmers.models import (
    ImportJob,
    ImportRowResult,
    Listing,
    ListingCertification,
    ModerationDecision,
    Seller,
    TraceabilityBatch,
)
from farmers.services import (
    MSG_OPERATOR_ONLY,
    MSG_PRICE_REQUIRED,
    MSG_STOCK_NEGATIVE,
    listing_approve,
    listing_stock_set,
)
from farmers.tasks import farmers_import_run
from tests.factories.farmers import ListingFactory
from tests.fixtures.counties import OPERATOR_PASSWORD
from tests.fixtures.farmers import farmers_snapshot

IMPORT_URL = "/admin/farmers/import/"
HEADER = [
    "卖家手机号", "卖家名称", "所在村", "商品编号", "商品标题", "类目", "单位", "单价（元）",
    "库存", "采收开始", "采收结束", "认证类型", "证书编号", "批次号", "批次采收日期",
]  # fmt: skip


def row(mobile="13800138001", name="王大伯", village="大溪村", ref="", title="高山白菜",
        category="蔬菜", unit="斤", price="3.50", stock="200", start="", end="", cert="",
        number="", batch="", batch_date=""):  # fmt: skip
    return [mobile, name, village, ref, title, category, unit, price, stock, start, end, cert,
            number, batch, batch_date]  # fmt: skip


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run_import(actor, content, file_name="产品.csv", listing_state="submitted", **run):
    job = import_job_create(
        actor=actor, file_name=file_name, content=content, listing_state=listing_state, queue=False
    )
    return import_job_run(job_id=job.pk, **run)


def errors_of(job) -> dict[int, list[str]]:
    return {
        result.row_number: result.messages
        for result in job.results.filter(outcome=ImportRowResult.Outcome.FAILED)
    }


def counts(job) -> tuple:
    return (job.state, job.rows_total, job.rows_done, job.created, job.updated, job.unchanged,
            job.failed, job.sellers_created)  # fmt: skip


GOOD_ROWS = [
    row(ref="DX-001", title="高山白菜"),
    row(ref="DX-002", title="安吉白茶", category="茶叶", price="128", stock="30",
        cert="绿色食品", number="LB-18-0001", batch="AJ-2025-01", batch_date="2025-04-02"),
    row(mobile="13900139002", name="李阿姨", village="", title="土鸡蛋", category="禽蛋",
        unit="个", price="1.2", stock="500"),
]  # fmt: skip


@pytest.fixture(autouse=True)
def in_chinese():
    """Row messages are stored in the site's language; compare them in it whatever language
    an earlier test left active."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def run_tasks_now(monkeypatch):
    """farmers_import_run runs at once through Celery's apply() with the headers the service
    gave it, as tenant-schemas-celery would on a worker."""
    sent = []

    def apply_now(args=None, kwargs=None, **options):
        sent.append({"args": tuple(args or ()), "headers": options.get("headers")})
        result = farmers_import_run.apply(args=args, kwargs=kwargs, headers=options["headers"])
        result.get()
        return result

    monkeypatch.setattr(farmers_import_run, "apply_async", apply_now)
    return sent


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


# ------------------------------------------------------------------------------
# File formats
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("产品.csv", csv_bytes(GOOD_ROWS, encoding="utf-8")),
        ("产品.csv", csv_bytes(GOOD_ROWS, encoding="utf-8-sig")),
        ("产品.csv", csv_bytes(GOOD_ROWS, encoding="gb18030")),
        ("产品.xlsx", xlsx_bytes(GOOD_ROWS)),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "xlsx"],
)
def test_csv_in_each_encoding_and_xlsx_import_alike(operator, file_name, content):
    job = run_import(operator, content, file_name=file_name)

    assert counts(job) == ("done", 3, 3, 3, 0, 0, 0, 2)
    assert sorted(Listing.objects.values_list("title", "price_fen")) == [
        ("土鸡蛋", 120), ("安吉白茶", 12800), ("高山白菜", 350)
    ]  # fmt: skip
    assert Seller.objects.get(mobile="13900139002").name == "李阿姨"


def test_xlsx_cells_typed_by_excel_are_read_as_the_operator_sees_them(operator):
    typed = row(mobile=13800138001, price=3.5, stock=200.0, start=dt.datetime(2025, 4, 2),
                end=dt.date(2025, 5, 15))  # fmt: skip

    job = run_import(operator, xlsx_bytes([typed]), file_name="产品.xlsx")

    assert job.created == 1
    listing = Listing.objects.get()
    assert (listing.price_fen, listing.stock) == (350, 200)
    assert (listing.harvest_start, listing.harvest_end) == (
        dt.date(2025, 4, 2),
        dt.date(2025, 5, 15),
    )


def test_the_templates_download_and_import_back(operator_client, operator):
    csv_response = operator_client.get(f"{IMPORT_URL}template.csv")
    xlsx_response = operator_client.get(f"{IMPORT_URL}template.xlsx")

    headers = [column.header for column in COLUMNS]
    assert csv_response.status_code == xlsx_response.status_code == 200
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    assert csv_response.content.decode("utf-8-sig").strip() == ",".join(headers)
    workbook = load_workbook(io.BytesIO(xlsx_response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]] == headers
    help_text = " ".join(str(cell.value) for line in workbook["填写说明"].rows for cell in line)
    assert "公斤" in help_text and "农产品地理标志" in help_text and "茶叶" in help_text

    filled = dict.fromkeys(headers, "")
    filled.update({"卖家手机号": "13800138001", "卖家名称": "王大伯", "商品标题": "高山白菜",
                   "类目": "蔬菜", "单位": "斤", "单价（元）": "3.50", "库存": "10"})  # fmt: skip
    workbook.worksheets[0].append(list(filled.values()))
    out = io.BytesIO()
    workbook.save(out)
    from_xlsx = run_import(operator, out.getvalue(), file_name="模板.xlsx")
    from_csv = run_import(operator, csv_response.content + ",".join(filled.values()).encode())
    assert (from_xlsx.created, from_csv.unchanged) == (1, 1)


def test_the_format_document_describes_every_column():
    text = (Path(__file__).parents[2] / "docs" / "import-format.md").read_text(encoding="utf-8")

    assert [column.header for column in COLUMNS if f"| {column.header} |" not in text] == []


# ------------------------------------------------------------------------------
# Files refused whole: 400, nothing saved
# ------------------------------------------------------------------------------
UTF16 = "\ufeff卖家手机号,卖家名称\n13800138001,王大伯\n".encode("utf-16-le")
TOO_MANY = csv_bytes([row(title=f"白菜{n}") for n in range(5001)])


@pytest.mark.parametrize(
    ("file_name", "content", "message"),
    [
        ("产品.pdf", b"%PDF-1.4 ...", MSG_FILE_TYPE),
        ("产品.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, MSG_FILE_XLS),
        ("产品.xlsx", b"PK\x03\x04 not really a zip", "无法读取这个 XLSX 文件，它可能已损坏。"),
        ("产品.csv", b"a" * (5 * 1024 * 1024 + 1), MSG_FILE_TOO_BIG % {"mb": 5}),
        ("产品.csv", TOO_MANY, MSG_FILE_TOO_MANY_ROWS % {"max": 5000}),
        ("产品.csv", csv_bytes([row()], header=HEADER[:4] + HEADER[5:]),
         MSG_FILE_HEADERS_MISSING % {"columns": "商品标题"}),
        ("产品.csv", csv_bytes([row() + ["x"]], header=HEADER + ["单价(元)"]),
         MSG_FILE_HEADERS_DUPLICATE % {"columns": "单价(元)"}),
        ("产品.csv", UTF16, MSG_FILE_ENCODING),
        ("产品.csv", csv_bytes([]), MSG_FILE_EMPTY),
    ],
    ids=["pdf", "xls", "broken-xlsx", "too-big", "too-many-rows", "missing-header",
         "duplicate-header", "utf-16", "no-rows"],
)  # fmt: skip
def test_a_bad_file_is_refused_with_400_and_nothing_saved(
    operator_client, run_tasks_now, file_name, content, message
):
    before = farmers_snapshot()
    upload = io.BytesIO(content)
    upload.name = file_name

    response = operator_client.post(IMPORT_URL, {"file": upload, "listing_state": "submitted"})

    assert response.status_code == 400
    assert str(message) in response.content.decode()
    assert not ImportJob.objects.exists()
    assert farmers_snapshot() == before
    assert run_tasks_now == []


def test_a_post_without_a_file_is_refused(operator_client):
    response = operator_client.post(IMPORT_URL, {"listing_state": "submitted"})

    assert response.status_code == 400
    assert "请选择要导入的文件。" in response.content.decode()
    assert not ImportJob.objects.exists()


UPLOAD_HELP_EN = "CSV or XLSX with the column names in row 1; at most 5000 rows and 5 MB."
UPLOAD_HELP_ZH = "CSV 或 XLSX，第1行是列名，最多 5000 行、5 MB。"


def test_the_upload_help_is_in_the_readers_language(operator_client):
    """The file field's help is formatted per request: an English page shows it in English,
    not in the language that was active when the form's module was imported."""
    english = operator_client.get(IMPORT_URL, HTTP_ACCEPT_LANGUAGE="en")
    chinese = operator_client.get(IMPORT_URL, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert (english.status_code, chinese.status_code) == (200, 200)
    english_html, chinese_html = english.content.decode(), chinese.content.decode()
    assert UPLOAD_HELP_EN in english_html
    assert UPLOAD_HELP_ZH not in english_html
    assert UPLOAD_HELP_ZH in chinese_html
    assert UPLOAD_HELP_EN not in chinese_html


# ------------------------------------------------------------------------------
# The admin pages, the task and progress
# ------------------------------------------------------------------------------
def test_an_upload_queues_the_task_and_the_page_shows_the_result(
    operator_client, run_tasks_now, django_capture_on_commit_callbacks
):
    upload = io.BytesIO(csv_bytes([*GOOD_ROWS, row(title="坏行", price="abc")]))
    upload.name = "大溪村.csv"

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(IMPORT_URL, {"file": upload, "listing_state": "submitted"})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{IMPORT_URL}{job.pk}/"
    assert run_tasks_now == [
        {"args": (job.pk, "county_anji"), "headers": {"_schema_name": "county_anji"}}
    ]
    job.refresh_from_db()
    assert counts(job) == ("done", 4, 4, 3, 0, 0, 1, 2)
    html = operator_client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert html.count('class="import-row-error"') == 1
    assert "第 5 行" in html and MSG_PRICE_NOT_NUMBER % {"value": "abc"} in html
    assert "大溪村.csv" in operator_client.get(IMPORT_URL).content.decode()
    assert "/admin/farmers/import/" in operator_client.get("/admin/").content.decode()  # menu


def test_the_page_of_a_running_import_refreshes_itself(operator_client, operator):
    job = import_job_create(
        actor=operator, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
    )
    ImportJob.objects.filter(pk=job.pk).update(state="running", rows_done=2)

    html = operator_client.get(f"{IMPORT_URL}{job.pk}/").content.decode()

    assert '<meta http-equiv="refresh" content="2">' in html
    assert "已处理 2 / 3 行" in html
    assert 'value="66"' in html


def test_progress_is_saved_every_few_rows(operator):
    rows = [row(title=f"白菜{n}", price="abc" if n % 10 == 0 else "3") for n in range(45)]
    seen = []

    job = run_import(
        operator,
        csv_bytes(rows),
        progress_every=20,
        on_progress=lambda job: seen.append((job.rows_done, job.created, job.failed)),
    )

    assert seen == [(20, 18, 2), (40, 36, 4), (45, 40, 5)]
    saved = ImportJob.objects.get(pk=job.pk)
    assert counts(saved) == ("done", 45, 45, 40, 0, 0, 5, 1)


def test_the_task_runs_a_job_once(operator):
    job = import_job_create(
        actor=operator, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
    )
    headers = {"_schema_name": "county_anji"}

    first = farmers_import_run.apply(args=(job.pk, "county_anji"), headers=headers).get()
    snapshot = farmers_snapshot()
    second = farmers_import_run.apply(args=(job.pk, "county_anji"), headers=headers).get()

    expected = {"state": "done", "rows_done": 3, "created": 3, "updated": 0, "unchanged": 0,
                "failed": 0}  # fmt: skip
    assert first == second == expected
    assert farmers_snapshot() == snapshot
    assert ImportRowResult.objects.filter(job=job).count() == 3


def test_an_interrupted_job_goes_on_where_it_stopped(operator):
    job = import_job_create(
        actor=operator, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
    )
    ImportJob.objects.filter(pk=job.pk).update(state="running")
    ImportRowResult.objects.create(job=job, row_number=2, outcome="failed", messages=["x"])

    job = import_job_run(job_id=job.pk)

    assert counts(job) == ("done", 3, 3, 2, 0, 0, 1, 2)
    assert sorted(Listing.objects.values_list("title", flat=True)) == ["土鸡蛋", "安吉白茶"]


def test_the_task_in_the_wrong_county_refuses_and_imports_nothing(
    county, other_county, db, operator
):
    job = import_job_create(
        actor=operator, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
    )

    with tenant_context(other_county):
        result = farmers_import_run.apply(
            args=(job.pk, "county_anji"), headers={"_schema_name": "county_chunan"}
        )
        assert not Listing.objects.exists()
    connection.set_tenant(county)

    with pytest.raises(WrongSchemaError):
        result.get()
    job.refresh_from_db()
    assert (job.state, job.rows_done) == ("queued", 0)
    assert not Listing.objects.exists()


def test_the_command_imports_printing_progress_and_a_summary(operator, tmp_path):
    rows = [row(title=f"白菜{n}", price="abc" if n == 3 else "3") for n in range(120)]
    path = tmp_path / "大溪村.csv"
    path.write_bytes(csv_bytes(rows))
    out = io.StringIO()

    call_command("import_listings", str(path), "--county", "anji", stdout=out)

    job = ImportJob.objects.get()
    assert out.getvalue().splitlines() == [
        f"Import #{job.pk}: 120 rows from 大溪村.csv",
        "50/120 rows",
        "100/120 rows",
        "120/120 rows",
        "Done: 119 created, 0 updated, 0 unchanged, 1 failed; 1 new sellers.",
        f"Row 5: {MSG_PRICE_NOT_NUMBER % {'value': 'abc'}}",
    ]
    assert Listing.objects.count() == 119
    assert connection.schema_name == "county_anji"


# ------------------------------------------------------------------------------
# Who may import, and county isolation
# ------------------------------------------------------------------------------
def test_only_a_county_operator_may_import(seller):
    with pytest.raises(ApplicationError) as refused:
        import_job_create(
            actor=seller.user, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
        )

    assert refused.value.message == MSG_OPERATOR_ONLY
    assert not ImportJob.objects.exists()


def test_a_seller_is_sent_to_the_admin_login(county_client, seller):
    county_client.force_login(seller.user)

    response = county_client.get(IMPORT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_admin_user_who_is_not_an_operator_is_turned_away(county_client, in_county, operator):
    editor = get_user_model().objects.create_user(username="editor", password="editor-pass-123")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    job = import_job_create(
        actor=operator, file_name="产品.csv", content=csv_bytes(GOOD_ROWS), queue=False
    )
    county_client.force_login(editor)
    upload = io.BytesIO(csv_bytes(GOOD_ROWS))
    upload.name = "产品.csv"

    responses = [
        county_client.get(IMPORT_URL),
        county_client.get(f"{IMPORT_URL}{job.pk}/"),
        county_client.get(f"{IMPORT_URL}template.csv"),
        county_client.post(IMPORT_URL, {"file": upload}),
    ]

    # Wagtail's admin answers a PermissionDenied with its dashboard and "no permission".
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, "/admin/")] * 4
    assert ImportJob.objects.count() == 1
    assert "/admin/farmers/import/" not in county_client.get("/admin/").content.decode()


def test_an_import_stays_in_its_county(county, other_county, db, other_county_client):
    with tenant_context(county):
        operator = get_user_model().objects.get(username="operator")
        job = run_import(operator, csv_bytes(GOOD_ROWS), file_name="安吉的文件.csv")
        assert job.created == 3

    with tenant_context(other_county):
        assert (Seller.objects.count(), Listing.objects.count(), ImportJob.objects.count()) == (
            0, 0, 0
        )  # fmt: skip
        other_county_client.post(
            "/admin/login/", {"username": "operator", "password": OPERATOR_PASSWORD}
        )
        page = other_county_client.get(IMPORT_URL)
        detail = other_county_client.get(f"{IMPORT_URL}{job.pk}/")
    connection.set_schema_to_public()

    assert page.status_code == 200
    assert "安吉的文件.csv" not in page.content.decode()
    assert "批量导入" in page.content.decode()
    assert detail.status_code == 404
