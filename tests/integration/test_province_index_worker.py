"""A real Celery worker keeps the province catalogue: a listing approved, repriced and
delisted in a county reaches the hub's index within a minute, each through the task its
service queued on commit."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django_tenants.utils import tenant_context

from farmers.models import Listing, ModerationDecision, Seller
from farmers.services import listing_approve, listing_delist, listing_update
from hub.models import ProvinceListing
from tests.factories.farmers import ListingFactory, SellerFactory
from tests.integration.test_celery_tenant_routing import worker  # noqa: F401  (fixture)

pytestmark = pytest.mark.celery_worker
WITHIN_SECONDS = 60


@pytest.fixture(scope="module")
def committed_users(django_db_setup, county):
    """The worker fixture's dependency; this module commits its own rows."""


def _row_when(county, listing_id, wanted) -> ProvinceListing | None:
    deadline = time.monotonic() + WITHIN_SECONDS
    while time.monotonic() < deadline:
        row = ProvinceListing.objects.filter(county=county, listing_id=listing_id).first()
        if wanted(row):
            return row
        time.sleep(0.2)
    pytest.fail(f"the province index did not follow within {WITHIN_SECONDS} s")


def _committed(county, function):
    """Run `function` in its own thread, so on its own connection in autocommit: the services'
    transactions really commit and their on-commit callbacks really queue the sync."""
    result, errors = [], []

    def run():
        try:
            with tenant_context(county):
                result.append(function())
        except Exception as error:  # noqa: BLE001  (re-raised in the test's thread)
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=WITHIN_SECONDS)
    if errors:
        raise errors[0]
    return result[0]


def _arrange():
    operator = get_user_model().objects.get(username="operator")
    seller = SellerFactory(name="周阿婆")
    listing = ListingFactory(seller=seller, title="安吉冬笋", submitted=True)
    return operator, seller, listing


def _clean(seller, listing):
    ModerationDecision.objects.filter(listing=listing).delete()
    Listing.objects.filter(pk=listing.pk).delete()
    Seller.objects.filter(pk=seller.pk).delete()
    get_user_model().objects.filter(pk=seller.user_id).delete()


@pytest.mark.django_db
def test_the_index_follows_approve_price_and_delist_within_a_minute(
    worker,  # noqa: F811
    county,
):
    operator, seller, listing = _committed(county, _arrange)
    try:
        _committed(county, lambda: listing_approve(actor=operator, listing=listing))
        row = _row_when(county, listing.pk, lambda row: row is not None)
        assert (row.title, row.price_fen) == ("安吉冬笋", 350)

        _committed(county, lambda: listing_update(actor=operator, listing=listing, price_fen=900))
        _row_when(county, listing.pk, lambda row: row is not None and row.price_fen == 900)

        started = time.monotonic()
        _committed(county, lambda: listing_delist(actor=operator, listing=listing))
        _row_when(county, listing.pk, lambda row: row is None)
        assert time.monotonic() - started < WITHIN_SECONDS
    finally:
        _committed(county, lambda: _clean(seller, listing))
        _committed(
            county,
            lambda: ProvinceListing.objects.filter(county=county, listing_id=listing.pk).delete(),
        )
