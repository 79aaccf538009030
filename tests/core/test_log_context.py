"""Structured logs (issue 12): every line carries the county schema and the request id; the id
comes from the proxy's X-Request-ID when it is a sane token, else is made, and is returned;
Celery tasks log the schema they run in; production writes JSON."""

import copy
import json
import logging
import re

import pytest
from celery import shared_task
from django.test import Client

from core.log_context import REQUEST_ID_HEADER, ContextFilter, JsonFormatter
from county_sites.storefront.page_cache import page_cache_clear_local
from tests.fixtures.counties import host_of
from tests.test_production_refuses import GOOD, LOAD_SETTINGS, _python

HEX32 = re.compile(r"[0-9a-f]{32}")


class Collect(logging.Handler):
    """A handler as the console one is set up: with the context filter."""

    def __init__(self):
        super().__init__()
        self.records = []
        self.addFilter(ContextFilter())

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def collected():
    handler = Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)


def test_a_request_without_an_id_gets_one_and_returns_it(db, county):
    response = Client(HTTP_HOST=host_of(county)).get("/health/")

    assert HEX32.fullmatch(response[REQUEST_ID_HEADER])
    other = Client(HTTP_HOST=host_of(county)).get("/health/")
    assert other[REQUEST_ID_HEADER] != response[REQUEST_ID_HEADER]


def test_the_proxys_request_id_is_kept(db, county):
    response = Client(HTTP_HOST=host_of(county), HTTP_X_REQUEST_ID="7f3c9a1e2b4d").get("/")

    assert response[REQUEST_ID_HEADER] == "7f3c9a1e2b4d"


@pytest.mark.parametrize(
    "sent", ["short", "has space in it", "x" * 65, "新的请求编号12345", "a\rb"]
)
def test_an_unfit_request_id_from_outside_is_replaced(db, county, sent):
    response = Client(HTTP_HOST=host_of(county), HTTP_X_REQUEST_ID=sent).get("/health/")

    assert HEX32.fullmatch(response[REQUEST_ID_HEADER])


@pytest.fixture
def redis_down(settings):
    """The page cache on and its Redis unreachable: it logs a warning inside the request."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = "redis://127.0.0.1:1/0"
    settings.CACHES = caches
    settings.FENGSHOU_PAGE_CACHE_ENABLED = True
    page_cache_clear_local()
    yield
    page_cache_clear_local()


def test_a_line_logged_in_a_county_request_carries_its_schema_and_request_id(
    db, county, other_county, redis_down, collected
):
    first = Client(HTTP_HOST=host_of(county), HTTP_X_REQUEST_ID="req-anji-0001").get("/")
    page_cache_clear_local()  # it warns once per back-off: let the second request warn too
    second = Client(HTTP_HOST=host_of(other_county)).get("/")

    assert first.status_code == second.status_code == 200
    warned = [r for r in collected if r.name == "county_sites.storefront.page_cache"]
    assert {(r.schema, r.request_id) for r in warned} == {
        ("county_anji", "req-anji-0001"),
        ("county_chunan", second[REQUEST_ID_HEADER]),
    }


def test_a_line_outside_any_request_says_so(in_public, collected):
    logging.getLogger("fengshou.test").warning("outside")

    record = next(r for r in collected if r.name == "fengshou.test")
    assert (record.schema, record.request_id) == ("public", "-")


@shared_task(name="tests.log_context_probe")
def log_context_probe():
    logging.getLogger("fengshou.test.task").warning("in a task")


def test_a_celery_task_logs_the_county_schema_it_runs_in_and_its_task_id(
    in_county, other_county, collected
):
    result = log_context_probe.apply(headers={"_schema_name": other_county.schema_name})

    record = next(r for r in collected if r.name == "fengshou.test.task")
    assert record.schema == "county_chunan"
    assert record.request_id == result.id


def test_the_json_formatter_writes_one_line_with_the_context():
    record = logging.LogRecord("county_sites.orders", logging.WARNING, __file__, 1,
                               "订单 %s 已取消", ("A-1",), None)  # fmt: skip
    record.schema = "county_anji"
    record.request_id = "req-anji-0001"

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert {key: entry[key] for key in ("level", "logger", "message", "schema", "request_id")} == {
        "level": "WARNING",
        "logger": "county_sites.orders",
        "message": "订单 A-1 已取消",
        "schema": "county_anji",
        "request_id": "req-anji-0001",
    }
    assert "订单" in line  # readable, not \\u escaped
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])


def test_production_logs_json_and_development_plain_lines():
    code = LOAD_SETTINGS + (
        "; from django.conf import settings; print(settings.LOGGING['handlers']['console'])"
    )
    production = _python(code, DJANGO_SETTINGS_MODULE="config.settings.production", **GOOD)
    development = _python(code, DJANGO_SETTINGS_MODULE="config.settings.dev")

    assert production.returncode == 0, production.stderr
    assert "'formatter': 'json'" in production.stdout
    assert "'filters': ['context']" in production.stdout
    assert development.returncode == 0, development.stderr
    assert "'formatter': 'plain'" in development.stdout
