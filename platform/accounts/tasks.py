"""Celery tasks of accounts: SMS delivery, in the schema of the county that queued it."""

from celery import shared_task
from django.db import connection

from accounts.services import sms_outbox_deliver
from accounts.sms import SmsBackendError
from core.county_tasks import schema_check

# A login code lives 5 minutes: retries after 5 + 10 + 20 + 40 s still arrive in time.
SMS_DELIVER_MAX_RETRIES = 4
SMS_DELIVER_FIRST_RETRY_SECONDS = 5


@shared_task(bind=True, acks_late=True, max_retries=SMS_DELIVER_MAX_RETRIES)
def sms_deliver(self, outbox_id: int, schema_name: str) -> str:
    """Deliver outbox row `outbox_id` of `schema_name` once; a second run changes nothing."""
    # Outbox ids are per county: row N of another county would text someone else's code.
    schema_check(
        task=f"sms_deliver({outbox_id})", running=connection.schema_name, expected=schema_name
    )
    try:
        outbox = sms_outbox_deliver(outbox_id=outbox_id)
    except SmsBackendError as exc:
        raise self.retry(
            exc=exc, countdown=SMS_DELIVER_FIRST_RETRY_SECONDS * 2**self.request.retries
        ) from exc
    return outbox.status
