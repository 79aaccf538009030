"""Celery tasks of the province: each county's figures, rolled up into public."""

from celery import shared_task
from django.db import connection
from django_tenants.utils import tenant_context

from hub.models import County
from hub.services import county_stats_store


class WrongCountySchemaError(RuntimeError):
    """A county task ran outside its county's schema: refuse rather than count another county."""


def county_figures() -> dict:
    """Figures of the county whose schema is current. Sales are what the ledger says was
    received (online payments and cash collected) less refunds."""
    from wagtail.models import Page

    from accounts.models import User
    from county_sites.ledger.models import LedgerEntry
    from county_sites.ledger.selectors import ledger_totals
    from county_sites.orders.models import Order
    from farmers.models import Seller

    totals = ledger_totals()
    kind = LedgerEntry.Kind
    return {
        "users": User.objects.count(),
        "sellers": Seller.objects.count(),
        "orders": Order.objects.exclude(state=Order.State.CANCELLED).count(),
        "sales_fen": (
            totals.get(kind.PAYMENT, 0)
            + totals.get(kind.CASH_COLLECTED, 0)
            - totals.get(kind.REFUND, 0)
        ),
        "pages": Page.objects.filter(depth__gt=1).count(),
    }


@shared_task(acks_late=True)
def county_refresh_stats(county_id: int) -> dict:
    """Refresh one county's summary row. Sent from inside the county (tenant-schemas-celery
    carries the schema in the headers), it runs in that county's schema on the worker."""
    county = County.objects.get(pk=county_id)
    if connection.schema_name != county.schema_name:
        raise WrongCountySchemaError(
            f"county_refresh_stats({county_id}) ran in {connection.schema_name!r}, "
            f"expected {county.schema_name!r}"
        )
    figures = county_figures()
    county_stats_store(county=county, figures=figures)
    return {"schema": connection.schema_name, **figures}


@shared_task
def counties_refresh_stats() -> int:
    """Beat's fan-out: queue county_refresh_stats inside each county, so each runs there."""
    count = 0
    for county in County.objects.counties():
        with tenant_context(county):
            county_refresh_stats.delay(county.pk)
        count += 1
    return count
