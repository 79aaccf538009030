"""Every log line says which county and which request it belongs to (issue 12).

- RequestIdMiddleware (first in MIDDLEWARE) takes the proxy's X-Request-ID when it is a sane
  token, otherwise makes one, keeps it in a context variable for the request and returns it
  in the response's X-Request-ID, so a visitor's complaint, nginx's access log and our lines
  meet on one id.
- ContextFilter (on the console handler, settings LOGGING) adds `schema` (the connection's
  schema: the county's in its requests and, through tenant-schemas-celery, in its tasks) and
  `request_id` (the request's, or in a Celery task the task's id) to every record.
- JsonFormatter writes one JSON object per line (production), for log collectors.
"""

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.db import connection

REQUEST_ID_HEADER = "X-Request-ID"
# What we accept from the proxy: nginx's $request_id is 32 hex characters; UUIDs and similar
# tokens pass too. Anything else (spaces, newlines, 200 characters) is replaced, never logged.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{8,64}")
NO_VALUE = "-"

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "fengshou_request_id", default=None
)


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_from(header: str | None) -> str:
    if header and REQUEST_ID_PATTERN.fullmatch(header):
        return header
    return request_id_new()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _task_id() -> str | None:
    # Imported here: core must not need Celery to log outside a worker.
    from celery import current_task

    task = current_task
    return getattr(getattr(task, "request", None), "id", None) if task else None


def current_schema() -> str:
    return getattr(connection, "schema_name", None) or NO_VALUE


def current_request_id() -> str:
    return request_id_var.get() or _task_id() or NO_VALUE


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.schema = current_schema()
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One line of JSON per record; Chinese stays readable (no \\u escapes)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "schema": getattr(record, "schema", NO_VALUE),
            "request_id": getattr(record, "request_id", NO_VALUE),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
