"""Reads of the monthly roll-up for the province's dashboard, its exports and the admin home:
a period's figures per county and for the province, the same for a county's service points,
the monthly trend and the last runs. Periods are whole months, `first` to `last` included."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max, OuterRef, Subquery

from hub.models import County, CountyMonthFigure, PointMonthFigure, RollUpRun
from hub.rollups import (
    COUNTY,
    FIGURES_BY_KEY,
    LAST,
    MEAN,
    POINT,
    SUM,
    Figure,
    figures_of,
    month_current,
    month_first,
    month_previous,
    months_between,
    ratio_bp,
)


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @property
    def months(self) -> list[dt.date]:
        return months_between(self.first, self.last)

    @property
    def label(self) -> str:
        if self.first == self.last:
            return f"{self.first:%Y-%m}"
        return f"{self.first:%Y-%m} ~ {self.last:%Y-%m}"

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        length = len(self.months)
        first = self.first
        for _month in range(length):
            first = month_previous(first)
        return Period(first, month_previous(self.first))

    def year_before(self) -> "Period":
        return Period(_year_before(self.first), _year_before(self.last))


def _year_before(month: dt.date) -> dt.date:
    return month.replace(year=month.year - 1)


def period_parse(first: str | None, last: str | None, *, now=None) -> Period:
    """ "2026-03", "2026-05" -> Period(2026-03-01, 2026-05-01). Empty: this month. Raises
    ValueError on a month that is not YYYY-MM or a start after the end."""
    current = month_current(now)
    first_month = _month_parse(first) if first else None
    last_month = _month_parse(last) if last else None
    first_month = first_month or last_month or current
    last_month = last_month or first_month
    if first_month > last_month:
        raise ValueError("start after end")
    return Period(first_month, last_month)


def _month_parse(text: str) -> dt.date:
    return month_first(dt.datetime.strptime(text.strip(), "%Y-%m").date())


@dataclass
class FigureRow:
    """A county's (or a point's, or the province's) figures over a period; None: no rows."""

    name: str
    values: dict[str, int | None]
    county: County | None = None
    point_id: int | None = None
    village: str = ""
    extra: dict = field(default_factory=dict)

    def get(self, key: str) -> int | None:
        return self.values.get(key)


def _aggregate(figures: list[Figure], by_month: dict[dt.date, dict[str, int]]) -> dict:
    """Months of one county (or point) -> the period's value of each figure."""
    values: dict[str, int | None] = {}
    months = sorted(by_month)
    for figure in figures:
        if not figure.is_stored:
            continue
        present = [by_month[month][figure.key] for month in months if figure.key in by_month[month]]
        if not present:
            values[figure.key] = None
        elif figure.aggregate == SUM:
            values[figure.key] = sum(present)
        elif figure.aggregate == LAST:
            values[figure.key] = present[-1]
        elif figure.aggregate == MEAN:
            values[figure.key] = sum(present) // len(present)
    _ratios(figures, values)
    return values


def _ratios(figures: list[Figure], values: dict) -> None:
    for figure in figures:
        if figure.ratio_of:
            numerator, denominator = (values.get(key) for key in figure.ratio_of)
            values[figure.key] = (
                None
                if numerator is None or denominator is None
                else ratio_bp(numerator, denominator)
            )


def _total(figures: list[Figure], rows: list[FigureRow], name: str) -> FigureRow:
    """The province: each stored figure added up over the counties (active buyers and sellers
    are per county, since accounts and sellers are), ratios from the totals."""
    values: dict[str, int | None] = {}
    for figure in figures:
        if figure.is_stored:
            present = [
                row.values[figure.key] for row in rows if row.values.get(figure.key) is not None
            ]
            values[figure.key] = sum(present) if present else None
    _ratios(figures, values)
    return FigureRow(name=name, values=values)


