"""Celery tasks of payments: reconciliation with the bank, per county."""

from celery import shared_task
from django.db import connection
from django_tenants.utils import tenant_context

from hub.models import County


class WrongCountySchemaError(RuntimeError):
    """A county task ran outside its county's schema."""


@shared_task(acks_late=True)
def payments_reconcile(county_id: int) -> list[str]:
    """Query the bank for this county's unpaid online orders; idempotent."""
    from county_sites.payments.services import payments_reconcile_pending

    county = County.objects.get(pk=county_id)
    if connection.schema_name != county.schema_name:
        raise WrongCountySchemaError(f"payments_reconcile({county_id}) ran in public")
    return payments_reconcile_pending()


@shared_task
def counties_payments_reconcile() -> int:
    """Beat's fan-out from public: one payments_reconcile inside each active county."""
    count = 0
    for county in County.objects.active():
        with tenant_context(county):
            payments_reconcile.delay(county.pk)
        count += 1
    return count
