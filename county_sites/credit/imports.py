"""The bank's file of pre-approved households (整村授信名单), imported by a county operator in
the county Wagtail admin (授信额度 > 导入预授信名单): one row per resident, CSV or XLSX, read by
farmers' import reader (farmers.imports.parse.import_records_read).

All or nothing: every row is checked first; one bad row and nothing is written, and the page
lists every problem with its row number. A resident not registered yet is registered by mobile
(they sign in by SMS later); a resident who has a line gets the file's terms (what is drawn
stays drawn).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.services import mobile_normalize, user_name_fill, user_resident_get_or_create
from core.errors import ApplicationError
from core.money import fen_parse
from core.roles import county_operator_check
from county_sites.credit.models import CreditLine
from county_sites.credit.services import credit_line_grant, terms_parse
from farmers.imports.parse import import_records_read

MSG_HEADERS_MISSING = _("缺少必填列：%(columns)s。")
MSG_ROW_REQUIRED = _("“%(column)s”必填。")
MSG_ROW_MOBILE = _("手机号不是11位中国大陆手机号码。")
MSG_ROW_AMOUNT = _("额度应为大于 0 的金额（元，最多两位小数）。")
MSG_ROW_RATE = _("年利率应为 0 到 36 之间的百分数，最多两位小数，如 4.35。")
MSG_ROW_TERMS = _("可选期数只能是 1、3、6 中的一个或几个，如 1,3,6。")
MSG_ROW_DATE = _("到期日应为日期，如 2027-12-31，且不早于今天。")
MSG_ROW_DUPLICATE = _("手机号或授信编号与第 %(row)s 行重复。")

# header (as the bank's file names it) -> key; the first five must be there.
COLUMNS = {
    "手机号": "mobile",
    "授信编号": "line_no",
    "授信额度（元）": "limit",
    "年利率（%）": "rate",
    "到期日": "expires_on",
    "姓名": "name",
    "可选期数": "terms",
    "手续费（%）": "fee",
}
REQUIRED = ("mobile", "line_no", "limit", "rate", "expires_on")
DEFAULT_TERMS = "1,3,6"


def _normal(header: str) -> str:
    return header.strip().replace("(", "（").replace(")", "）").replace(" ", "")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list = field(default_factory=list)  # [(row number, message)]


def _percent_bp(text: str) -> int:
    """ "4.35" / "4.35%" -> 435 basis points; ValueError beyond two decimals or 0-36 %."""
    try:
        value = Decimal(text.strip().removesuffix("%"))
    except InvalidOperation:
        raise ValueError(text) from None
    bp = value * 100
    if bp != bp.to_integral_value() or not 0 <= bp <= 3600:
        raise ValueError(text)
    return int(bp)


def _row_parse(number: int, cells: dict, today: dt.date) -> tuple[dict | None, list]:
    errors = []
    for key in REQUIRED:
        if not cells.get(key):
            header = next(name for name, column in COLUMNS.items() if column == key)
            errors.append(gettext(MSG_ROW_REQUIRED) % {"column": header})
    if errors:
        return None, errors
    row = {"name": cells.get("name", ""), "line_no": cells["line_no"][:32]}
    checks = (
        ("mobile", MSG_ROW_MOBILE, lambda: mobile_normalize(mobile=cells["mobile"])),
        ("limit_fen", MSG_ROW_AMOUNT, lambda: _positive(fen_parse(cells["limit"]))),
        ("rate_bp", MSG_ROW_RATE, lambda: _percent_bp(cells["rate"])),
        ("fee_bp", MSG_ROW_RATE, lambda: _percent_bp(cells.get("fee") or "0")),
        ("terms", MSG_ROW_TERMS, lambda: terms_parse(cells.get("terms") or DEFAULT_TERMS)),
        ("expires_on", MSG_ROW_DATE, lambda: _future_date(cells["expires_on"], today)),
    )
    for key, message, parse in checks:
        try:
            row[key] = parse()
        except (ValueError, ApplicationError):
            errors.append(gettext(message))
    return (None if errors else row), errors


def _positive(fen: int) -> int:
    if fen <= 0:
        raise ValueError(fen)
    return fen


def _future_date(text: str, today: dt.date) -> dt.date:
    day = dt.date.fromisoformat(text.strip()[:10].replace("/", "-"))
    if day < today:
        raise ValueError(text)
    return day


def credit_lines_import(
    *, actor, file_name: str, content: bytes, today: dt.date | None = None
) -> ImportResult:
    """Import the bank's pre-approved households: every row checked, then all written in one
    transaction, or none (the result's `errors`, [(row, message)], say why). Refuses a file
    as a whole (ApplicationError) for its type, size or missing columns."""
    county_operator_check(actor)
    today = today or timezone.localdate()
    records = import_records_read(file_name=file_name, content=content)
    keys = [COLUMNS.get(_normal(header)) for header in records[0]]
    missing = [name for name, key in COLUMNS.items() if key in REQUIRED and key not in keys]
    if missing:
        raise ApplicationError(MSG_HEADERS_MISSING % {"columns": "、".join(missing)}, field="file")
    result, rows, seen = ImportResult(), [], {}
    for number, record in enumerate(records[1:], start=2):
        cells = {key: (cell or "").strip() for key, cell in zip(keys, record, strict=False) if key}
        if not any(cells.values()):
            continue
        row, errors = _row_parse(number, cells, today)
        for key in ("mobile", "line_no"):
            if row is not None and (key, row[key]) in seen:
                errors.append(gettext(MSG_ROW_DUPLICATE) % {"row": seen[(key, row[key])]})
        if errors:
            result.errors.extend((number, error) for error in errors)
            continue
        seen[("mobile", row["mobile"])] = seen[("line_no", row["line_no"])] = number
        rows.append((number, row))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for number, row in rows:
                _row_write(actor, number, row, result)
    except _RowRefusedError as refusal:
        return ImportResult(errors=[(refusal.number, refusal.message)])
    return result


class _RowRefusedError(Exception):
    def __init__(self, number: int, message: str):
        super().__init__(message)
        self.number, self.message = number, message


def _row_write(actor, number: int, row: dict, result: ImportResult) -> None:
    user = user_resident_get_or_create(mobile=row["mobile"])
    user_name_fill(user=user, name=row["name"])
    existed = CreditLine.objects.filter(user=user).exists()
    try:
        credit_line_grant(
            user=user, line_no=row["line_no"], limit_fen=row["limit_fen"],
            rate_bp=row["rate_bp"], fee_bp=row["fee_bp"], term_choices=row["terms"],
            expires_on=row["expires_on"], source=CreditLine.Source.COUNTY_IMPORT, actor=actor,
        )  # fmt: skip
    except ApplicationError as refusal:
        raise _RowRefusedError(number, str(refusal.message)) from refusal
    if existed:
        result.updated += 1
    else:
        result.created += 1
