"""A table (headers and rows) as a CSV or an XLSX download: the county's manifests and the
province's reports export the same way.

Amounts go in as yuan with two decimals (Decimal, exact from the fen: `yuan_decimal`): numbers
in XLSX, text in CSV. The CSV has a UTF-8 BOM so Excel opens the Chinese correctly.
"""

import csv
import io
from decimal import Decimal

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def yuan_decimal(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def table_csv(headers: list[str], rows: list[list]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def table_xlsx(
    headers: list[str], rows: list[list], *, title: str, notes: tuple | None = None
) -> bytes:
    """One sheet named `title`; with `notes` = (title, headers, rows), a second sheet (the
    province's reports put each figure's definition there)."""
    from openpyxl import Workbook

    workbook = Workbook()
    _sheet_fill(workbook.active, headers, rows, title=title)
    if notes is not None:
        notes_title, notes_headers, notes_rows = notes
        _sheet_fill(workbook.create_sheet(), notes_headers, notes_rows, title=notes_title)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_fill(sheet, headers: list[str], rows: list[list], *, title: str) -> None:
    from openpyxl.styles import Font

    sheet.title = title[:31]  # Excel's limit on a sheet name
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, float | Decimal):
                cell.number_format = "0.00"
