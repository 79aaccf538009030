"""Concurrency on real PostgreSQL: threads with their own connections, on committed rows.

pytest-django's `db` wraps a test in a transaction other connections cannot see, and
`transaction=True` would flush the committed test counties, so these tests write, read and
delete their own rows from separate threads (each its own connection, autocommitting). The
`django_db` mark is only there so pytest-django sets the test database up.
"""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import tenant_context

from core.errors import ApplicationError
from county_sites.orders.models import Order
from county_sites.orders.services import order_place
from farmers.models import Listing
from tests.factories.farmers import ListingFactory, SellerFactory
from tests.factories.orders import ResidentFactory
from tests.factories.service_points import ServicePointFactory

pytestmark = pytest.mark.django_db

BUYERS = 50
STOCK = 5


def _committed(django_db_blocker, county, work):
    """Run `work()` in county A on a fresh connection in another thread: it commits."""

    def run():
        try:
            with tenant_context(county):
                return work()
        finally:
            connection.close()

    with django_db_blocker.unblock(), ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def committed(django_db_blocker, county):
    """A listing with the last 5 units, a service point and 50 residents, committed."""
    tag = uuid.uuid4().hex[:8]

    def arrange():
        seller = SellerFactory(name=f"并发卖家{tag}", user__username=f"oversell-seller-{tag}")
        return {
            "seller": seller,
            "listing": ListingFactory(seller=seller, stock=STOCK, price_fen=100, approved=True),
            "point": ServicePointFactory(name=f"并发服务点{tag}"),
            # No mobile: no confirmation SMS is queued for these orders.
            "buyers": [
                ResidentFactory(username=f"oversell-{tag}-{n}", mobile="") for n in range(BUYERS)
            ],
            "county": county,
        }

    rows = _committed(django_db_blocker, county, arrange)
    yield rows

    def clean_up():
        Order.objects.filter(buyer__in=rows["buyers"]).delete()
        get_user_model().objects.filter(pk__in=[buyer.pk for buyer in rows["buyers"]]).delete()
        Listing.objects.filter(pk=rows["listing"].pk).delete()
        seller_user = rows["seller"].user
        rows["seller"].delete()
        seller_user.delete()
        rows["point"].delete()

    _committed(django_db_blocker, county, clean_up)


def _run_concurrently(django_db_blocker, county, jobs):
    """Run each job (a callable) in its own thread and connection, started together."""
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            with tenant_context(county):
                barrier.wait(timeout=30)
                try:
                    return job()
                except ApplicationError as refusal:
                    return refusal
        finally:
            connection.close()

    with django_db_blocker.unblock(), ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _buy(buyer, listing, point, key):
    return lambda: order_place(
        buyer=buyer,
        lines=[(listing.pk, 1)],
        fulfilment="pickup",
        service_point=point,
        payment_method="bank_gateway",
        idempotency_key=key,
    )


@pytest.mark.parametrize("round_", range(3))
def test_fifty_buyers_for_the_last_five_units_make_exactly_five_orders(
    django_db_blocker, committed, round_
):
    listing, point, county = committed["listing"], committed["point"], committed["county"]
    jobs = [_buy(buyer, listing, point, uuid.uuid4().hex) for buyer in committed["buyers"]]

    results = _run_concurrently(django_db_blocker, county, jobs)

    placed = [result for result in results if isinstance(result, Order)]
    refused = [result for result in results if isinstance(result, ApplicationError)]
    assert len(placed) == STOCK
    assert len(refused) == BUYERS - STOCK
    stock, orders = _committed(
        django_db_blocker,
        county,
        lambda: (
            Listing.objects.get(pk=listing.pk).stock,
            Order.objects.filter(lines__listing=listing).count(),
        ),
    )
    assert stock == 0
    assert orders == STOCK
    assert len({order.pickup_code for order in placed}) == STOCK


def test_the_same_key_twenty_times_at_once_makes_one_order(django_db_blocker, committed):
    listing, point, county = committed["listing"], committed["point"], committed["county"]
    buyer = committed["buyers"][0]
    jobs = [_buy(buyer, listing, point, "same-tap-key") for _ in range(20)]

    results = _run_concurrently(django_db_blocker, county, jobs)

    assert all(isinstance(result, Order) for result in results), results
    assert len({order.pk for order in results}) == 1
    assert sum(1 for order in results if order.was_placed) == 1
    orders, stock = _committed(
        django_db_blocker,
        county,
        lambda: (
            Order.objects.filter(buyer=buyer).count(),
            Listing.objects.get(pk=listing.pk).stock,
        ),
    )
    assert orders == 1
    assert stock == STOCK - 1
