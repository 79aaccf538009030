"""The province operator's day in a real Chromium at a desktop viewport (issue 10): sign in to
the province console, create a county from the form and watch the job finish, enter the new
county's admin through the hand-off, find a speciality in the province catalogue and open it
in its county, and see the counties in the dashboard.

What the test makes is committed (the live server sees only committed rows) and removed at
the end: the new county and its schema, the staff account, the listing and its index row.
The creation job is run the way a Celery worker runs it (county_creation_run, in a thread):
the live server has no worker, and the test's point is what the operator sees meanwhile.

Screenshots go to tests/e2e/artifacts/ (git-ignored): look at them after a layout change.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import in_county_a, outside_the_browser
from tests.fixtures.counties import COUNTY_A

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("compiled_messages")]

DESKTOP = {"width": 1280, "height": 900}
STAFF, STAFF_PASSWORD = "province-e2e", "province-e2e-pass-1"
NEW = {"code": "330681", "slug": "zhujie2e", "name": "诸暨市", "name_en": "Zhuji"}


def _staff_remove() -> None:
    """By SQL: the ORM's cascade would also look for the user's rows in county-only tables
    (Wagtail's user profiles), which the public schema does not have."""
    from django.contrib.admin.models import LogEntry
    from django.db import connection

    LogEntry.objects.filter(user__username=STAFF).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_user WHERE username = %s", [STAFF])


def _staff_make() -> None:
    from accounts.models import User

    _staff_remove()
    User.objects.create_superuser(username=STAFF, password=STAFF_PASSWORD, email="")


@in_county_a
def _speciality_make() -> int:
    """A live listing in county A, in the province index and picked as a speciality."""
    from django.db import connection

    from county_sites.catalogue.province import province_index_sync
    from hub.models import ProvinceListing, ProvinceSpeciality
    from tests.county_sites.conftest import live
    from tests.factories.farmers import SellerFactory

    listing = live(SellerFactory(name="龙王村茶农"), "安吉白茶明前特级", price_fen=26800)
    province_index_sync(listing_id=listing.pk)
    row = ProvinceListing.objects.get(county=connection.tenant, listing_id=listing.pk)
    ProvinceSpeciality.objects.create(listing=row, note="明前头采", sort_order=1)
    return listing.pk


@in_county_a
def _speciality_remove(*, listing_id: int) -> None:
    from django.db import connection

    from farmers.models import Listing, ListingPhoto, ModerationDecision
    from hub.models import ProvinceListing

    ProvinceListing.objects.filter(county=connection.tenant, listing_id=listing_id).delete()
    ListingPhoto.objects.filter(listing_id=listing_id).delete()
    ModerationDecision.objects.filter(listing_id=listing_id).delete()
    listing = Listing.objects.get(pk=listing_id)
    seller, user = listing.seller, listing.seller.user
    listing.delete()
    seller.delete()
    user.delete()


def _creation_run() -> str:
    """What the worker does with the queued job."""
    from hub.models import CountyCreation
    from hub.services.creation import county_creation_run

    creation = CountyCreation.objects.get(slug=NEW["slug"], state="queued")
    return county_creation_run(creation_id=creation.pk).state


def _rollup_run() -> list[str]:
    """What the workers do with the queued roll-up run: start it, then each county's part in
    its schema (hub.tasks.rollup_run_start fans rollup_county out the same way)."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from hub.models import RollUpRun
    from hub.services.rollups import rollup_run_start
    from hub.tasks import rollup_county

    run = RollUpRun.objects.order_by("-pk").first()
    states = []
    for county in rollup_run_start(run_id=run.pk):
        with tenant_context(county):
            states.append(rollup_county(run.pk, county.pk))
    connection.set_schema_to_public()
    return states


def _cleanup() -> None:
    from hub.models import (
        County,
        CountyCreation,
        CountyHandOff,
        CountyMonthFigure,
        PointMonthFigure,
        RollUpRun,
    )
    from hub.services import county_creation_undo
    from hub.validation import schema_name_for

    county = County.objects.filter(slug=NEW["slug"]).first()
    if county is not None:
        CountyHandOff.objects.filter(county=county).delete()
        county_creation_undo(schema_name=schema_name_for(NEW["slug"]))
    CountyCreation.objects.filter(slug=NEW["slug"]).delete()
    CountyHandOff.objects.filter(actor__username=STAFF).delete()
    RollUpRun.objects.filter(requested_by__username=STAFF).delete()
    CountyMonthFigure.objects.all().delete()
    PointMonthFigure.objects.all().delete()
    _staff_remove()


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_province_operator_creates_a_county_enters_it_and_finds_a_speciality(
    live_site, desk, screenshot
):
    outside_the_browser(_staff_make)
    listing_id = outside_the_browser(_speciality_make)
    try:
        # Sign in to the province console: the dashboard, no dead boxes.
        desk.goto(live_site.hub_url + "admin/")
        desk.locator("#id_username").fill(STAFF)
        desk.locator("#id_password").fill(STAFF_PASSWORD)
        desk.locator("input[type=submit]").click()
        expect(desk.locator("#site-name")).to_contain_text("省平台")
        expect(desk.get_by_text("Not available")).to_have_count(0)
        screenshot(desk, "province-console-home")

        # County list -> the creation form -> the status page.
        desk.get_by_role("link", name="县", exact=True).first.click()
        desk.locator(".object-tools a.addlink").click()
        expect(desk).to_have_url(re.compile(r"/admin/hub/county/create/$"))
        for field in ("code", "name", "name_en", "slug"):
            desk.locator(f"#id_{field}").fill(NEW[field])
        screenshot(desk, "province-county-create")
        desk.get_by_role("button", name="创建").click()
        expect(desk).to_have_url(re.compile(r"/admin/hub/county/creation/\d+/$"))
        expect(desk.get_by_text("排队中")).to_be_visible()
        screenshot(desk, "province-county-queued")

        # The worker runs the job; the page refreshes itself until it is done.
        assert outside_the_browser(_creation_run) == "done"
        expect(desk.get_by_text("诸暨市 已创建，可以开始运营。")).to_be_visible()
        expect(desk.locator("progress")).to_have_attribute("value", "100")
        screenshot(desk, "province-county-done")

        # Into the new county's own admin through the hand-off.
        desk.get_by_role("link", name="县", exact=True).first.click()
        row = desk.locator("tr", has_text=NEW["name"])
        row.get_by_role("button", name="进入县后台").click()
        desk.wait_for_url(re.compile(rf"^http://{NEW['slug']}\.localhost:\d+/admin/"))
        expect(desk).to_have_title(re.compile("控制面板"))
        screenshot(desk, "province-handoff-county-admin")

        # The province catalogue: a speciality on the portal home, found by pinyin too.
        desk.goto(live_site.hub_url)
        expect(
            desk.get_by_role("link", name=re.compile("安吉白茶明前特级.*明前头采"))
        ).to_be_visible()
        desk.get_by_role("searchbox").fill("baicha")
        desk.get_by_role("button", name="搜索").click()
        result = desk.get_by_role("link", name=re.compile("安吉白茶明前特级"))
        expect(result).to_have_attribute(
            "href", f"{live_site.county_url(COUNTY_A.slug)}p/{listing_id}/"
        )
        screenshot(desk, "province-portal-search")
        result.click()
        desk.wait_for_url(f"{live_site.county_url(COUNTY_A.slug)}p/{listing_id}/")
        expect(desk.get_by_role("heading", level=1)).to_have_text("安吉白茶明前特级")

        # The dashboard: recompute, the workers run it, every county is in the charts.
        desk.goto(live_site.hub_url + "admin/")
        desk.get_by_role("link", name="打开统计报表").click()
        desk.get_by_role("button", name="立即重算全部月份").click()
        assert set(outside_the_browser(_rollup_run)) == {"done"}
        desk.goto(live_site.hub_url + "admin/")
        desk.get_by_role("link", name="打开统计报表").click()
        sales_chart = desk.locator(".module", has_text="各县网络零售额").locator("svg")
        for name in (COUNTY_A.name, NEW["name"]):
            expect(sales_chart).to_contain_text(name)
        screenshot(desk, "province-dashboard")
    finally:
        outside_the_browser(_speciality_remove, listing_id=listing_id)
        outside_the_browser(_cleanup)
