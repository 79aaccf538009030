"""The one interface through which the province asks the county apps for what it needs,
without importing them: each county app registers its part in its AppConfig.ready().

- county month figures: the province's monthly roll-up (hub.rollups defines every figure),
  each app counting its own rows of one month, for the county and per service point
  (hub.tasks.rollup_county);
- activity start: the earliest moment an app has anything to count, so an on-demand roll-up
  of "all months" knows where to begin;
- county setup: what a new (or upgraded) county schema needs from an app, such as the
  storefront's home page and Wagtail site (hub.services.county_create).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

_setup_steps: dict[str, Callable[..., object]] = {}
_month_figures: dict[str, Callable[[dt.datetime, dt.datetime], "MonthFigures"]] = {}
_activity_starts: dict[str, Callable[[], dt.datetime | None]] = {}


def county_setup_register(name: str, step: Callable[..., object]) -> None:
    """`step(county=..., domain=...)` runs inside the county's schema; safe to run again."""
    _setup_steps[name] = step


def county_setup(*, county, domain: str) -> None:
    """Run every registered setup step in the current county schema, in registration order
    (the order of INSTALLED_APPS)."""
    for step in _setup_steps.values():
        step(county=county, domain=domain)


@dataclass
class MonthFigures:
    """One app's figures of one month of the current county: `county` maps a figure's key to
    its value; `points` maps a service point's id to its figures; `point_names` maps a point's
    id to its (name, village), given by the app that owns the points."""

    county: dict[str, int] = field(default_factory=dict)
    points: dict[int, dict[str, int]] = field(default_factory=dict)
    point_names: dict[int, tuple[str, str]] = field(default_factory=dict)


def county_month_figures_register(
    name: str, provider: Callable[[dt.datetime, dt.datetime], MonthFigures]
) -> None:
    """`provider(start, end)` returns this app's figures of the current county schema for
    the half-open interval [start, end) (aware datetimes: a month in local time)."""
    _month_figures[name] = provider


def county_month_figures(start: dt.datetime, end: dt.datetime) -> MonthFigures:
    """Every registered app's figures of [start, end) in the current county, merged; two apps
    reporting the same figure is a programming error, not something to add up."""
    merged = MonthFigures()
    for name, provider in _month_figures.items():
        part = provider(start, end)
        overlap = set(part.county) & set(merged.county)
        if overlap:
            raise RuntimeError(f"{name} reports figures another app reports: {sorted(overlap)}")
        merged.county.update(part.county)
        for point_id, values in part.points.items():
            mine = merged.points.setdefault(point_id, {})
            overlap = set(values) & set(mine)
            if overlap:
                raise RuntimeError(
                    f"{name} reports point figures another app reports: {sorted(overlap)}"
                )
            mine.update(values)
        merged.point_names.update(part.point_names)
    return merged


def county_activity_start_register(name: str, provider: Callable[[], dt.datetime | None]) -> None:
    """`provider()` returns the earliest moment this app has something to count in the
    current county (None: nothing yet)."""
    _activity_starts[name] = provider


def county_activity_start() -> dt.datetime | None:
    """The earliest moment any app has something to count in the current county."""
    starts = [start for provider in _activity_starts.values() if (start := provider())]
    return min(starts) if starts else None
