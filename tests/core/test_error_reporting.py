"""Optional error reporting (issue 12): off without SENTRY_DSN; with it, an error reaches a
Sentry-compatible server (a real HTTP server here, speaking the envelope protocol) tagged with
the county schema and the request id, with no personal data."""

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from config.error_reporting import error_reporting_start, event_tag
from core.log_context import request_id_var

REPO = Path(__file__).resolve().parents[2]


def test_no_dsn_no_reporting():
    assert error_reporting_start({}) is False
    assert error_reporting_start({"SENTRY_DSN": "  "}) is False
    assert settings.SENTRY_ENABLED is False


def test_the_tags_are_the_schema_and_the_request_id(in_county):
    token = request_id_var.set("req-anji-0042")
    try:
        event = event_tag({"tags": {"kept": "yes"}})
    finally:
        request_id_var.reset(token)

    assert event["tags"] == {"kept": "yes", "schema": "county_anji", "request_id": "req-anji-0042"}


@pytest.fixture
def sentry_server():
    """A stand-in Sentry: records every envelope posted to it."""
    envelopes = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            envelopes.append((self.path, body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], envelopes
    server.shutdown()


REPORT_AN_ERROR = """
import django
django.setup()
import sentry_sdk
from django.conf import settings
from django.db import connection
from core.log_context import request_id_var

assert settings.SENTRY_ENABLED
connection.set_schema("county_anji")  # no query: the schema a county's request would have
request_id_var.set("req-anji-0099")
try:
    raise ValueError("下单失败")
except ValueError:
    sentry_sdk.capture_exception()
sentry_sdk.flush(10)
print("reported")
"""


def _events(envelopes) -> list[dict]:
    events = []
    for _path, body in envelopes:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


def test_an_error_reaches_the_server_tagged_and_without_personal_data(sentry_server):
    port, envelopes = sentry_server
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/7",
        "SENTRY_ENVIRONMENT": "ci",
    }

    result = subprocess.run(
        [sys.executable, "-c", REPORT_AN_ERROR], cwd=REPO, env=env, capture_output=True,
        text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "reported"
    assert {path for path, _body in envelopes} == {"/api/7/envelope/"}
    events = _events(envelopes)
    assert len(events) == 1
    event = events[0]
    assert event["tags"]["schema"] == "county_anji"
    assert event["tags"]["request_id"] == "req-anji-0099"
    assert event["environment"] == "ci"
    assert event["exception"]["values"][0]["type"] == "ValueError"
    assert event["exception"]["values"][0]["value"] == "下单失败"
    assert "user" not in event
    assert "request" not in event
