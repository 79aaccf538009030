"""The health endpoint (issue 12): /health/ answers ok or unavailable on the hub, on a county
and on any host, without looking the host up, never cached, and telling the public nothing of
what failed; province staff see each probe at /health/detail/. Redis really goes down (a
closed port), nothing is mocked."""

import copy
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

import hub.middleware
from tests.fixtures.counties import SchemaKeepingClient, host_of

CLOSED_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def no_host_lookup(monkeypatch):
    """Fails the test if the county middleware looks a host up."""
    looked_up = []
    monkeypatch.setattr(hub.middleware, "county_for_host", lambda host: looked_up.append(host))
    yield
    assert looked_up == []


@pytest.fixture
def cache_down(settings):
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = CLOSED_REDIS
    settings.CACHES = caches


def _probe(host: str, path: str = "/health/"):
    return Client(HTTP_HOST=host).get(path)


@pytest.mark.parametrize(
    "host", ["localhost", "anji.localhost", "10.0.0.5:8000", "nowhere.example"]
)
def test_health_answers_ok_on_any_host_without_a_county_lookup(db, no_host_lookup, host):
    response = _probe(host)

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_health_is_never_cached_and_sets_no_cookie(db, settings, county):
    settings.FENGSHOU_PAGE_CACHE_ENABLED = True

    response = _probe(host_of(county))

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert response.cookies == {}


def test_health_reports_the_cache_down_as_unavailable_and_nothing_more(db, county, cache_down):
    for host in ("localhost", host_of(county)):
        response = _probe(host)

        assert response.status_code == 503
        assert response.content == b"unavailable\n"


def test_health_reports_the_broker_down(db, settings, county):
    settings.CELERY_BROKER_URL = CLOSED_REDIS

    response = _probe(host_of(county))

    assert response.status_code == 503
    assert response.content == b"unavailable\n"


def test_a_healthy_probe_after_an_outage_is_not_served_from_any_cache(db, settings, county):
    settings.FENGSHOU_PAGE_CACHE_ENABLED = True
    assert _probe(host_of(county)).status_code == 200
    settings.CELERY_BROKER_URL = CLOSED_REDIS

    assert _probe(host_of(county)).status_code == 503


@pytest.fixture
def province_staff(in_public):
    return get_user_model().objects.create_user(username="province-ops", is_staff=True)


def test_province_staff_see_each_probe(hub_client, province_staff):
    hub_client.force_login(province_staff)

    response = hub_client.get("/health/detail/")

    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert sorted(body["checks"].values()) == ["OK", "OK", "OK"]
    assert sorted(name.split("(")[0] for name in body["checks"]) == ["Cache", "Database", "Redis"]
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_province_staff_see_which_probe_failed(hub_client, province_staff, settings):
    settings.CELERY_BROKER_URL = CLOSED_REDIS
    hub_client.force_login(province_staff)

    response = hub_client.get("/health/detail/")

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    failed = {name: result for name, result in body["checks"].items() if result != "OK"}
    assert list(failed) == ["Redis(db=0, host='127.0.0.1', port=1)"]
    assert failed["Redis(db=0, host='127.0.0.1', port=1)"].startswith("Unavailable: ")


def test_the_detail_is_hidden_from_visitors_and_from_province_users_who_are_not_staff(
    hub_client, in_public
):
    visitor = get_user_model().objects.create_user(username="province-visitor")
    signed_in = SchemaKeepingClient(HTTP_HOST="localhost")
    signed_in.force_login(visitor)

    assert hub_client.get("/health/detail/").status_code == 404
    assert signed_in.get("/health/detail/").status_code == 404


def test_a_county_operator_finds_no_detail_on_the_county_host(operator_client):
    assert operator_client.get("/health/detail/").status_code == 404
