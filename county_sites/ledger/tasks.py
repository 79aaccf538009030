"""Celery tasks of the ledger: releasing service points' commissions after the return window,
run per county."""

from celery import shared_task
from django.db import connection

from core.county_tasks import counties_fan_out, schema_check
from county_sites.ledger.point_commissions import ledger_point_commissions_release
from hub.models import County


@shared_task(acks_late=True)
def ledger_point_commissions_release_due(county_id: int) -> list[int]:
    """Release this county's point commissions whose return window has passed (idempotent:
    a released commission is not selected again). Returns the orders' ids."""
    county = County.objects.get(pk=county_id)
    schema_check(
        task=f"ledger_point_commissions_release_due({county_id})",
        running=connection.schema_name,
        expected=county.schema_name,
    )
    return ledger_point_commissions_release()


@shared_task
def counties_point_commissions_release() -> int:
    """Beat's fan-out from public: one ledger_point_commissions_release_due in each county."""
    return counties_fan_out(ledger_point_commissions_release_due, counties=County.objects.active())
