"""County creation as a job: requested (checked at once), run by the task with progress, and
on any failure nothing left behind."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from core.errors import ApplicationError
from county_sites.storefront.models import CountyHomePage
from hub import services as hub_services
from hub.models import County, CountyCreation, CountyDomain
from hub.services.creation import (
    QUEUED_WARNING_SECONDS,
    STALE_MINUTES,
    county_creation_password_take,
    county_creation_request,
    county_creation_run,
    county_creations_fail_stale,
)
from hub.tasks import county_creation_task, county_creations_fail_stale_task

NEW = {"code": "330681", "slug": "zhuji", "name": "诸暨市", "name_en": "Zhuji"}


def _schemas() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schema_name FROM information_schema.schemata"
            " WHERE schema_name LIKE 'county_%%' ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def _snapshot():
    return (
        list(County.objects.order_by("pk").values_list("pk", "slug", "status")),
        list(CountyDomain.objects.order_by("pk").values_list("pk", "domain")),
        list(CountyCreation.objects.order_by("pk").values_list("pk", "state")),
        _schemas(),
    )


@pytest.fixture
def staff(in_public):
    return User.objects.create(username="province-1", is_staff=True, is_superuser=True)


def test_request_writes_a_queued_job_and_queues_the_task_on_commit(
    in_public, staff, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(
        "hub.services.creation.task_queue",
        lambda name, *, args, schema_name: sent.append((name, args, schema_name)),
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        creation = county_creation_request(
            **NEW, contact_name="王主任", contact_phone="0575-87012345", requested_by=staff
        )
        assert sent == []

    assert len(callbacks) == 1
    assert sent == [("hub.tasks.county_creation_task", (creation.pk,), "public")]
    creation.refresh_from_db()
    assert (creation.state, creation.progress_percent, creation.requested_by) == (
        "queued",
        0,
        staff,
    )
    assert not County.objects.filter(slug="zhuji").exists()
    assert "county_zhuji" not in _schemas()


def test_task_creates_the_county_records_progress_and_is_idempotent(in_public, staff, monkeypatch):
    creation = county_creation_request(
        **NEW, contact_name="王主任", contact_phone="0575-87012345", requested_by=staff
    )
    seen = []
    real_setup = hub_services.county_setup

    def watched_setup(**kwargs):
        # What the status page would read while the last step runs.
        seen.append(
            CountyCreation.objects.values_list("state", "progress_percent", "progress_text").get(
                pk=creation.pk
            )
        )
        return real_setup(**kwargs)

    monkeypatch.setattr(hub_services, "county_setup", watched_setup)

    assert county_creation_task(creation.pk) == "done"

    # county_setup runs twice: on the template (checked before each clone), then the county.
    assert seen == [("running", 5, "检查输入……"), ("running", 75, "设置县级首页和运营人员账号……")]
    creation.refresh_from_db()
    county = County.objects.get(slug="zhuji")
    assert (creation.state, creation.county, creation.progress_percent) == ("done", county, 100)
    assert creation.progress_text == "完成：诸暨市 已创建。"
    assert creation.error == ""
    assert creation.started_at <= creation.finished_at
    assert (county.contact_name, county.contact_phone) == ("王主任", "0575-87012345")
    assert list(county.domains.values_list("domain", flat=True)) == ["zhuji.localhost"]
    with tenant_context(county):
        assert CountyHomePage.objects.get().title == "诸暨市"
        assert User.objects.get(username="operator").check_password(creation.operator_password)

    # A second delivery of the message changes nothing.
    before = _snapshot()
    assert county_creation_task(creation.pk) == "skipped"
    assert _snapshot() == before


def test_the_first_password_is_shown_once_and_only_to_the_requester(in_public, staff):
    creation = county_creation_request(**NEW, requested_by=staff)
    county_creation_run(creation_id=creation.pk)
    creation.refresh_from_db()
    other = User.objects.create(username="province-2", is_staff=True)

    assert county_creation_password_take(creation=creation, user=other) == ""
    password = county_creation_password_take(creation=creation, user=staff)
    assert len(password) >= 12
    assert county_creation_password_take(creation=creation, user=staff) == ""
    creation.refresh_from_db()
    assert creation.operator_password == ""


def test_a_failure_at_the_last_step_leaves_nothing_behind(in_public, staff, monkeypatch):
    before = _snapshot()
    creation = county_creation_request(**NEW, requested_by=staff)

    def broken_setup(**_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(hub_services, "user_create_county_operator", broken_setup)

    assert county_creation_task(creation.pk) == "failed"

    creation.refresh_from_db()
    assert creation.state == "failed"
    assert creation.county is None
    assert creation.error == (
        "创建 诸暨市 时出错（RuntimeError），已撤销：没有留下县、域名或数据库模式。"
        "请稍后重试；如果再次失败，请联系技术人员。"
    )
    assert not County.objects.filter(slug="zhuji").exists()
    assert not CountyDomain.objects.filter(domain="zhuji.localhost").exists()
    assert "county_zhuji" not in _schemas()
    assert _snapshot()[:2] == before[:2]
    assert _snapshot()[3] == before[3]


def test_a_failure_after_the_domain_leaves_nothing_behind(in_public, staff, monkeypatch):
    creation = county_creation_request(**NEW, requested_by=staff)

    def broken_setup(**_kwargs):
        raise ValueError("no home page")

    monkeypatch.setattr(hub_services, "county_setup", broken_setup)

    county_creation_run(creation_id=creation.pk)

    creation.refresh_from_db()
    assert creation.state == "failed"
    assert "ValueError" in creation.error
    assert not County.objects.filter(slug="zhuji").exists()
    assert not CountyDomain.objects.filter(domain__startswith="zhuji").exists()
    assert "county_zhuji" not in _schemas()


def test_a_county_taken_between_request_and_run_fails_with_the_reason(in_public, staff):
    creation = county_creation_request(**NEW, requested_by=staff)
    hub_services.county_create(code="330681", slug="zhuji-2", name="诸暨市（命令行）")

    county_creation_run(creation_id=creation.pk)

    creation.refresh_from_db()
    assert creation.state == "failed"
    assert creation.error == "没有创建 诸暨市：行政区划代码 330681 已被 诸暨市（命令行） 使用。"
    assert not County.objects.filter(slug="zhuji").exists()
    assert "county_zhuji" not in _schemas()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"code": "12345"},
            "code",
            "行政区划代码必须是6位数字（GB/T 2260），例如 330523：收到 “12345”。",
        ),
        ({"code": "330523"}, "code", "行政区划代码 330523 已被 安吉县 使用。"),
        ({"slug": "anji"}, "slug", "标识 “anji” 已被 安吉县 使用。"),
        ({"name": " "}, "name", "县名不能为空。"),
        (
            {"contact_phone": "call me"},
            "contact_phone",
            "联系电话 “call me” 格式不对：只能包含数字、空格、连字符和括号，例如 0572-5123456。",
        ),
    ],
)
def test_bad_input_is_refused_at_once_and_nothing_is_written(
    in_public, county, staff, changes, field, message
):
    before = _snapshot()

    with pytest.raises(ApplicationError) as raised:
        county_creation_request(**{**NEW, **changes}, requested_by=staff)

    assert (raised.value.field, str(raised.value)) == (field, message)
    assert _snapshot() == before


def test_a_second_request_for_a_county_in_progress_is_refused(in_public, staff):
    county_creation_request(**NEW, requested_by=staff)
    before = _snapshot()

    with pytest.raises(ApplicationError) as raised:
        county_creation_request(**{**NEW, "code": "330682"}, requested_by=staff)

    assert raised.value.field == "slug"
    assert str(raised.value) == "诸暨市（330681 / zhuji）已在创建中，请等它完成或失败后再试。"
    assert _snapshot() == before


def test_a_job_whose_worker_died_is_failed_and_its_half_made_county_removed(in_public, staff):
    creation = county_creation_request(**NEW, requested_by=staff)
    started = timezone.now() - dt.timedelta(minutes=STALE_MINUTES + 1)
    CountyCreation.objects.filter(pk=creation.pk).update(state="running", started_at=started)
    # What the dead worker had made before it died: the whole county, never marked done.
    hub_services.county_create(code=NEW["code"], slug=NEW["slug"], name=NEW["name"])
    fresh = county_creation_request(
        code="330682", slug="shangyu", name="上虞区", requested_by=staff
    )
    with connection.cursor() as cursor:
        # The dead worker's writes were committed; in this test's transaction, fire their
        # deferred checks now as a commit would, so the schema can be dropped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    failed = county_creations_fail_stale()

    assert [job.pk for job in failed] == [creation.pk]
    creation.refresh_from_db()
    assert creation.state == "failed"
    assert creation.error == (
        "创建 诸暨市 的后台任务 15 分钟内没有完成（后台进程可能已中断），已撤销："
        "没有留下县、域名或数据库模式。请确认后台处理程序在运行，再重新提交。"
    )
    assert not County.objects.filter(slug="zhuji").exists()
    assert not CountyDomain.objects.filter(domain="zhuji.localhost").exists()
    assert "county_zhuji" not in _schemas()
    assert CountyCreation.objects.get(pk=fresh.pk).state == "queued"  # not stale yet
    # Swept again: nothing more to do.
    assert county_creations_fail_stale() == []


def test_a_job_never_taken_is_failed_and_a_county_made_otherwise_is_left(in_public, staff):
    # The same county made by the command before the job was even asked for.
    hub_services.county_create(code=NEW["code"], slug=NEW["slug"], name=NEW["name"])
    creation = CountyCreation.objects.create(**NEW, requested_by=staff)
    CountyCreation.objects.filter(pk=creation.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=STALE_MINUTES + 1)
    )
    running = CountyCreation.objects.create(
        code="330683", slug="xinchang", name="新昌县", state="running",
        started_at=timezone.now() - dt.timedelta(minutes=STALE_MINUTES + 1),
    )  # fmt: skip
    County.objects.filter(slug="zhuji").update(
        created_at=timezone.now() - dt.timedelta(minutes=STALE_MINUTES + 5)
    )

    failed = county_creations_fail_stale()

    assert sorted(job.pk for job in failed) == sorted([creation.pk, running.pk])
    assert County.objects.filter(slug="zhuji").exists()
    assert "county_zhuji" in _schemas()


def test_the_status_page_says_when_no_worker_took_the_job(hub_client, in_public, staff):
    creation = county_creation_request(**NEW, requested_by=staff)
    hub_client.force_login(staff)
    url = f"/admin/hub/county/creation/{creation.pk}/"
    warning = "还没有后台处理程序接手这个任务"

    assert warning not in hub_client.get(url).content.decode()
    CountyCreation.objects.filter(pk=creation.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=QUEUED_WARNING_SECONDS + 1)
    )
    assert warning in hub_client.get(url).content.decode()


def test_the_beat_sweeps_stale_jobs():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["county-creations-fail-stale"]
    assert entry["task"] == "hub.tasks.county_creations_fail_stale_task"
    assert county_creations_fail_stale_task.name == entry["task"]
