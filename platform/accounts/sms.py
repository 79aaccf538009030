"""SMS backends: how a text message leaves the platform. FENGSHOU_SMS_BACKEND names the class.

A backend only sends; the outbox row (accounts.models.SmsOutbox) is the record of what was sent
and accounts.tasks.sms_deliver decides whether to send at all (it never sends a row twice).
A real provider is a subclass whose send() calls the provider's API and raises on failure.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsBackendError(Exception):
    """The provider refused or could not be reached: the task records it and retries."""


class BaseSmsBackend:
    """Send one text to one mobile number, or raise SmsBackendError."""

    def send(self, mobile: str, text: str) -> None:
        raise NotImplementedError

    @classmethod
    def path(cls) -> str:
        return f"{cls.__module__}.{cls.__qualname__}"


class ConsoleBackend(BaseSmsBackend):
    """Development: the message goes to the log, where the developer reads the code."""

    def send(self, mobile: str, text: str) -> None:
        logger.info("SMS to %s: %s", mobile, text)


class OutboxBackend(BaseSmsBackend):
    """Tests: sending is only marking the outbox row as sent; tests read the text there."""

    def send(self, mobile: str, text: str) -> None:
        return None


def sms_backend_get() -> BaseSmsBackend:
    return import_string(settings.FENGSHOU_SMS_BACKEND)()
