"""Reading an import file and checking its rows, before anything is written.

import_file_read refuses a file as a whole (ImportFileError) or returns its rows; row_parse
checks one row against the county's vocabularies (Lookups) and collects every problem found.
"""

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial

from accounts.services import mobile_normalize
from core.errors import ApplicationError
from farmers.imports.columns import (
    COLUMNS_BY_KEY,
    HEADER_LOOKUP,
    LISTING_KEYS,
    MAX_EXTERNAL_REF_LENGTH,
    MAX_FILE_BYTES,
    MAX_PRICE_FEN,
    MAX_ROWS,
    MAX_XLSX_UNPACKED_BYTES,
    MSG_BATCH_DATE_REQUIRED,
    MSG_BATCH_WITHOUT_CODE,
    MSG_CATEGORY_AMBIGUOUS,
    MSG_CATEGORY_UNKNOWN,
    MSG_CERTIFICATE_WITHOUT_KIND,
    MSG_CHOICE,
    MSG_DATE,
    MSG_FILE_EMPTY,
    MSG_FILE_ENCODING,
    MSG_FILE_HEADERS_DUPLICATE,
    MSG_FILE_HEADERS_MISSING,
    MSG_FILE_TOO_BIG,
    MSG_FILE_TOO_MANY_ROWS,
    MSG_FILE_TYPE,
    MSG_FILE_UNREADABLE,
    MSG_FILE_XLS,
    MSG_INTEGER,
    MSG_MIN_ORDER,
    MSG_MOBILE,
    MSG_PRICE_DECIMALS,
    MSG_PRICE_NOT_NUMBER,
    MSG_PRICE_TOO_HIGH,
    MSG_REQUIRED,
    MSG_TOO_LONG,
    REQUIRED_COLUMNS,
    header_normal,
)
from farmers.models import ImportJob, Seller
from farmers.services import MSG_PRICE_REQUIRED, MSG_STOCK_NEGATIVE
from hub.models import Category
from hub.vocabulary import active_certification_choices, active_unit_choices


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
    keys: list[str | None] = [HEADER_LOOKUP.get(header_normal(cell)) for cell in header]
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
    """`choices`: (value, label) pairs, a Choices enum or a callable giving the pairs."""
    if hasattr(choices, "choices"):
        choices = choices.choices
    elif callable(choices):
        choices = choices()
    pairs = [(value, str(label)) for value, label in choices]
    for value, label in pairs:
        if text in (value, label):
            return value
    raise ValueError(
        MSG_CHOICE
        % {
            "column": COLUMNS_BY_KEY[column_key].header,
            "value": text,
            "choices": "、".join(label for _value, label in pairs),
        }
    )


PRICE_RE = re.compile(r"^[0-9]+(\.[0-9]+)?$")
DATE_RE = re.compile(r"^([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?(?:[ T]00:00(?::00)?)?$")
INTEGER_RE = re.compile(r"^-?[0-9]+(?:\.0+)?$")


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
        listing["unit"] = parse("unit", partial(_choice, "unit", choices=active_unit_choices))
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
                "certification",
                partial(_choice, "certification", choices=active_certification_choices),
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


def import_records_read(*, file_name: str, content: bytes) -> list[list[str]]:
    """Every row of an uploaded CSV (UTF-8 or GB18030) or XLSX (its first sheet) as cell
    texts, the header first, refused whole (ImportFileError) as import_file_read refuses:
    too big, an old .xls, unreadable, the wrong type. For imports of other tables (the bank's
    pre-approved households: county_sites.credit.imports) with their own columns."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(MSG_FILE_TOO_BIG % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    file_format = _file_format(file_name, content)
    records = (
        _records_xlsx(content) if file_format == ImportJob.Format.XLSX else _records_csv(content)
    )
    rows = []
    for record in records:
        rows.append([cell if isinstance(cell, str) else _cell_text(cell) for cell in record])
        if len(rows) > MAX_ROWS + 1:
            raise ImportFileError(MSG_FILE_TOO_MANY_ROWS % {"max": MAX_ROWS})
    if len(rows) < 2:
        raise ImportFileError(MSG_FILE_EMPTY)
    return rows
