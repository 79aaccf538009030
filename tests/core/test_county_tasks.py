"""core.county_tasks: the one wrong-schema check, queueing by name, the one fan-out."""

import pytest
from django.db import connection

from core.county_tasks import WrongSchemaError, counties_fan_out, schema_check, task_queue
from hub.models import County


def test_schema_check_refuses_another_schema_by_name():
    schema_check(task="t(1)", running="county_anji", expected="county_anji")
    with pytest.raises(WrongSchemaError, match="t\\(1\\) ran in 'public', expected 'county_anji'"):
        schema_check(task="t(1)", running="public", expected="county_anji")


def test_task_queue_sends_through_the_registered_task_with_the_schema_in_the_headers(monkeypatch):
    from accounts.tasks import sms_deliver

    sent = []
    monkeypatch.setattr(sms_deliver, "apply_async", lambda **options: sent.append(options))

    task_queue("accounts.tasks.sms_deliver", args=(7, "county_x"), schema_name="county_x")

    assert sent == [{"args": (7, "county_x"), "headers": {"_schema_name": "county_x"}}]


def test_task_queue_sends_by_name_when_this_process_has_not_imported_the_task(monkeypatch):
    from celery import current_app

    sent = []
    monkeypatch.setattr(
        current_app, "send_task", lambda name, **options: sent.append((name, options))
    )

    task_queue("nowhere.tasks.unknown", args=(1,), schema_name="county_x")

    assert sent == [
        ("nowhere.tasks.unknown", {"args": (1,), "headers": {"_schema_name": "county_x"}})
    ]


def test_fan_out_queues_one_task_inside_each_county(db, county, other_county):
    queued = []

    class Task:
        @staticmethod
        def delay(county_id):
            queued.append((county_id, connection.schema_name))

    count = counties_fan_out(
        Task, counties=County.objects.filter(pk__in=[county.pk, other_county.pk]).order_by("pk")
    )

    expected = sorted(
        [(county.pk, county.schema_name), (other_county.pk, other_county.schema_name)]
    )
    assert count == 2
    assert sorted(queued) == expected
    assert connection.schema_name == "public"
