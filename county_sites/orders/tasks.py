"""Celery tasks of orders: the payment timeout, the expiry of unconfirmed assisted orders and
the cash hold, run per county."""

from celery import shared_task
from django.db import connection

from core.county_tasks import counties_fan_out, schema_check
from county_sites.orders import services
from hub.models import County


@shared_task(acks_late=True)
def orders_cancel_expired(county_id: int) -> list[str]:
    """Cancel this county's online orders left unpaid too long (idempotent: a cancelled order
    is not selected again)."""
    county = County.objects.get(pk=county_id)
    schema_check(
        task=f"orders_cancel_expired({county_id})",
        running=connection.schema_name,
        expected=county.schema_name,
    )
    return services.orders_cancel_expired()


@shared_task
def counties_orders_cancel_expired() -> int:
    """Beat's fan-out from public: one orders_cancel_expired inside each active county."""
    return counties_fan_out(orders_cancel_expired, counties=County.objects.active())


@shared_task(acks_late=True)
def orders_expire_unconfirmed(county_id: int) -> list[str]:
    """Cancel this county's orders entered by a clerk that the villager did not confirm in
    time, releasing their stock (idempotent: a cancelled order is not selected again, and
    stock goes back once)."""
    county = County.objects.get(pk=county_id)
    schema_check(
        task=f"orders_expire_unconfirmed({county_id})",
        running=connection.schema_name,
        expected=county.schema_name,
    )
    return services.assisted_orders_expire()


@shared_task
def counties_orders_expire_unconfirmed() -> int:
    """Beat's fan-out from public: one orders_expire_unconfirmed inside each active county."""
    return counties_fan_out(orders_expire_unconfirmed, counties=County.objects.active())


@shared_task(acks_late=True)
def orders_expire_cash(county_id: int) -> list[str]:
    """Cancel this county's cash-on-pickup orders nobody started on within the county's hold,
    releasing their stock and texting the buyer (idempotent: a cancelled order is not
    selected again, so it is cancelled, released and texted once)."""
    county = County.objects.get(pk=county_id)
    schema_check(
        task=f"orders_expire_cash({county_id})",
        running=connection.schema_name,
        expected=county.schema_name,
    )
    return services.cash_orders_expire()


@shared_task
def counties_orders_expire_cash() -> int:
    """Beat's fan-out from public: one orders_expire_cash inside each active county."""
    return counties_fan_out(orders_expire_cash, counties=County.objects.active())
