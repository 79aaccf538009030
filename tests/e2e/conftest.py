"""A real Chromium against a live server (DESIGN.md section 7).

Why not pytest-django's `live_server`: it needs `transactional_db`, whose teardown truncates the
public tables and with them the session's committed test counties (anji, chunan). The counties
are committed already, so a plain server thread sees them. The tests change nothing but a
county's status, which they put back.

Debian's Chromium is driven by Playwright for Python; `playwright install` is never run.
"""

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@dataclass(frozen=True)
class LiveSite:
    port: int

    @property
    def hub_url(self) -> str:
        return f"http://localhost:{self.port}/"

    def county_url(self, slug: str) -> str:
        # Chromium resolves every *.localhost name to loopback by itself.
        return f"http://{slug}.localhost:{self.port}/"


@pytest.fixture(scope="session")
def live_site_thread(django_db_setup, county, other_county):
    """One threaded WSGI server for the session, serving static files through the finders as
    `runserver` does. It depends on the test counties so they exist before it starts."""
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield thread
    thread.terminate()


@pytest.fixture
def live_site(live_site_thread, db):
    """The live server. `db` is what makes pytest-django set up the test database at all; its
    transaction holds only this thread's connection, so the server sees committed data."""
    return LiveSite(port=live_site_thread.port)


@pytest.fixture
def browser(live_site):
    """Chromium for one test. Per test and after `db` on purpose: while Playwright runs, the
    main thread has a running event loop, where Django refuses ORM calls (SynchronousOnly-
    Operation), so `db` must open and roll back its transaction outside that window."""
    if not CHROMIUM.exists():
        # As scripts/browser.sh announces when it cannot install it (not root).
        pytest.skip("Chromium is missing: apt-get install -y chromium (make test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A fresh phone in China: 390×844, Chinese first, China time, no cookies."""
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


def outside_the_browser(function, /, **kwargs):
    """Run ORM code in a worker thread: Playwright's sync API keeps an event loop running in
    the main thread, where Django raises SynchronousOnlyOperation."""

    def run():
        try:
            return function(**kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(run).result()


def in_county_a(function):
    """Run `function` in county A's schema (and back to public after): for ORM helpers that
    outside_the_browser() calls."""
    from django.db import connection
    from django_tenants.utils import tenant_context

    from hub.models import County
    from tests.fixtures.counties import COUNTY_A

    def run(**kwargs):
        county = County.objects.get(slug=COUNTY_A.slug)
        try:
            with tenant_context(county):
                return function(**kwargs)
        finally:
            connection.set_schema_to_public()

    return run


CODE_IN_TEXT = re.compile(r"(?<!\d)(\d{6})(?!\d)")


@in_county_a
def login_code_sent_to(*, mobile: str) -> str:
    """The six digits of the newest login SMS to `mobile` in county A's outbox."""
    from accounts.models import SmsOutbox

    outbox = SmsOutbox.objects.filter(mobile=mobile).order_by("-created_at", "-id").first()
    return CODE_IN_TEXT.search(outbox.text).group(1)
