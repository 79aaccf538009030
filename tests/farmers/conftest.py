"""Fixtures shared by tests/farmers modules."""

import pytest
from django.utils import translation

from farmers.tasks import farmers_import_run

# images_helpers.refusal asserts; rewrite it as pytest rewrites a test module (before any test
# module imports it).
pytest.register_assert_rewrite("tests.farmers.images_helpers")


@pytest.fixture
def seller_client(county_client, seller):
    county_client.force_login(seller.user)
    return county_client


@pytest.fixture
def run_tasks_now(monkeypatch):
    """farmers_import_run runs at once through Celery's apply() with the headers the service
    gave it, as tenant-schemas-celery would on a worker."""
    sent = []

    def apply_now(args=None, kwargs=None, **options):
        sent.append({"args": tuple(args or ()), "headers": options.get("headers")})
        result = farmers_import_run.apply(args=args, kwargs=kwargs, headers=options["headers"])
        result.get()
        return result

    monkeypatch.setattr(farmers_import_run, "apply_async", apply_now)
    return sent


@pytest.fixture
def in_chinese():
    """Row messages are stored in the site's language; compare them in it whatever language
    an earlier test left active."""
    with translation.override("zh-hans"):
        yield
