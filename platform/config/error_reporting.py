"""Optional error reporting to Sentry or a server that speaks its protocol (GlitchTip, a
self-hosted Sentry): on only when SENTRY_DSN is set (docs/adr/0021).

Each event is tagged with the county schema and the request id (or the Celery task's id), the
same two values every log line carries (core/log_context.py), so an error report leads to its
log lines. No personal data: no cookies, no user, no client address, no request bodies
(send_default_pii off); residents' mobile numbers and addresses never leave the province.
"""

import os

from core.log_context import current_request_id, current_schema


def event_tag(event: dict, hint: dict | None = None) -> dict:
    """before_send / before_send_transaction: the county and the request id as tags."""
    tags = event.setdefault("tags", {})
    tags["schema"] = current_schema()
    tags["request_id"] = current_request_id()
    return event


def error_reporting_start(environ=os.environ) -> bool:
    """Start the SDK if SENTRY_DSN is set; True if it started."""
    dsn = environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environ.get("SENTRY_ENVIRONMENT", "production"),
        release=environ.get("SENTRY_RELEASE") or None,
        send_default_pii=False,
        # Request bodies may hold a mobile number, an address or an ID photo.
        max_request_body_size="never",
        traces_sample_rate=float(environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=event_tag,
        before_send_transaction=event_tag,
    )
    return True
