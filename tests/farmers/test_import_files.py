"""Bulk import (farmers.imports, the 批量导入 admin page): the file formats it reads, the
templates, and the files it refuses whole with a 400 and nothing saved."""

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from farmers.imports import (
    COLUMNS,
    MSG_FILE_EMPTY,
    MSG_FILE_ENCODING,
    MSG_FILE_HEADERS_DUPLICATE,
    MSG_FILE_HEADERS_MISSING,
    MSG_FILE_TOO_BIG,
    MSG_FILE_TOO_MANY_ROWS,
    MSG_FILE_TYPE,
    MSG_FILE_XLS,
)
from farmers.models import ImportJob, Listing, Seller
from tests.farmers.import_helpers import (
    GOOD_ROWS,
    HEADER,
    IMPORT_URL,
    counts,
    csv_bytes,
    row,
    run_import,
    xlsx_bytes,
)
from tests.fixtures.farmers import farmers_snapshot

# Row messages are compared in Chinese (conftest.in_chinese).
pytestmark = pytest.mark.usefixtures("in_chinese")


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
