"""Phone-login fixtures: SMS delivery run at once in the test process, and reading the code
a villager would see from the outbox (FENGSHOU_SMS_BACKEND is the outbox in tests)."""

import re

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import SmsOutbox
from accounts.sms import BaseSmsBackend
from accounts.tasks import sms_deliver

MOBILE = "13800138000"
OTHER_MOBILE = "13912345678"
CODE_IN_TEXT = re.compile(r"(?<!\d)(\d{6})(?!\d)")


class FailingBackend(BaseSmsBackend):
    """A provider that is down."""

    def send(self, mobile: str, text: str) -> None:
        raise ConnectionError("provider unreachable")


def last_sms_to(mobile: str) -> SmsOutbox:
    """The latest outbox row for `mobile` in the current schema."""
    return SmsOutbox.objects.filter(mobile=mobile).order_by("-created_at", "-id").first()


def code_in(outbox: SmsOutbox) -> str:
    return CODE_IN_TEXT.search(outbox.text).group(1)


def code_sent_to(mobile: str, county=None) -> str:
    if county is None:
        return code_in(last_sms_to(mobile))
    tenant = connection.tenant
    try:
        with tenant_context(county):
            return code_in(last_sms_to(mobile))
    finally:
        connection.set_tenant(tenant)


@pytest.fixture
def sms_sent(monkeypatch):
    """sms_deliver runs at once, here, through Celery's apply() with the headers the service
    gave it (so tenant-schemas-celery switches schema as on a worker). Returns the sends."""
    sends = []

    def apply_now(args=None, kwargs=None, **options):
        headers = options.get("headers")
        sends.append({"args": tuple(args or ()), "headers": headers})
        result = sms_deliver.apply(args=args, kwargs=kwargs, headers=headers)
        result.get()  # a failed delivery fails the test
        return result

    monkeypatch.setattr(sms_deliver, "apply_async", apply_now)
    return sends
