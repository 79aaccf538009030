"""core.county_apps: the province asks every county app for its figures and setup through one
registered interface, never by importing county models."""

import datetime as dt

import pytest

from core import county_apps
from core.county_apps import MonthFigures

START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
END = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)


def test_every_county_app_registers_its_month_figures():
    # In the order of INSTALLED_APPS.
    assert list(county_apps._month_figures) == [
        "accounts", "farmers", "service_points", "orders", "ledger",
    ]  # fmt: skip
    assert list(county_apps._activity_starts) == ["accounts", "orders", "ledger"]


def test_the_storefront_registers_the_county_site_setup():
    from county_sites.storefront.services import county_site_setup

    assert county_apps._setup_steps["storefront"] is county_site_setup


def test_figures_of_two_apps_may_not_claim_the_same_name(monkeypatch):
    monkeypatch.setattr(county_apps, "_month_figures", {})
    county_apps.county_month_figures_register("one", lambda s, e: MonthFigures({"users": 1}))
    county_apps.county_month_figures_register(
        "two", lambda s, e: MonthFigures({"users": 2, "sellers": 3})
    )

    with pytest.raises(RuntimeError, match=r"two reports figures another app reports: \['users'\]"):
        county_apps.county_month_figures(START, END)


def test_point_figures_of_two_apps_may_not_claim_the_same_name(monkeypatch):
    monkeypatch.setattr(county_apps, "_month_figures", {})
    county_apps.county_month_figures_register(
        "one", lambda s, e: MonthFigures(points={7: {"a": 1}})
    )
    county_apps.county_month_figures_register(
        "two", lambda s, e: MonthFigures(points={7: {"a": 2}})
    )

    with pytest.raises(RuntimeError, match=r"two reports point figures another app reports"):
        county_apps.county_month_figures(START, END)


def test_figures_are_merged_and_each_provider_gets_the_interval(monkeypatch):
    monkeypatch.setattr(county_apps, "_month_figures", {})
    asked = []

    def one(start, end):
        asked.append((start, end))
        return MonthFigures({"users": 1}, points={7: {"a": 1}}, point_names={7: ("递铺", "递铺村")})

    county_apps.county_month_figures_register("one", one)
    county_apps.county_month_figures_register(
        "two", lambda s, e: MonthFigures({"sellers": 3}, points={7: {"b": 2}, 8: {"b": 0}})
    )

    merged = county_apps.county_month_figures(START, END)

    assert asked == [(START, END)]
    assert merged.county == {"users": 1, "sellers": 3}
    assert merged.points == {7: {"a": 1, "b": 2}, 8: {"b": 0}}
    assert merged.point_names == {7: ("递铺", "递铺村")}


def test_the_activity_start_is_the_earliest_any_app_reports(monkeypatch):
    monkeypatch.setattr(county_apps, "_activity_starts", {})
    assert county_apps.county_activity_start() is None
    county_apps.county_activity_start_register("one", lambda: END)
    county_apps.county_activity_start_register("two", lambda: None)
    county_apps.county_activity_start_register("three", lambda: START)

    assert county_apps.county_activity_start() == START
