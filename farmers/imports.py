"""Bulk import of sellers and listings from a CSV or XLSX file (docs/import-format.md).

One sheet, one row per listing, the seller's columns repeated on each of their rows:
operators keep one spreadsheet per village and paste it in, with no second sheet to keep in
step. A row whose listing columns are all empty registers (or completes) just the seller.

Three steps:
1. import_job_create (when the file is uploaded, in the request): file-level checks
   (type, size, encoding, row count, header columns). A file failing them is refused whole
   with ImportFileError and nothing is saved. Otherwise its rows are stored on an ImportJob
   and farmers_import_run is queued once the transaction commits.
2. import_job_run (in the Celery task or `manage.py import_listings`): each row is checked
   (row_parse) and written through farmers.services, in its own transaction, so a bad row
   saves nothing and never stops the good ones. Progress is saved every few rows.
3. The row's key (seller mobile + 商品编号, or + title when there is none) is remembered in
   ImportedListing with what was written, so the same file imported again changes nothing
   ("unchanged"), and an edited row updates its listing through listing_update (an approved
   listing whose text changed goes back to review).

New listings are drafts or submitted for review (the operator's choice), never approved.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.services import mobile_normalize
from core.county_tasks import task_queue
from core.errors import ApplicationError
from core.roles import is_county_operator
from farmers.models import (
    ImportedListing,
    ImportJob,
    ImportRowResult,
    Listing,
    Seller,
    TraceabilityBatch,
)
from farmers.services import (
    MSG_OPERATOR_ONLY,
    MSG_PRICE_REQUIRED,
    MSG_STOCK_NEGATIVE,
    listing_certification_add,
    listing_certification_remove,
    listing_create,
    listing_submit,
    listing_update,
    seller_register,
    seller_update,
    traceability_batch_create,
)
from hub.models import Category
from hub.taxonomy import Certification, Unit

# ------------------------------------------------------------------------------
# Limits
# ------------------------------------------------------------------------------
# A village's whole produce list is a few hundred rows; 5,000 rows take a worker about a
# minute, and a bigger file is more likely a wrong export than a real list.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX is a zip: refuse one that unpacks to more than this (a "zip bomb").
MAX_XLSX_UNPACKED_BYTES = 60 * 1024 * 1024
# Save progress (and let the admin page move) every this many rows.
PROGRESS_EVERY = 20
MAX_PRICE_FEN = 100_000_000  # 1,000,000 yuan: more is a typo (a price in fen, or a phone)
MAX_EXTERNAL_REF_LENGTH = 64

# ------------------------------------------------------------------------------
# Messages (module constants so tests assert on them)
# ------------------------------------------------------------------------------
MSG_FILE_TYPE = _("只能导入 CSV 或 XLSX 文件。")
MSG_FILE_XLS = _("这是旧版 Excel（.xls）文件，请在 Excel 中“另存为” .xlsx 后再导入。")
MSG_FILE_TOO_BIG = _("文件不能超过 %(mb)s MB。")
MSG_FILE_EMPTY = _("文件里没有数据行：第1行是列名，数据从第2行开始。")
MSG_FILE_TOO_MANY_ROWS = _("一次最多导入 %(max)s 行，请把文件分成几个再导入。")
MSG_FILE_ENCODING = _("无法识别 CSV 文件的编码，请保存为 UTF-8 或 GB18030（GBK）编码。")
MSG_FILE_UNREADABLE = _("无法读取这个 XLSX 文件，它可能已损坏。")
MSG_FILE_HEADERS_MISSING = _("缺少必填列：%(columns)s。第1行应是列名，请使用下载的模板。")
MSG_FILE_HEADERS_DUPLICATE = _("列名重复：%(columns)s。")
MSG_LISTING_STATE = _("新商品只能保存为草稿或提交审核。")

MSG_REQUIRED = _("请填写“%(column)s”。")
MSG_NEW_SELLER_NAME = _("手机号 %(mobile)s 还不是卖家：登记新卖家请填写“卖家名称”。")
MSG_MOBILE = _("“卖家手机号”应为11位中国大陆手机号码：%(value)s")
MSG_CHOICE = _("“%(column)s”不能是“%(value)s”，可填：%(choices)s。")
MSG_CATEGORY_UNKNOWN = _("没有“%(value)s”这个类目。")
MSG_CATEGORY_AMBIGUOUS = _("有几个类目都叫“%(value)s”，请写成“上级类目 > 类目”。")
MSG_PRICE_NOT_NUMBER = _("“单价（元）”应是数字，如 12.50：%(value)s")
MSG_PRICE_DECIMALS = _("单价最多两位小数（精确到分）：%(value)s")
MSG_PRICE_TOO_HIGH = _("单价不能超过 %(max)s 元：%(value)s")
MSG_INTEGER = _("“%(column)s”应是整数：%(value)s")
MSG_MIN_ORDER = _("起订量至少为1。")
MSG_DATE = _("“%(column)s”应是日期，如 2025-04-02：%(value)s")
MSG_TOO_LONG = _("“%(column)s”最多 %(max)s 个字。")
MSG_CERTIFICATE_WITHOUT_KIND = _("填写了证书信息，请同时填写“认证类型”。")
MSG_BATCH_WITHOUT_CODE = _("填写了批次信息，请同时填写“批次号”。")
MSG_BATCH_DATE_REQUIRED = _("填写了批次号，请同时填写“批次采收日期”。")
MSG_DUPLICATE_ROW = _("与第 %(row)s 行是同一个商品（卖家手机号和%(key)s都相同）。")
MSG_TITLE_AMBIGUOUS = _("这个卖家有 %(count)s 个叫“%(title)s”的商品，请填写“商品编号”区分。")
MSG_CONFLICT = _("另一个导入正在修改同一个卖家或商品，请稍后重新导入这个文件。")


# ------------------------------------------------------------------------------
# The format: one column list, used by the parser, the templates and the help sheet
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    key: str
    # The header text in the file. Part of the file format, not UI text: the same in every
    # admin language (the English `key` is accepted as a header too).
    header: str
    required: bool
    help: str
    example: str = ""
    # Kept as text in the XLSX template so Excel does not turn 13800138000 into 1.38E+10.
    text: bool = False
    # Seller columns, listing columns, certification and traceability batch columns.
    group: str = "listing"


COLUMNS: tuple[Column, ...] = (
    Column("seller_mobile", "卖家手机号", True, _("11位手机号码，用来识别卖家：还没登记的号码会登记为新卖家。"), "13800138000", text=True, group="seller"),  # noqa: E501
    Column("seller_name", "卖家名称", True, _("新卖家必填；已登记的卖家不会被改名。"), "王大伯", group="seller"),  # noqa: E501
    Column("seller_kind", "卖家类型", False, _("农户、合作社或商户，不填为农户。"), "农户", group="seller"),  # noqa: E501
    Column("seller_village", "所在村", False, _("卖家所在的村；已登记的卖家只在原来为空时补填。"), "大溪村", group="seller"),  # noqa: E501
    Column("external_ref", "商品编号", False, _("您自己给商品的编号（选填）。填了编号，以后修改标题也能找到原商品；不填则按卖家手机号+标题识别。"), "DX-001", text=True),  # noqa: E501
    Column("title", "商品标题", True, _("买家看到的商品名称，最多80个字。"), "高山白菜"),
    Column("category", "类目", True, _("省级类目名称，如“蔬菜”；子类目写成“蔬菜 > 叶菜”。"), "蔬菜"),  # noqa: E501
    Column("unit", "单位", True, _("计价单位，如斤、公斤、箱。"), "斤"),
    Column("price", "单价（元）", True, _("以元为单位，最多两位小数，如 3.50。"), "3.50", text=True),  # noqa: E501
    Column("stock", "库存", True, _("整数，不小于0；提交审核的商品须大于0。"), "200"),
    Column("min_order_qty", "起订量", False, _("整数，至少为1，不填为1。"), "1"),
    Column("harvest_start", "采收开始", False, _("日期，如 2025-04-02。"), "2025-04-02", text=True),  # noqa: E501
    Column("harvest_end", "采收结束", False, _("日期，不能早于采收开始。"), "2025-05-15", text=True),  # noqa: E501
    Column("origin_village", "产地村", False, _("不填则为卖家所在村。"), "大溪村"),
    Column("description", "描述", False, _("商品介绍。"), "山上种的白菜，没打农药。"),
    Column("certification", "认证类型", False, _("绿色食品、有机产品或农产品地理标志；每行一个。"), "", group="certification"),  # noqa: E501
    Column("certificate_number", "证书编号", False, _("填写认证类型时必填。"), "", text=True, group="certification"),  # noqa: E501
    Column("certificate_issuer", "发证机构", False, _("选填。"), "", group="certification"),
    Column("certificate_valid_until", "证书有效期至", False, _("日期，选填。"), "", text=True, group="certification"),  # noqa: E501
    Column("batch_code", "批次号", False, _("溯源批次号（本县唯一），选填。"), "", text=True, group="batch"),  # noqa: E501
    Column("batch_harvest_date", "批次采收日期", False, _("填写批次号时必填。"), "", text=True, group="batch"),  # noqa: E501
    Column("batch_plot", "地块", False, _("选填。"), "", group="batch"),
    Column("batch_inputs_note", "投入品说明", False, _("施肥、用药等情况，选填。"), "", group="batch"),  # noqa: E501
)  # fmt: skip
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_COLUMNS = tuple(column for column in COLUMNS if column.required)
# The columns that make a row a listing row: all of them empty makes it a seller-only row.
LISTING_KEYS = tuple(column.key for column in COLUMNS if column.group != "seller")


def _header_normal(text: str) -> str:
    text = re.sub(r"\s+", "", str(text or "")).rstrip("*＊")
    return text.replace("(", "（").replace(")", "）").lower()


HEADER_LOOKUP = {
    **{_header_normal(column.header): column.key for column in COLUMNS},
    **{_header_normal(column.key): column.key for column in COLUMNS},
}


# ------------------------------------------------------------------------------
# Reading the file
# ------------------------------------------------------------------------------
class ImportFileError(ApplicationError):
    """The file as a whole is refused: nothing from it is saved."""


@dataclass(frozen=True)
class ImportTable:
    file_format: str
    # [(row number as Excel shows it, {column key: cell text})], empty rows left out
    rows: list[tuple[int, dict[str, str]]]
    columns: tuple[str, ...]


def _cell_text(value) -> str:
    """A cell as the text an operator sees: 3.5 -> "3.5", 200.0 -> "200", dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _records_csv(content: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(MSG_FILE_ENCODING)
    if "\x00" in text:
        # UTF-16 ("Unicode text" from Excel) decodes as GB18030 full of NULs.
        raise ImportFileError(MSG_FILE_ENCODING)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise ImportFileError(MSG_FILE_TYPE) from error


def _records_xlsx(content: bytes):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ImportFileError(MSG_FILE_UNREADABLE) from error
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(MSG_FILE_TOO_BIG % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ImportFileError(MSG_FILE_UNREADABLE) from error
    try:
        # The first sheet; the template's second sheet is the help (填写说明).
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _file_format(file_name: str, content: bytes) -> str:
    name = (file_name or "").lower()
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(MSG_FILE_XLS)
    if name.endswith(".xlsx"):
        if not content.startswith(b"PK\x03\x04"):
            raise ImportFileError(MSG_FILE_UNREADABLE)
        return ImportJob.Format.XLSX
    if name.endswith((".csv", ".txt")):
        return ImportJob.Format.CSV
    if name.endswith(".xls"):
        raise ImportFileError(MSG_FILE_XLS)
    raise ImportFileError(MSG_FILE_TYPE)


def import_file_read(*, file_name: str, content: bytes) -> ImportTable:
    """The rows of an uploaded file, or ImportFileError for a file refused whole."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(MSG_FILE_TOO_BIG % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    file_format = _file_format(file_name, content)
    records = (
        _records_xlsx(content) if file_format == ImportJob.Format.XLSX else _records_csv(content)
    )
    header = [cell.strip() if isinstance(cell, str) else _cell_text(cell) for cell in
              next(records, [])]  # fmt: skip
    keys: list[str | None] = [HEADER_LOOKUP.get(_header_normal(cell)) for cell in header]
    seen, duplicates = set(), []
    for cell, key in zip(header, keys, strict=True):
        if key is not None:
            if key in seen:
                duplicates.append(cell)
            seen.add(key)
    if duplicates:
        raise ImportFileError(MSG_FILE_HEADERS_DUPLICATE % {"columns": "、".join(duplicates)})
    missing = [column.header for column in REQUIRED_COLUMNS if column.key not in seen]
    if missing:
        raise ImportFileError(MSG_FILE_HEADERS_MISSING % {"columns": "、".join(missing)})
    rows = []
    for row_number, record in enumerate(records, start=2):
        values = {
            key: (cell or "").strip()
            for key, cell in zip(keys, record, strict=False)
            if key is not None
        }
        if not any(values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(MSG_FILE_TOO_MANY_ROWS % {"max": MAX_ROWS})
        rows.append((row_number, values))
    if not rows:
        raise ImportFileError(MSG_FILE_EMPTY)
    return ImportTable(file_format=file_format, rows=rows, columns=tuple(sorted(seen)))


# ------------------------------------------------------------------------------
# Checking one row
# ------------------------------------------------------------------------------
class Lookups:
    """The vocabularies a row is checked against, read once per import."""

    def __init__(self):
        self.categories: dict[str, list[Category]] = {}
        for category in Category.objects.select_related("parent"):
            names = [category.slug, category.name]
            if category.parent_id:
                names.append(f"{category.parent.name}>{category.name}")
            for name in names:
                self.categories.setdefault(_category_normal(name), []).append(category)

    def category(self, text: str) -> Category:
        found = self.categories.get(_category_normal(text), [])
        if not found:
            raise ValueError(MSG_CATEGORY_UNKNOWN % {"value": text})
        if len({category.pk for category in found}) > 1:
            raise ValueError(MSG_CATEGORY_AMBIGUOUS % {"value": text})
        return found[0]


def _category_normal(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[＞/／\\]|&gt;", ">", text).lower()


def _choice(column_key: str, text: str, choices) -> str:
    for value, label in choices.choices:
        if text in (value, str(label)):
            return value
    raise ValueError(
        MSG_CHOICE
        % {
            "column": COLUMNS_BY_KEY[column_key].header,
            "value": text,
            "choices": "、".join(str(label) for label in choices.labels),
        }
    )


PRICE_RE = re.compile(r"^\d+(\.\d+)?$")
DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?$")
INTEGER_RE = re.compile(r"^-?\d+(?:\.0+)?$")


def price_fen_parse(text: str) -> int:
    """ "12.50" yuan -> 1250 fen, exactly (Decimal, never float); more than 2 decimals refused."""
    cleaned = text.replace(",", "").lstrip("¥￥").strip()
    if not PRICE_RE.match(cleaned):
        raise ValueError(MSG_PRICE_NOT_NUMBER % {"value": text})
    try:
        fen = Decimal(cleaned) * 100
    except InvalidOperation as error:
        raise ValueError(MSG_PRICE_NOT_NUMBER % {"value": text}) from error
    if fen != fen.to_integral_value():
        raise ValueError(MSG_PRICE_DECIMALS % {"value": text})
    if fen <= 0:
        raise ValueError(MSG_PRICE_REQUIRED)
    if fen > MAX_PRICE_FEN:
        raise ValueError(MSG_PRICE_TOO_HIGH % {"max": MAX_PRICE_FEN // 100, "value": text})
    return int(fen)


def _integer(column_key: str, text: str) -> int:
    if not INTEGER_RE.match(text):
        raise ValueError(MSG_INTEGER % {"column": COLUMNS_BY_KEY[column_key].header, "value": text})
    return int(Decimal(text))


def _date(column_key: str, text: str) -> dt.date:
    match = DATE_RE.match(text)
    try:
        if match is None:
            raise ValueError(text)
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise ValueError(
            MSG_DATE % {"column": COLUMNS_BY_KEY[column_key].header, "value": text}
        ) from error


@dataclass
class ParsedRow:
    row_number: int
    errors: list[str] = field(default_factory=list)
    mobile: str = ""
    seller: dict = field(default_factory=dict)
    # Listing fields for the services, only those filled in (empty optional cells leave the
    # listing's value as it is).
    listing: dict = field(default_factory=dict)
    certification: dict | None = None
    batch: dict | None = None
    external_ref: str = ""

    @property
    def is_listing_row(self) -> bool:
        return bool(self.listing) or self.certification is not None or self.batch is not None

    @property
    def key(self) -> str:
        if self.external_ref:
            return f"ref:{self.external_ref}"
        return f"title:{self.listing.get('title', '')}"

    def values(self) -> dict:
        """What this row writes, as JSON, to compare with the last import of the same key."""
        listing = dict(self.listing)
        if "category" in listing:
            listing["category"] = listing["category"].pk
        return json.loads(
            json.dumps(
                {"listing": listing, "certification": self.certification, "batch": self.batch},
                default=str,
                sort_keys=True,
            )
        )


def row_parse(row_number: int, cells: dict[str, str], lookups: Lookups) -> ParsedRow:
    """Check one row's cells; every problem found goes in `errors`, in column order."""
    row = ParsedRow(row_number=row_number)
    errors = row.errors

    def cell(key: str) -> str:
        return cells.get(key, "").strip()

    def parse(key: str, parser: Callable[[str], object]):
        try:
            return parser(cell(key))
        except ValueError as error:
            errors.append(str(error.args[0]))
            return None

    if not cell("seller_mobile"):
        errors.append(str(MSG_REQUIRED % {"column": COLUMNS_BY_KEY["seller_mobile"].header}))
    else:
        try:
            row.mobile = mobile_normalize(mobile=cell("seller_mobile"))
        except ApplicationError:
            errors.append(str(MSG_MOBILE % {"value": cell("seller_mobile")}))
    row.seller = {"name": cell("seller_name"), "village": cell("seller_village")}
    if cell("seller_kind"):
        row.seller["kind"] = parse(
            "seller_kind", partial(_choice, "seller_kind", choices=Seller.Kind)
        )

    if not any(cell(key) for key in LISTING_KEYS):
        return row  # a seller-only row

    row.external_ref = cell("external_ref")
    if len(row.external_ref) > MAX_EXTERNAL_REF_LENGTH:
        errors.append(
            str(MSG_TOO_LONG % {"column": COLUMNS_BY_KEY["external_ref"].header,
                                "max": MAX_EXTERNAL_REF_LENGTH})
        )  # fmt: skip
    listing = row.listing
    for key in ("title", "category", "unit", "price", "stock"):
        if not cell(key):
            errors.append(str(MSG_REQUIRED % {"column": COLUMNS_BY_KEY[key].header}))
    if cell("title"):
        listing["title"] = cell("title")
    if cell("category"):
        listing["category"] = parse("category", lookups.category)
    if cell("unit"):
        listing["unit"] = parse("unit", partial(_choice, "unit", choices=Unit))
    if cell("price"):
        listing["price_fen"] = parse("price", price_fen_parse)
    if cell("stock"):
        stock = parse("stock", partial(_integer, "stock"))
        if stock is not None and stock < 0:
            errors.append(str(MSG_STOCK_NEGATIVE))
        listing["stock"] = stock
    if cell("min_order_qty"):
        min_order = parse("min_order_qty", partial(_integer, "min_order_qty"))
        if min_order is not None and min_order < 1:
            errors.append(str(MSG_MIN_ORDER))
        listing["min_order_qty"] = min_order
    for key in ("harvest_start", "harvest_end"):
        if cell(key):
            listing[key] = parse(key, partial(_date, key))
    for key in ("origin_village", "description"):
        if cell(key):
            listing[key] = cell(key)

    certificate_keys = ("certificate_number", "certificate_issuer", "certificate_valid_until")
    if cell("certification"):
        row.certification = {
            "kind": parse(
                "certification", partial(_choice, "certification", choices=Certification)
            ),
            "certificate_number": cell("certificate_number"),
            "issuer": cell("certificate_issuer"),
            "valid_until": (
                parse("certificate_valid_until", partial(_date, "certificate_valid_until"))
                if cell("certificate_valid_until")
                else None
            ),
        }  # fmt: skip
    elif any(cell(key) for key in certificate_keys):
        errors.append(str(MSG_CERTIFICATE_WITHOUT_KIND))

    batch_keys = ("batch_harvest_date", "batch_plot", "batch_inputs_note")
    if cell("batch_code"):
        if not cell("batch_harvest_date"):
            errors.append(str(MSG_BATCH_DATE_REQUIRED))
        row.batch = {
            "batch_code": cell("batch_code"),
            "harvest_date": (
                parse("batch_harvest_date", partial(_date, "batch_harvest_date"))
                if cell("batch_harvest_date")
                else None
            ),
            "plot": cell("batch_plot"),
            "inputs_note": cell("batch_inputs_note"),
        }
    elif any(cell(key) for key in batch_keys):
        errors.append(str(MSG_BATCH_WITHOUT_CODE))
    return row


# ------------------------------------------------------------------------------
# Writing one row (through farmers.services)
# ------------------------------------------------------------------------------
@dataclass
class RowOutcome:
    outcome: str
    seller: Seller | None = None
    listing: Listing | None = None
    seller_created: bool = False


def _seller_for_row(*, actor, row: ParsedRow) -> tuple[Seller, bool, bool]:
    """(seller, created, updated): the row's seller, registered on a paper form if new."""
    seller = Seller.objects.filter(mobile=row.mobile).first()
    if seller is None:
        if not row.seller["name"]:
            raise ApplicationError(MSG_NEW_SELLER_NAME % {"mobile": row.mobile})
        seller = seller_register(
            actor=actor,
            kind=row.seller.get("kind") or Seller.Kind.FARMER,
            name=row.seller["name"],
            mobile=row.mobile,
            village=row.seller["village"],
            consent_method=Seller.ConsentMethod.PAPER_FORM,
        )
        return seller, True, False
    if row.seller["village"] and not seller.village:
        seller = seller_update(actor=actor, seller=seller, village=row.seller["village"])
        return seller, False, True
    return seller, False, False


def _listing_for_key(*, seller: Seller, row: ParsedRow) -> tuple[Listing | None, dict | None]:
    """The listing an earlier import (or the seller) made for this row, and what the last
    import wrote to it (None when it was not made by an import)."""
    record = (
        ImportedListing.objects.filter(seller=seller, key=row.key).select_related("listing").first()
    )
    if record is not None:
        return record.listing, record.values
    # Not imported before: a listing of the same seller with the same title is this one,
    # unless an import gave it a different 商品编号.
    with_refs = ImportedListing.objects.filter(seller=seller, key__startswith="ref:")
    same_title = list(
        Listing.objects.filter(seller=seller, title=row.listing["title"])
        .exclude(pk__in=with_refs.values("listing_id"))
        .order_by("pk")[:3]
    )
    if len(same_title) > 1:
        raise ApplicationError(
            MSG_TITLE_AMBIGUOUS % {"count": len(same_title), "title": row.listing["title"]}
        )
    return (same_title[0] if same_title else None), None


def _certification_apply(*, actor, listing: Listing, certification: dict | None) -> bool:
    if certification is None:
        return False
    existing = listing.certifications.filter(kind=certification["kind"]).first()
    if existing is not None:
        same = (
            existing.certificate_number == certification["certificate_number"]
            and existing.issuer == certification["issuer"]
            and existing.valid_until == certification["valid_until"]
        )
        if same:
            return False
        listing_certification_remove(actor=actor, certification=existing)
    listing_certification_add(actor=actor, listing=listing, **certification)
    return True


def _batch_apply(*, actor, listing: Listing, batch: dict | None) -> bool:
    if batch is None:
        return False
    # A batch once recorded is not changed by an import (there is no batch edit).
    if TraceabilityBatch.objects.filter(listing=listing, batch_code=batch["batch_code"]).exists():
        return False
    traceability_batch_create(actor=actor, listing=listing, **batch)
    return True


def _row_apply(*, job: ImportJob, actor, row: ParsedRow) -> RowOutcome:
    seller, seller_created, seller_updated = _seller_for_row(actor=actor, row=row)
    if not row.is_listing_row:
        outcome = (
            ImportRowResult.Outcome.CREATED
            if seller_created
            else ImportRowResult.Outcome.UPDATED
            if seller_updated
            else ImportRowResult.Outcome.UNCHANGED
        )
        return RowOutcome(outcome, seller=seller, seller_created=seller_created)

    values = row.values()
    listing, last_values = _listing_for_key(seller=seller, row=row)
    if listing is None:
        listing = listing_create(actor=actor, seller=seller, **row.listing)
        _certification_apply(actor=actor, listing=listing, certification=row.certification)
        _batch_apply(actor=actor, listing=listing, batch=row.batch)
        if job.listing_state == Listing.State.SUBMITTED:
            listing = listing_submit(actor=actor, listing=listing)
        outcome = ImportRowResult.Outcome.CREATED
    elif last_values == values:
        return RowOutcome(
            ImportRowResult.Outcome.UNCHANGED, seller=seller, listing=listing,
            seller_created=seller_created,
        )  # fmt: skip
    else:
        last_listing = (last_values or {}).get("listing", {})
        changes = {
            name: value
            for name, value in row.listing.items()
            if last_values is None or values["listing"].get(name) != last_listing.get(name)
        }
        before = listing.updated_at
        if changes:
            listing = listing_update(actor=actor, listing=listing, **changes)
        wrote = listing.updated_at != before
        if last_values is None or values["certification"] != last_values.get("certification"):
            wrote |= _certification_apply(
                actor=actor, listing=listing, certification=row.certification
            )
        if last_values is None or values["batch"] != last_values.get("batch"):
            wrote |= _batch_apply(actor=actor, listing=listing, batch=row.batch)
        outcome = ImportRowResult.Outcome.UPDATED if wrote else ImportRowResult.Outcome.UNCHANGED
    ImportedListing.objects.update_or_create(
        seller=seller, key=row.key, defaults={"listing": listing, "values": values, "job": job}
    )
    return RowOutcome(outcome, seller=seller, listing=listing, seller_created=seller_created)


# ------------------------------------------------------------------------------
# Services
# ------------------------------------------------------------------------------
def _import_run_queue(*, job_id: int, schema_name: str) -> None:
    task_queue(
        "farmers.import_tasks.farmers_import_run",
        args=(job_id, schema_name),
        schema_name=schema_name,
    )


@transaction.atomic
def import_job_create(
    *,
    actor,
    file_name: str,
    content: bytes,
    listing_state: str = Listing.State.SUBMITTED,
    queue: bool = True,
) -> ImportJob:
    """Check an uploaded file and keep its rows as a queued ImportJob; farmers_import_run is
    queued when the transaction commits (unless `queue` is False: the command runs it itself).
    Raises ImportFileError, saving nothing, for a file refused whole."""
    if not is_county_operator(actor):
        raise ApplicationError(MSG_OPERATOR_ONLY)
    if listing_state not in (Listing.State.SUBMITTED, Listing.State.DRAFT):
        raise ApplicationError(MSG_LISTING_STATE, field="listing_state")
    table = import_file_read(file_name=file_name, content=content)
    job = ImportJob(
        file_name=(file_name or "")[-255:],
        file_format=table.file_format,
        file_sha256=hashlib.sha256(content).hexdigest(),
        rows=[[number, values] for number, values in table.rows],
        listing_state=listing_state,
        rows_total=len(table.rows),
        created_by=actor,
    )
    job.full_clean()
    job.save()
    if queue:
        transaction.on_commit(
            partial(_import_run_queue, job_id=job.pk, schema_name=connection.schema_name)
        )
    return job


def _job_counts_save(job: ImportJob, **extra) -> None:
    """The counters, from the row results (so a resumed job counts each row once)."""
    counts = job.results.aggregate(
        rows_done=Count("pk"),
        sellers_created=Count("pk", filter=Q(seller_created=True)),
        **{
            outcome: Count("pk", filter=Q(outcome=outcome))
            for outcome in ImportRowResult.Outcome.values
        },
    )
    changes = {**counts, **extra}
    for name, value in changes.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**changes)


class _JobLock:
    """A PostgreSQL advisory lock on the job for the length of the run, so a task delivered
    twice (acks_late after a lost worker) never runs the same job twice at once."""

    def __init__(self, job_id: int):
        self.args = [f"farmers.import:{connection.schema_name}:{job_id}"]

    def __enter__(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", self.args)
            self.held = cursor.fetchone()[0]
        return self.held

    def __exit__(self, *exc_info):
        if self.held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", self.args)


def import_job_run(
    *,
    job_id: int,
    progress_every: int = PROGRESS_EVERY,
    on_progress: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Work through a job's rows, each in its own transaction. Idempotent: a finished job is
    returned as it is; a job interrupted half-way (a lost worker) goes on from the first row
    without a result. Returns the job with its final counters."""
    with _JobLock(job_id) as held:
        job = ImportJob.objects.get(pk=job_id)
        if not held or job.is_finished:
            return job
        if job.state == ImportJob.State.QUEUED:
            job.state = ImportJob.State.RUNNING
            job.started_at = timezone.now()
            job.save(update_fields=["state", "started_at"])
        try:
            with translation.override(settings.LANGUAGE_CODE):
                unreported = _rows_run(job, progress_every=progress_every, on_progress=on_progress)
        except Exception as error:
            job.state = ImportJob.State.FAILED
            job.error = f"{type(error).__name__}: {error}"
            job.finished_at = timezone.now()
            job.save(update_fields=["state", "error", "finished_at"])
            raise
        _job_counts_save(job, state=ImportJob.State.DONE, finished_at=timezone.now())
        if on_progress is not None and unreported:
            on_progress(job)
        return job


def _rows_run(job: ImportJob, *, progress_every: int, on_progress) -> int:
    """Process the rows without a result yet; returns how many since progress was saved."""
    actor = job.created_by
    lookups = Lookups()
    done = set(job.results.values_list("row_number", flat=True))
    first_row_of_key: dict[tuple[str, str], int] = {}
    since_progress = 0
    for row_number, cells in job.rows:
        row = row_parse(row_number, cells, lookups)
        if not row.errors and row.is_listing_row:
            key = (row.mobile, row.key)
            if key in first_row_of_key:
                label = (
                    COLUMNS_BY_KEY["external_ref"].header
                    if row.external_ref
                    else COLUMNS_BY_KEY["title"].header
                )
                row.errors.append(
                    str(MSG_DUPLICATE_ROW % {"row": first_row_of_key[key], "key": label})
                )
            else:
                first_row_of_key[key] = row_number
        if row_number in done:
            continue
        _row_run(job, actor, row)
        since_progress += 1
        if since_progress >= progress_every:
            since_progress = 0
            _job_counts_save(job)
            if on_progress is not None:
                on_progress(job)
    return since_progress


def _row_run(job: ImportJob, actor, row: ParsedRow) -> None:
    """One row and its result, committed together: a row is done exactly when it has a
    result. The row's own writes are all or nothing (a savepoint)."""
    with transaction.atomic():
        result = ImportRowResult(job=job, row_number=row.row_number)
        if row.errors:
            result.outcome, result.messages = ImportRowResult.Outcome.FAILED, row.errors
        else:
            try:
                with transaction.atomic():
                    done = _row_apply(job=job, actor=actor, row=row)
            except ApplicationError as error:
                result.outcome = ImportRowResult.Outcome.FAILED
                result.messages = [str(error.message)]
            except IntegrityError:
                result.outcome = ImportRowResult.Outcome.FAILED
                result.messages = [str(MSG_CONFLICT)]
            else:
                result.outcome = done.outcome
                result.seller, result.listing = done.seller, done.listing
                result.seller_created = done.seller_created
        result.save()


# ------------------------------------------------------------------------------
# Reads (for the admin pages)
# ------------------------------------------------------------------------------
def import_job_list() -> QuerySet[ImportJob]:
    """The county's imports, newest first, without their (large) rows."""
    return ImportJob.objects.defer("rows").select_related("created_by")


def import_job_failed_rows(*, job: ImportJob) -> QuerySet[ImportRowResult]:
    return job.results.filter(outcome=ImportRowResult.Outcome.FAILED).order_by("row_number")


# ------------------------------------------------------------------------------
# Templates
# ------------------------------------------------------------------------------
def template_csv() -> bytes:
    """The header row as CSV, with a UTF-8 BOM so Excel opens the Chinese headers correctly."""
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow([column.header for column in COLUMNS])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def template_xlsx() -> bytes:
    """The header row on sheet 1 (商品), and the help on sheet 2 (填写说明): each column, and
    the units, categories and certification kinds it accepts."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "商品"
    sheet.append([column.header for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        sheet.cell(row=1, column=index).font = Font(bold=column.required)
        if column.text:
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet("填写说明")
    help_sheet.append([str(_("列名")), str(_("必填")), str(_("说明")), str(_("示例"))])
    for column in COLUMNS:
        help_sheet.append(
            [column.header, str(_("是")) if column.required else "", str(column.help),
             column.example]
        )  # fmt: skip
    help_sheet.append([])
    for label, values in (
        (_("单位"), Unit.labels),
        (_("卖家类型"), Seller.Kind.labels),
        (_("认证类型"), Certification.labels),
        (_("类目"), [str(category) for category in Category.objects.filter(is_active=True)
                     .select_related("parent")]),
    ):  # fmt: skip
        help_sheet.append([str(label), "", "、".join(str(value) for value in values)])
    help_sheet.column_dimensions["A"].width = 16
    help_sheet.column_dimensions["C"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
