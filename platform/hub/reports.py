"""The roll-up as tables for export (CSV and XLSX through core.tables): the counties, the
service points, and the pack in the shape of the province's rural e-commerce indicators
(网络零售额, 农产品网络零售额, 活跃网店数 …). The rows come from hub.selectors.rollups;
nothing here reads the database. Amounts in yuan (exact Decimals), ratios in percent."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hub.rollups import (
    BASIS_POINTS,
    COUNT,
    COUNTY,
    FEN,
    FIGURES_BY_KEY,
    POINT,
    figure_heading,
    figure_number,
    figures_of,
)
from hub.selectors.rollups import FigureRow, Period

# The indicator pack: (column heading as a province report names it, figure key).
INDICATORS = (
    (gettext_lazy("网络零售额（元）"), "net_sales_fen"),
    (gettext_lazy("农产品网络零售额（元）"), "produce_sales_fen"),
    (gettext_lazy("订单数（单）"), "orders_placed"),
    (gettext_lazy("活跃网店数（个）"), "active_sellers"),
    (gettext_lazy("活跃买家数（人）"), "active_buyers"),
    (gettext_lazy("服务站点数（个）"), "points_total"),
    (gettext_lazy("有服务站点的行政村数（个）"), "villages_with_point"),
    (gettext_lazy("活跃服务站点数（个）"), "active_points"),
    (gettext_lazy("带动农户销售收入（元）"), "farmer_income_fen"),
    (gettext_lazy("代下单占比（%）"), "clerk_share_bp"),
)


def definitions_table(level: str):
    """Each figure of `level` with its unit and written definition: the exports' second sheet."""
    units = {FEN: _("元"), BASIS_POINTS: "%", COUNT: _("个数")}
    headers = [_("指标"), _("单位"), _("定义")]
    rows = [[str(f.label), str(units[f.unit]), str(f.definition)] for f in figures_of(level)]
    return str(_("指标说明")), headers, rows


def counties_table(rows: list[FigureRow], total: FigureRow, period: Period):
    figures = figures_of(COUNTY)
    headers = [_("统计期"), _("县"), _("行政区划代码"), *(figure_heading(f) for f in figures)]
    body = [
        [period.label, row.name, row.county.code if row.county else "",
         *(figure_number(f, row.get(f.key)) for f in figures)]
        for row in [*rows, total]
    ]  # fmt: skip
    return headers, body


def points_table(rows: list[FigureRow], period: Period):
    figures = figures_of(POINT)
    headers = [
        _("统计期"), _("县"), _("服务点"), _("所在村"), *(figure_heading(f) for f in figures),
    ]  # fmt: skip
    body = [
        [period.label, row.county.name, row.name, row.village,
         *(figure_number(f, row.get(f.key)) for f in figures)]
        for row in rows
    ]  # fmt: skip
    return headers, body


def indicators_table(rows: list[FigureRow], total: FigureRow, period: Period):
    headers = [_("统计期"), _("县（市、区）"), _("行政区划代码"), *(str(h) for h, _k in INDICATORS)]
    body = [
        [period.label, row.name, row.county.code if row.county else "",
         *(figure_number(FIGURES_BY_KEY[key], row.get(key)) for _h, key in INDICATORS)]
        for row in [*rows, total]
    ]  # fmt: skip
    return headers, body
