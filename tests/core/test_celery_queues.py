"""Celery tasks by kind (issue 12): every task of the project is classified, routed to its
kind's queue and carries its kind's time limits; `make run`'s worker takes every queue."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config import celery_queues
from config.celery_app import app

REPO = Path(__file__).resolve().parents[2]


def _project_tasks() -> list[str]:
    # What a worker registers: autodiscovery of every installed app's tasks module.
    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith(("celery.", "tests.")))


def _queue_of(name: str) -> str:
    route = app.amqp.router.route({}, name)
    return route["queue"].name


def _problems(name: str) -> list[str]:
    kind = celery_queues.task_kind(name)
    if kind is None:
        return [f"{name} is in no kind of config/celery_queues.TASK_KINDS"]
    spec = celery_queues.TASK_KINDS[kind]
    task = app.tasks[name]
    queues = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    expected = celery_queues.queue_name(kind, default_queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    problems = []
    if _queue_of(name) != expected or expected not in queues:
        problems.append(f"{name} goes to {_queue_of(name)}, not {expected}")
    if (task.soft_time_limit, task.time_limit) != (spec.soft_seconds, spec.hard_seconds):
        problems.append(f"{name} has limits {task.soft_time_limit}/{task.time_limit}")
    if not 0 < spec.soft_seconds < spec.hard_seconds:
        problems.append(f"{kind}: the soft limit must come before the hard one")
    return problems


def test_every_task_is_classified_routed_to_a_named_queue_and_time_limited(db):
    names = _project_tasks()

    # All of them (a new task counts here too, and must be given a kind).
    assert len(names) == 25
    assert "accounts.tasks.sms_deliver" in names
    assert [problem for name in names for problem in _problems(name)] == []


@pytest.mark.parametrize(
    ("name", "queue", "soft", "hard"),
    [
        ("accounts.tasks.sms_deliver", "fengshou-test.sms", 30, 45),
        ("farmers.tasks.listing_photo_renditions", "fengshou-test.images", 120, 150),
        ("farmers.import_tasks.farmers_import_run", "fengshou-test.imports", 900, 960),
        ("hub.tasks.rollup_county", "fengshou-test.reports", 600, 660),
        ("county_sites.catalogue.tasks.province_index_rebuild", "fengshou-test.reports", 600, 660),
        ("county_sites.orders.tasks.orders_cancel_expired", "fengshou-test", 300, 360),
        ("county_sites.catalogue.tasks.province_index_sync", "fengshou-test", 300, 360),
        ("sandbox_bank.tasks.sandbox_notify_deliver", "fengshou-test", 300, 360),
    ],
)  # fmt: skip
def test_each_kind_has_its_queue_and_limits(db, name, queue, soft, hard):
    app.loader.import_default_modules()
    task = app.tasks[name]

    assert _queue_of(name) == queue
    assert (task.soft_time_limit, task.time_limit) == (soft, hard)


def test_a_task_sent_by_name_from_a_web_process_is_routed_the_same():
    """Web workers send by name without importing the task (core.county_tasks.task_queue)."""
    assert app.amqp.router.route({}, "farmers.tasks.listing_photo_renditions")["queue"].name == (
        "fengshou-test.images"
    )


def test_an_unclassified_task_is_not_given_a_kind():
    assert celery_queues.task_kind("newapp.tasks.something") is None


def test_the_queues_are_the_default_and_one_per_kind():
    assert sorted(queue.name for queue in settings.CELERY_TASK_QUEUES) == [
        "fengshou-test",
        "fengshou-test.images",
        "fengshou-test.imports",
        "fengshou-test.reports",
        "fengshou-test.sms",
    ]


def test_make_run_starts_its_worker_on_every_queue():
    serve = (REPO / "scripts" / "serve.sh").read_text()
    # The very lines serve.sh runs to list the queues, under development settings.
    listing = serve.split("QUEUES=$($PY -c '", 1)[1].split("')", 1)[0]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    result = subprocess.run(
        [sys.executable, "-c", listing], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.strip().split(",")) == [
        "fengshou", "fengshou.images", "fengshou.imports", "fengshou.reports", "fengshou.sms"
    ]  # fmt: skip
    assert 'worker --beat --loglevel=INFO --concurrency=2 -Q "$QUEUES"' in serve
