"""The roll-up dashboard's content (hub.admin.rollups renders it): the province's figures
over a period against the period before and the same one a year earlier, the county table
with a line per figure, a county's (or every county's) service points, and the charts. Reads
through hub.selectors.rollups; the figures as people read them (hub.rollups)."""

from django.utils.translation import gettext as _

from hub.charts import bars_svg, columns_svg
from hub.models import County
from hub.rollups import (
    COUNTY,
    FIGURES_BY_KEY,
    POINT,
    figure_delta_text,
    figure_short_text,
    figure_text,
    figures_of,
)
from hub.selectors.rollups import (
    Period,
    rollup_counties,
    rollup_points,
    rollup_province,
    rollup_trend,
)

# How many points the activity chart shows: the busiest, enough for a phone's screen.
CHART_POINTS = 20


def _cells(figures, row) -> list[str]:
    return [figure_text(figure, row.get(figure.key)) for figure in figures]


def dashboard_context(period: Period, *, county: County | None = None) -> dict:
    previous, year_before = period.previous(), period.year_before()
    rows = rollup_counties(period)
    total = rollup_province(rows, name=_("全省合计"))
    total_before = rollup_province(rollup_counties(previous), name="")
    total_year = rollup_province(rollup_counties(year_before), name="")
    has_last_year = any(value is not None for value in total_year.values.values())
    figures = figures_of(COUNTY)
    summary = [
        {
            "figure": figure,
            "now": figure_text(figure, total.get(figure.key)),
            "before": figure_text(figure, total_before.get(figure.key)),
            "delta": figure_delta_text(figure, total.get(figure.key), total_before.get(figure.key)),
            "year": figure_text(figure, total_year.get(figure.key)),
            "year_delta": figure_delta_text(
                figure, total.get(figure.key), total_year.get(figure.key)
            ),
        }
        for figure in figures
    ]
    # Transposed: a figure per line with its definition, a county per column, so the
    # definitions sit beside the numbers and twelve counties still fit a screen.
    county_table = [
        {
            "figure": figure,
            "cells": [figure_text(figure, row.get(figure.key)) for row in [*rows, total]],
        }
        for figure in figures
    ]
    sales = FIGURES_BY_KEY["net_sales_fen"]
    orders = FIGURES_BY_KEY["orders_placed"]
    trend = rollup_trend(last=period.last, keys=("net_sales_fen", "orders_placed"))
    points = rollup_points(period, county=county)
    point_figures = figures_of(POINT)
    busiest = sorted(points, key=lambda row: -(row.get("orders_placed") or 0))[:CHART_POINTS]
    query = f"from={period.first:%Y-%m}&to={period.last:%Y-%m}"
    return {
        "period": period,
        "previous": previous,
        "year_before": year_before,
        "has_last_year": has_last_year,
        "summary": summary,
        "counties": rows,
        "county_table": county_table,
        "drill": county,
        "point_figures": point_figures,
        "points": [{"row": row, "cells": _cells(point_figures, row)} for row in points],
        "chart_sales": bars_svg(
            [
                (
                    row.name,
                    row.get("net_sales_fen") or 0,
                    figure_text(sales, row.get("net_sales_fen")),
                )
                for row in rows
            ],
            title=_("各县网络零售额"),
        ),  # fmt: skip
        "chart_trend": columns_svg(
            [
                (
                    f"{month:%m}",
                    values["net_sales_fen"] or 0,
                    figure_short_text(sales, values["net_sales_fen"]),
                )
                for month, values in trend
            ],
            title=_("近12个月网络零售额"),
        ),  # fmt: skip
        "chart_trend_orders": columns_svg(
            [
                (
                    f"{month:%m}",
                    values["orders_placed"] or 0,
                    figure_short_text(orders, values["orders_placed"]),
                )
                for month, values in trend
            ],
            title=_("近12个月订单数"),
        ),  # fmt: skip
        "chart_points": bars_svg(
            [
                (
                    row.name,
                    row.get("orders_placed") or 0,
                    figure_text(orders, row.get("orders_placed")),
                )
                for row in busiest
            ],
            title=_("各服务点订单数"),
        ),  # fmt: skip
        "query": query,
        "month_from": f"{period.first:%Y-%m}",
        "month_to": f"{period.last:%Y-%m}",
    }
