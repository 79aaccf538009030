"""SANDBOX BANK: asynchronous notify to the merchant (county), retried like a real gateway."""

import logging

from celery import shared_task
from django.conf import settings

from sandbox_bank.http import http_post_form
from sandbox_bank.models import SandboxNotice, SandboxTransaction
from sandbox_bank.services import notice_payload, notice_record, notify_payload, notify_record

logger = logging.getLogger(__name__)

# Real gateways retry for about a day: 15 s, 30 s, 1 min ... here 8 tries.
NOTIFY_MAX_RETRIES = 8
NOTIFY_FIRST_RETRY_SECONDS = 15


class NotifyNotAcknowledgedError(Exception):
    pass


@shared_task(bind=True, acks_late=True, max_retries=NOTIFY_MAX_RETRIES)
def sandbox_notify_deliver(self, transaction_id: int) -> str:
    """POST the signed notify of a paid transaction to its notify URL until the merchant
    answers 200 "success". Idempotent: a notified transaction is not notified again."""
    trade = SandboxTransaction.objects.select_related("merchant").get(pk=transaction_id)
    if trade.state != SandboxTransaction.State.PAID or trade.notified_at is not None:
        return "skipped"
    try:
        status, body = http_post_form(
            trade.notify_url,
            notify_payload(trade=trade),
            timeout=settings.SANDBOX_BANK_HTTP_TIMEOUT_SECONDS,
        )
        delivered = status == 200 and body.strip() == b"success"
    except OSError as error:
        logger.warning("sandbox notify %s failed: %s", transaction_id, error)
        delivered = False
    notify_record(transaction_id=transaction_id, delivered=delivered)
    if not delivered:
        raise self.retry(
            exc=NotifyNotAcknowledgedError(transaction_id),
            countdown=NOTIFY_FIRST_RETRY_SECONDS * 2**self.request.retries,
        )
    return "delivered"


@shared_task(bind=True, acks_late=True, max_retries=NOTIFY_MAX_RETRIES)
def sandbox_notice_deliver(self, notice_id: int) -> str:
    """POST a signed credit notice (a line granted, an instalment repaid) to the county until
    it answers 200 "success". Idempotent: a delivered notice is not sent again."""
    notice = SandboxNotice.objects.select_related("merchant").get(pk=notice_id)
    if notice.delivered_at is not None:
        return "skipped"
    try:
        status, body = http_post_form(
            notice.url,
            notice_payload(notice=notice),
            timeout=settings.SANDBOX_BANK_HTTP_TIMEOUT_SECONDS,
        )
        delivered = status == 200 and body.strip() == b"success"
    except OSError as error:
        logger.warning("sandbox notice %s failed: %s", notice_id, error)
        delivered = False
    notice_record(notice_id=notice_id, delivered=delivered)
    if not delivered:
        raise self.retry(
            exc=NotifyNotAcknowledgedError(notice_id),
            countdown=NOTIFY_FIRST_RETRY_SECONDS * 2**self.request.retries,
        )
    return "delivered"
