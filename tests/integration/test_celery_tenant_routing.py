"""A real Celery worker process, against Redis: a task sent in a county runs in that county."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from accounts.models import User
from config.celery_app import app
from hub.models import CountyMonthFigure, PointMonthFigure, RollUpRun
from hub.rollups import month_current
from hub.tasks import rollup_county

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.celery_worker


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(scope="module")
def committed_users(django_db_setup, django_db_blocker, county, other_county):
    """Users the worker can see: committed, and removed afterwards."""
    with django_db_blocker.unblock():
        with tenant_context(county):
            for number in range(3):
                User.objects.create(username=f"celery-a-{number}")
        with tenant_context(other_county):
            User.objects.create(username="celery-b-0")
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        with tenant_context(county):
            User.objects.filter(username__startswith="celery-").delete()
        with tenant_context(other_county):
            User.objects.filter(username__startswith="celery-").delete()
        with schema_context("public"):
            CountyMonthFigure.objects.filter(county__in=[county, other_county]).delete()
            PointMonthFigure.objects.filter(county__in=[county, other_county]).delete()
            RollUpRun.objects.filter(trigger="on_demand").delete()
        connection.set_schema_to_public()


@pytest.fixture(scope="module")
def committed_run(committed_users, django_db_blocker):
    """A running roll-up of this month the worker can see (the tasks take its id)."""
    with django_db_blocker.unblock(), schema_context("public"):
        return RollUpRun.objects.create(
            trigger="on_demand", state="running", month_from=month_current(),
            month_to=month_current(), counties_total=2,
        )  # fmt: skip


@pytest.fixture(scope="module")
def worker(committed_users):
    """`celery worker` as its own process, on the test database and the test queue."""
    app.control.purge()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "TEST_REDIS_URL": settings.REDIS_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],  # fmt: skip
        cwd=REPO,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"celery worker exited with {process.returncode}")
        replies = app.control.ping(timeout=1)
        if replies:
            break
    else:
        process.kill()
        pytest.fail("celery worker did not answer a ping within 60 s")
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def _expected_users(county) -> int:
    with tenant_context(county):
        return User.objects.count()


def _users_figure(county):
    with schema_context("public"):
        return list(
            CountyMonthFigure.objects.filter(county=county, key="users_total").values_list(
                "month", "value", "computed_at"
            )
        )


@pytest.mark.django_db
def test_task_sent_in_a_county_runs_in_that_county_schema(
    worker, committed_run, county, other_county
):
    expected_a, expected_b = _expected_users(county), _expected_users(other_county)
    assert expected_a == expected_b + 2  # operator + 3 vs operator + 1

    with tenant_context(county):
        result_a = rollup_county.delay(committed_run.pk, county.pk)
    with tenant_context(other_county):
        result_b = rollup_county.delay(committed_run.pk, other_county.pk)

    assert (result_a.get(timeout=60), result_b.get(timeout=60)) == ("done", "done")
    # Each county's users were counted in its own schema.
    assert [row[:2] for row in _users_figure(county)] == [(month_current(), expected_a)]
    assert [row[:2] for row in _users_figure(other_county)] == [(month_current(), expected_b)]
    with schema_context("public"):
        run = RollUpRun.objects.get(pk=committed_run.pk)
    assert (run.state, run.counties_done) == ("done", 2)


@pytest.mark.django_db
def test_task_sent_from_another_county_refuses_and_writes_nothing(
    worker, committed_run, county, other_county
):
    before = _users_figure(county)

    with tenant_context(other_county):
        result = rollup_county.delay(committed_run.pk, county.pk)

    with pytest.raises(Exception) as raised:
        result.get(timeout=60)
    assert type(raised.value).__name__ == "WrongSchemaError"
    assert "county_chunan" in str(raised.value)
    assert _users_figure(county) == before
