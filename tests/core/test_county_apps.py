"""core.county_apps: the province asks every county app for its figures and setup through one
registered interface, never by importing county models."""

import pytest

from core import county_apps


def test_every_county_app_registers_its_figures():
    # In the order of INSTALLED_APPS.
    assert list(county_apps._figures) == ["accounts", "storefront", "farmers", "orders", "ledger"]


def test_the_storefront_registers_the_county_site_setup():
    from county_sites.storefront.services import county_site_setup

    assert county_apps._setup_steps["storefront"] is county_site_setup


def test_figures_of_two_apps_may_not_claim_the_same_name(monkeypatch):
    monkeypatch.setattr(county_apps, "_figures", {})
    county_apps.county_figures_register("one", lambda: {"users": 1})
    county_apps.county_figures_register("two", lambda: {"users": 2, "sellers": 3})

    with pytest.raises(RuntimeError, match=r"two reports figures another app reports: \['users'\]"):
        county_apps.county_figures()


def test_figures_are_merged_in_registration_order(monkeypatch):
    monkeypatch.setattr(county_apps, "_figures", {})
    county_apps.county_figures_register("one", lambda: {"users": 1})
    county_apps.county_figures_register("two", lambda: {"sellers": 3})

    assert county_apps.county_figures() == {"users": 1, "sellers": 3}
