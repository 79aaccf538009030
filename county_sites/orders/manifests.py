"""A delivery's manifest and a day's pick lists as tables, and those tables as CSV and XLSX
downloads for the county operator (county Wagtail admin, 配送单). The rows come from
county_sites.orders.selectors (point_delivery_manifest, pick_lists_for_day); nothing here
reads the database.

Amounts are in yuan with two decimals (Decimal, exact from the fen): numbers in XLSX, text in
CSV. Times are local. The CSV has a UTF-8 BOM so Excel opens the Chinese correctly.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

# The CSV and XLSX writers are core's (core.tables), shared with the province's reports;
# re-exported here for the console's and the admin's imports.
from core.tables import CSV_TYPE, XLSX_TYPE, table_csv, table_xlsx, yuan_decimal
from county_sites.orders.selectors import Manifest, PickList

__all__ = [
    "CSV_TYPE", "XLSX_TYPE", "local_time", "manifest_table", "pick_lists_table", "table_csv",
    "table_xlsx", "yuan_decimal",
]  # fmt: skip


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