def rollup_counties(period: Period) -> list[FigureRow]:
    """Every county (not the template) with its figures over `period`, by code."""
    figures = figures_of(COUNTY)
    months: dict[int, dict[dt.date, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for county_id, month, key, value in CountyMonthFigure.objects.filter(
        month__gte=period.first, month__lte=period.last
    ).values_list("county_id", "month", "key", "value"):
        months[county_id][month][key] = value
    return [
        FigureRow(
            name=county.name, county=county, values=_aggregate(figures, months.get(county.pk, {}))
        )
        for county in County.objects.counties().order_by("code")
    ]


def rollup_province(rows: list[FigureRow], *, name: str) -> FigureRow:
    return _total(figures_of(COUNTY), rows, name)


def rollup_points(period: Period, *, county: County | None = None) -> list[FigureRow]:
    """The service points (of one county, or of all) with their figures over `period`, each
    named as of its latest row in the period; by county code, then village and name."""
    figures = figures_of(POINT)
    rows = PointMonthFigure.objects.filter(month__gte=period.first, month__lte=period.last)
    if county is not None:
        rows = rows.filter(county=county)
    months: dict[tuple, dict[dt.date, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    names: dict[tuple, tuple] = {}
    for county_id, point_id, name, village, month, key, value in rows.order_by("month").values_list(
        "county_id", "point_id", "point_name", "village", "month", "key", "value"
    ):
        months[(county_id, point_id)][month][key] = value
        names[(county_id, point_id)] = (name, village)
    counties = {c.pk: c for c in County.objects.filter(pk__in={key[0] for key in months})}
    result = [
        FigureRow(
            name=names[key][0],
            village=names[key][1],
            county=counties[key[0]],
            point_id=key[1],
            values=_aggregate(figures, by_month),
        )
        for key, by_month in months.items()
    ]
    result.sort(key=lambda row: (row.county.code, row.village, row.name, row.point_id))
    return result


def rollup_trend(*, last: dt.date, months: int = 12, keys: tuple[str, ...]) -> list[tuple]:
    """The province's value of `keys` in each of the `months` months up to `last`:
    [(month, {key: value or None})], oldest first."""
    first = last
    for _month in range(months - 1):
        first = month_previous(first)
    totals: dict[dt.date, dict[str, int]] = {month: {} for month in months_between(first, last)}
    rows = CountyMonthFigure.objects.filter(
        month__gte=first, month__lte=last, key__in=keys, county__is_template=False
    ).values_list("month", "key", "value")
    for month, key, value in rows:
        totals[month][key] = totals[month].get(key, 0) + value
    return [(month, {key: values.get(key) for key in keys}) for month, values in totals.items()]


def rollup_computed_at() -> dt.datetime | None:
    return CountyMonthFigure.objects.aggregate(at=Max("computed_at"))["at"]


def rollup_runs(limit: int = 5) -> list[RollUpRun]:
    return list(RollUpRun.objects.select_related("requested_by")[:limit])


def rollup_county_current(*, now=None) -> dict[int, dict[str, int]]:
    """Per county id, its stored figures of the current month, with the time computed (key
    "computed_at"): the province's county list shows them."""
    month = month_current(now)
    current: dict[int, dict] = defaultdict(dict)
    for county_id, key, value, at in CountyMonthFigure.objects.filter(month=month).values_list(
        "county_id", "key", "value", "computed_at"
    ):
        current[county_id][key] = value
        current[county_id]["computed_at"] = at
    return dict(current)


@dataclass(frozen=True)
class Glance:
    figure: Figure
    now: int | None
    before: int | None

    @property
    def delta(self) -> int | None:
        if self.now is None or self.before is None:
            return None
        return self.now - self.before


GLANCE_KEYS = ("users_total", "active_buyers", "orders_placed", "net_sales_fen", "active_points")


def rollup_glance(*, now=None) -> dict:
    """The admin home's cards: the province's key figures this month against last month."""
    this_month = Period(month_current(now), month_current(now))
    last_month = this_month.previous()
    now_row = rollup_province(rollup_counties(this_month), name="")
    before_row = rollup_province(rollup_counties(last_month), name="")
    return {
        "period": this_month,
        "previous": last_month,
        "cards": [
            Glance(FIGURES_BY_KEY[key], now_row.get(key), before_row.get(key))
            for key in GLANCE_KEYS
        ],
        "computed_at": rollup_computed_at(),
    }


def counties_with_current_figures(counties, *, now=None):
    """The province's county list: each county annotated with this month's users, orders
    placed and online retail sales (rollup_users, rollup_orders, rollup_sales_fen) and when
    they were computed (rollup_at), from the roll-up, so the list says what the dashboard says."""
    month = month_current(now)

    def figure(key: str, column: str = "value"):
        return Subquery(
            CountyMonthFigure.objects.filter(county=OuterRef("pk"), month=month, key=key).values(
                column
            )[:1]
        )

    return counties.annotate(
        rollup_users=figure("users_total"),
        rollup_orders=figure("orders_placed"),
        rollup_sales_fen=figure("net_sales_fen"),
        rollup_at=figure("users_total", "computed_at"),
    )
