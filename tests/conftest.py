"""Fixtures for the whole suite; fixture modules live in tests/fixtures/."""

import pytest

from tests.fixtures.counties import (  # noqa: F401  (fixtures)
    county,
    county_client,
    django_db_setup,
    hub_client,
    in_county,
    in_public,
    operator_client,
    other_county,
    other_county_client,
)
from tests.fixtures.farmers import (  # noqa: F401  (fixtures)
    approved_listing,
    draft_listing,
    operator,
    other_seller,
    seller,
    submitted_listing,
)
from tests.fixtures.i18n import compiled_messages  # noqa: F401  (fixture)
from tests.fixtures.orders import (  # noqa: F401  (fixtures)
    bamboo_seller,
    bank_in_process,
    buyer,
    county_operator,
    other_buyer,
    point,
    shoots,
    tea,
    tea_seller,
    zone,
)
from tests.fixtures.storefront import page_cache_off  # noqa: F401  (autouse fixture)


@pytest.fixture(autouse=True, scope="session")
def messages_compiled(request):
    """Every test sees compiled catalogues, also on a bare `pytest` in a fresh checkout (no .mo
    yet): an English page then renders in English whichever test runs first. Cheap when the
    .mo files are current (two file dates compared)."""
    request.getfixturevalue("compiled_messages")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never into the working tree."""
    from django.core.files.storage import storages

    settings.MEDIA_ROOT = tmp_path / "media"
    # TenantFileSystemStorage caches MEDIA_ROOT/%s on first use and does not forget it when
    # MEDIA_ROOT changes (django-tenants 4): without this, every test after the first would
    # write into the first test's folder.
    storages["default"].__dict__.pop("relative_media_root", None)


@pytest.fixture(autouse=True)
def clear_host_cache():
    from hub.host_cache import host_cache_clear

    host_cache_clear()
    yield
    host_cache_clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language (zh-hans). A request through the test
    client leaves the language it chose active in the thread (LocaleMiddleware activates, and
    nothing deactivates), which made a test's messages depend on the test before it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
