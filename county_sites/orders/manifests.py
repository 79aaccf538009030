"""A delivery's manifest and a day's pick lists as tables, and those tables as CSV and XLSX
downloads for the county operator (county Wagtail admin, 配送单). The rows come from
county_sites.orders.selectors (point_delivery_manifest, pick_lists_for_day); nothing here
reads the database.

Amounts are in yuan with two decimals (Decimal, exact from the fen): numbers in XLSX, text in
CSV. Times are local. The CSV has a UTF-8 BOM so Excel opens the Chinese correctly.
"""

import csv
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from county_sites.orders.selectors import Manifest, PickList

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def yuan_decimal(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def manifest_table(manifest: Manifest) -> tuple[list[str], list[list]]:
    """One row per line; the order's amount on its first line; a last row of totals."""
    headers = [
        _("订单号"), _("买家"), _("支付方式"), _("商品"), _("卖家"), _("数量"), _("单位"),
        _("单价（元）"), _("小计（元）"), _("订单金额（元）"),
    ]  # fmt: skip
    rows = []
    for order in manifest.orders:
        for index, line in enumerate(order.lines.all()):
            rows.append(
                [
                    order.number,
                    order.buyer_label,
                    str(order.get_payment_method_display()),
                    line.title,
                    line.seller.name,
                    line.quantity,
                    str(line.get_unit_display()),
                    yuan_decimal(line.price_fen),
                    yuan_decimal(line.line_total_fen),
                    yuan_decimal(order.total_fen) if index == 0 else "",
                ]
            )
    rows.append(
        [
            _("合计"),
            _("%(count)s 单") % {"count": len(manifest.orders)},
            "",
            "",
            "",
            "",
            "",
            "",
            yuan_decimal(manifest.lines_total_fen),
            yuan_decimal(manifest.total_fen),
        ]  # fmt: skip
    )
    return headers, rows


def pick_lists_table(pick_lists: list[PickList]) -> tuple[list[str], list[list]]:
    """One row per seller and listing: the total to bring, and how many for which point."""
    headers = [
        _("卖家"), _("商品"), _("单位"), _("数量"), _("送往服务点"), _("送货截止"), _("集货地点"),
    ]  # fmt: skip
    rows = []
    for pick in pick_lists:
        for item in pick.items:
            rows.append(
                [
                    pick.seller.name,
                    item.title,
                    item.unit_label,
                    item.quantity,
                    "、".join(f"{point.point_name} {point.quantity}" for point in item.points),
                    local_time(pick.bring_by),
                    "、".join(pick.collection_places),
                ]
            )
    return headers, rows


def table_csv(headers: list[str], rows: list[list]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def table_xlsx(headers: list[str], rows: list[list], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit on a sheet name
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, float | Decimal):
                cell.number_format = "0.00"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
