"""Celery tasks of credit: the SMS reminders of instalments falling due, per county."""

from celery import shared_task
from django.db import connection

from core.county_tasks import counties_fan_out, schema_check
from county_sites.credit.services import credit_instalments_remind
from hub.models import County


@shared_task(acks_late=True)
def credit_instalments_remind_due(county_id: int) -> int:
    """Text this county's residents whose instalments fall due soon; idempotent (an
    instalment is reminded once). Returns how many texts were queued."""
    county = County.objects.get(pk=county_id)
    schema_check(
        task=f"credit_instalments_remind_due({county_id})",
        running=connection.schema_name,
        expected=county.schema_name,
    )
    return credit_instalments_remind()


@shared_task
def counties_credit_instalments_remind() -> int:
    """Beat's fan-out from public: one credit_instalments_remind_due in each active county."""
    return counties_fan_out(credit_instalments_remind_due, counties=County.objects.active())
