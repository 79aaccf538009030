"""Celery tasks of payments: reconciliation with the bank, per county. Marking the orders the
bank says were paid is county_sites.orders.services.orders_reconcile_pending's."""

from celery import shared_task
from django.db import connection

from core.county_tasks import counties_fan_out, schema_check
from county_sites.orders.services import orders_reconcile_pending
from hub.models import County


@shared_task(acks_late=True)
def payments_reconcile(county_id: int) -> list[str]:
    """Query the bank for this county's unpaid online orders; idempotent."""
    county = County.objects.get(pk=county_id)
    schema_check(
        task=f"payments_reconcile({county_id})",
        running=connection.schema_name,
        expected=county.schema_name,
    )
    return orders_reconcile_pending()


@shared_task
def counties_payments_reconcile() -> int:
    """Beat's fan-out from public: one payments_reconcile inside each active county."""
    return counties_fan_out(payments_reconcile, counties=County.objects.active())
