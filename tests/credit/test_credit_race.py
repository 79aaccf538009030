"""A credit line is never overdrawn, even by concurrent checkouts (issue 11, point 2): threads
with their own connections on committed rows, like the oversell race (tests/orders
/test_oversell.py). Twenty checkouts of ¥1 each at once on a line of ¥5 make exactly five
orders; the line's row lock (credit_draw_locked) is what serialises them."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from accounts.models import SharingRecord
from core.errors import ApplicationError
from county_sites.credit.models import CreditDraw, CreditInstalment, CreditLine
from county_sites.credit.selectors import credit_outstanding_fen
from county_sites.credit.services import MSG_OVER_LIMIT
from county_sites.orders.models import Order
from county_sites.orders.services import order_place
from county_sites.payments.models import PaymentSettings
from county_sites.payments.services import payment_settings_ensure
from farmers.models import Listing
from sandbox_bank.models import SandboxCreditDraw, SandboxMerchant
from tests.credit.conftest import grant
from tests.factories.farmers import ListingFactory, SellerFactory
from tests.factories.orders import ResidentFactory
from tests.factories.service_points import ServicePointFactory

pytestmark = pytest.mark.django_db

CHECKOUTS = 20
LIMIT = 500
PRICE = 100


def _committed(django_db_blocker, county, work):
    def run():
        try:
            with tenant_context(county):
                return work()
        finally:
            connection.close()

    with django_db_blocker.unblock(), ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def committed(django_db_blocker, county, bank_in_process):
    """A resident with a ¥5 line, a listing with plenty of stock at ¥1, a point, committed."""
    tag = uuid.uuid4().hex[:8]

    def arrange():
        had_merchant = PaymentSettings.objects.exists()
        payment_settings_ensure(county=county)  # opened once, before the race
        seller = SellerFactory(name=f"授信卖家{tag}", user__username=f"credit-seller-{tag}")
        buyer = ResidentFactory(username=f"credit-{tag}", mobile="")
        return {
            "had_merchant": had_merchant,
            "seller": seller,
            "listing": ListingFactory(seller=seller, stock=100, price_fen=PRICE, approved=True),
            "point": ServicePointFactory(name=f"授信服务点{tag}"),
            "buyer": buyer,
            "line": grant(buyer, limit=LIMIT, line_no=f"L-RACE-{tag}", fee_bp=0),
        }

    rows = _committed(django_db_blocker, county, arrange)
    yield rows

    def clean_up():
        buyer = rows["buyer"]
        orders = list(Order.objects.filter(buyer=buyer).values_list("pk", flat=True))
        draws = list(
            CreditDraw.objects.filter(order_id__in=orders).values_list("draw_no", flat=True)
        )
        CreditInstalment.objects.filter(draw__order_id__in=orders).delete()
        CreditDraw.objects.filter(order_id__in=orders).delete()
        SharingRecord.objects.filter(user=buyer).delete()
        CreditLine.objects.filter(pk=rows["line"].pk).delete()
        with transaction.atomic(), connection.cursor() as cursor:
            # Test clean-up only: the ledger refuses DELETE (docs/adr/0007); these entries
            # are this test's own committed rows, which no other test may see.
            cursor.execute("ALTER TABLE ledger_ledgerentry DISABLE TRIGGER ledger_entry_immutable")
            cursor.execute("DELETE FROM ledger_ledgerentry WHERE order_id = ANY(%s)", [orders])
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE ledger_ledgerentry ENABLE TRIGGER ledger_entry_immutable")
        Order.objects.filter(pk__in=orders).delete()
        get_user_model().objects.filter(pk=buyer.pk).delete()
        Listing.objects.filter(pk=rows["listing"].pk).delete()
        seller_user = rows["seller"].user
        rows["seller"].delete()
        seller_user.delete()
        rows["point"].delete()
        SandboxCreditDraw.objects.filter(out_draw_no__in=draws).delete()
        if not rows["had_merchant"]:
            PaymentSettings.objects.all().delete()
            SandboxMerchant.objects.filter(county_id=county.pk).delete()

    _committed(django_db_blocker, county, clean_up)


def _run_concurrently(django_db_blocker, county, jobs):
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


def _checkout(buyer, listing, point):
    return lambda: order_place(
        buyer=buyer,
        lines=[(listing.pk, 1)],
        fulfilment="pickup",
        service_point=point,
        payment_method="credit_line",
        credit_term=1,
        idempotency_key=uuid.uuid4().hex,
    )


@pytest.mark.parametrize("round_", range(2))
def test_twenty_checkouts_at_once_on_a_five_yuan_line_make_exactly_five(
    django_db_blocker, committed, county, round_
):
    buyer, listing, point = committed["buyer"], committed["listing"], committed["point"]
    jobs = [_checkout(buyer, listing, point) for _ in range(CHECKOUTS)]

    results = _run_concurrently(django_db_blocker, county, jobs)

    placed = [result for result in results if isinstance(result, Order)]
    refused = [result for result in results if isinstance(result, ApplicationError)]
    assert len(placed) == LIMIT // PRICE
    assert len(refused) == CHECKOUTS - LIMIT // PRICE
    assert {str(refusal.message) for refusal in refused} == {
        str(MSG_OVER_LIMIT % {"available": "0.00", "total": "1.00"})
    }
    outstanding, orders, paid, stock = _committed(
        django_db_blocker,
        county,
        lambda: (
            credit_outstanding_fen(line=CreditLine.objects.get(pk=committed["line"].pk)),
            Order.objects.filter(buyer=buyer).count(),
            Order.objects.filter(buyer=buyer, state="paid").count(),
            Listing.objects.get(pk=listing.pk).stock,
        ),
    )
    assert outstanding == LIMIT
    assert (orders, paid) == (5, 5)
    assert stock == 100 - 5  # the refused checkouts reserved nothing
