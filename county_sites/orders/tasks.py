"""Celery tasks of orders: the payment timeout, run per county."""

from celery import shared_task
from django.db import connection
from django_tenants.utils import tenant_context

from hub.models import County


class WrongCountySchemaError(RuntimeError):
    """A county task ran outside its county's schema: refuse rather than touch another's."""


@shared_task(acks_late=True)
def orders_cancel_expired(county_id: int) -> list[str]:
    """Cancel this county's online orders left unpaid too long (idempotent: a cancelled order
    is not selected again)."""
    from county_sites.orders.services import orders_cancel_expired as cancel_expired

    county = County.objects.get(pk=county_id)
    if connection.schema_name != county.schema_name:
        raise WrongCountySchemaError(
            f"orders_cancel_expired({county_id}) ran in {connection.schema_name!r}"
        )
    return cancel_expired()


@shared_task
def counties_orders_cancel_expired() -> int:
    """Beat's fan-out from public: one orders_cancel_expired inside each active county."""
    count = 0
    for county in County.objects.active():
        with tenant_context(county):
            orders_cancel_expired.delay(county.pk)
        count += 1
    return count
