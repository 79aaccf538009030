"""The portal, a county storefront and the county admin in a real Chromium on a phone.

Screenshots go to tests/e2e/artifacts/ (git-ignored): look at them after a layout change.
"""

import re

import pytest
from playwright.sync_api import expect

from hub.models import County
from hub.services import county_reactivate, county_suspend
from tests.e2e.conftest import TABLET, outside_the_browser
from tests.fixtures.counties import COUNTY_A, COUNTY_B, OPERATOR_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("compiled_messages")]


def test_resident_picks_a_county_on_the_portal_and_reads_it_in_english(
    live_site, phone, screenshot
):
    phone.goto(live_site.hub_url)

    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(phone.get_by_role("heading", level=1)).to_have_text("选择您所在的县")
    anji = phone.get_by_role("link", name=re.compile(COUNTY_A.name))
    chunan = phone.get_by_role("link", name=re.compile(COUNTY_B.name))
    expect(anji).to_have_attribute("href", live_site.county_url(COUNTY_A.slug))
    expect(chunan).to_have_attribute("href", live_site.county_url(COUNTY_B.slug))
    screenshot(phone, "portal-phone-zh")

    anji.click()

    phone.wait_for_url(live_site.county_url(COUNTY_A.slug))
    expect(phone.get_by_role("heading", level=1)).to_have_text("欢迎来到安吉县丰收购")
    screenshot(phone, "county-home-phone-zh")

    phone.get_by_label("语言").select_option("en")
    phone.get_by_role("button", name="切换").click()

    phone.wait_for_url(live_site.county_url(COUNTY_A.slug))
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Welcome to Anji County on Fengshou")
    expect(phone.get_by_role("button", name="Switch")).to_be_visible()
    expect(phone.get_by_text("欢迎来到")).to_have_count(0)
    screenshot(phone, "county-home-phone-en")


def test_portal_switches_to_english_on_a_phone_and_a_tablet(live_site, phone, screenshot):
    phone.goto(live_site.hub_url)

    phone.get_by_label("语言").select_option("en")
    phone.get_by_role("button", name="切换").click()

    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Choose your county")
    expect(phone.locator(".brand")).to_have_text("Fengshou · Province portal")
    expect(phone.get_by_text("选择您所在的县")).to_have_count(0)
    screenshot(phone, "portal-phone-en")
    phone.set_viewport_size(TABLET)
    screenshot(phone, "portal-tablet-en")


def test_county_operator_signs_in_to_the_county_admin(live_site, phone, screenshot):
    admin_url = live_site.county_url(COUNTY_A.slug) + "admin/"

    phone.goto(admin_url)
    expect(phone).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    phone.locator("#id_username").fill("operator")
    phone.locator("#id_password").fill(OPERATOR_PASSWORD)
    screenshot(phone, "county-admin-login-phone")
    phone.locator("form button[type=submit]").click()

    phone.wait_for_url(admin_url)
    expect(phone.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(phone).to_have_title(re.compile("控制面板"))  # Wagtail's own zh-hans for "Dashboard"
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    expect(phone.locator("#id_username")).to_have_count(0)
    screenshot(phone, "county-admin-dashboard-phone")


def _set_status(*, slug: str, suspended: bool) -> None:
    county = County.objects.get(slug=slug)
    (county_suspend if suspended else county_reactivate)(county=county)


def test_suspended_county_shows_the_closed_page(live_site, phone, screenshot):
    url = live_site.county_url(COUNTY_A.slug)

    outside_the_browser(_set_status, slug=COUNTY_A.slug, suspended=True)
    try:
        response = phone.goto(url)

        assert response.status == 503
        assert response.headers["retry-after"] == "3600"
        expect(phone.get_by_role("heading", level=1)).to_have_text("安吉县商城暂停服务")
        screenshot(phone, "county-suspended-phone-zh")
    finally:
        outside_the_browser(_set_status, slug=COUNTY_A.slug, suspended=False)

    assert phone.goto(url).status == 200
