"""Writes for county creation as a job: the province admin asks (county_creation_request), a
Celery worker runs it (county_creation_run, through hub.tasks.county_creation_task) and the
row carries the progress the status page shows."""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.county_tasks import task_queue
from core.errors import ApplicationError
from hub.models import County, CountyCreation
from hub.services import county_create, county_creation_undo, county_domain_for
from hub.validation import county_contact_check, county_identity_check, schema_name_for

logger = logging.getLogger(__name__)

CREATION_TASK = "hub.tasks.county_creation_task"
MSG_ALREADY_REQUESTED = gettext_lazy(
    "%(name)s（%(code)s / %(slug)s）已在创建中，请等它完成或失败后再试。"
)
MSG_FAILED_UNEXPECTED = gettext_lazy(
    "创建 %(name)s 时出错（%(kind)s），已撤销：没有留下县、域名或数据库模式。"
    "请稍后重试；如果再次失败，请联系技术人员。"
)
MSG_FAILED_REFUSED = gettext_lazy("没有创建 %(name)s：%(reason)s")
MSG_FAILED_STALE = gettext_lazy(
    "创建 %(name)s 的后台任务 %(minutes)d 分钟内没有完成（后台进程可能已中断），已撤销："
    "没有留下县、域名或数据库模式。请确认后台处理程序在运行，再重新提交。"
)
# A county is made in seconds (bench/provisioning.py); a job older than this has lost its worker.
STALE_MINUTES = 15
# The status page says no worker took the job after this long in the queue.
QUEUED_WARNING_SECONDS = 60
# How far along each of county_create's messages is, in the order it sends them.
STEP_PERCENTS = (5, 15, 60, 75, 95)


def county_creation_request(
    *,
    code: str,
    slug: str,
    name: str,
    name_en: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    requested_by=None,
) -> CountyCreation:
    """Check the input now (bad input is refused before anything is written), record the
    job and queue it once the row is committed. The web request returns at once."""
    code, slug, name = code.strip(), slug.strip().lower(), name.strip()
    name_en, contact_name, contact_phone = (
        name_en.strip(),
        contact_name.strip(),
        contact_phone.strip(),
    )
    county_identity_check(code=code, slug=slug, name=name, domain=county_domain_for(slug))
    county_contact_check(contact_name=contact_name, contact_phone=contact_phone)
    with transaction.atomic():
        # Two requests racing past this both get queued; the second then fails cleanly at
        # run time (county_create's own check, or the unique code and slug).
        unfinished = CountyCreation.objects.filter(
            state__in=[CountyCreation.State.QUEUED, CountyCreation.State.RUNNING]
        )
        clash = unfinished.filter(code=code).first() or unfinished.filter(slug=slug).first()
        if clash is not None:
            raise ApplicationError(
                MSG_ALREADY_REQUESTED
                % {"name": clash.name, "code": clash.code, "slug": clash.slug},
                field="code" if clash.code == code else "slug",
            )
        creation = CountyCreation(
            code=code,
            slug=slug,
            name=name,
            name_en=name_en,
            contact_name=contact_name,
            contact_phone=contact_phone,
            requested_by=requested_by,
            progress_text=_("排队等待后台处理……"),
        )
        creation.full_clean()
        creation.save()
        transaction.on_commit(
            lambda: task_queue(CREATION_TASK, args=(creation.pk,), schema_name="public")
        )
    return creation


def _claim(creation_id: int) -> CountyCreation | None:
    """Mark a queued job running; None for a job already run (a second delivery of the
    message does nothing)."""
    with transaction.atomic():
        creation = CountyCreation.objects.select_for_update().filter(pk=creation_id).first()
        if creation is None or creation.state != CountyCreation.State.QUEUED:
            return None
        creation.state = CountyCreation.State.RUNNING
        creation.started_at = timezone.now()
        creation.save(update_fields=["state", "started_at"])
    return creation


def _finish(creation: CountyCreation, **fields) -> None:
    fields["finished_at"] = timezone.now()
    CountyCreation.objects.filter(pk=creation.pk).update(**fields)
    creation.refresh_from_db()


def county_creation_run(*, creation_id: int) -> CountyCreation | None:
    """Run a queued job: county_create with a progress callback that writes the row.
    county_create removes what it made on any failure; the job then says why, in words."""
    creation = _claim(creation_id)
    if creation is None:
        return None
    steps = iter(STEP_PERCENTS)

    def progress(message: str) -> None:
        percent = next(steps, STEP_PERCENTS[-1])
        CountyCreation.objects.filter(pk=creation.pk).update(
            progress_text=str(message)[:255], progress_percent=percent
        )

    try:
        created = county_create(
            code=creation.code,
            slug=creation.slug,
            name=creation.name,
            name_en=creation.name_en,
            contact_name=creation.contact_name,
            contact_phone=creation.contact_phone,
            progress=progress,
        )
    except ApplicationError as error:
        # Valid when asked, refused now: e.g. the same code taken by the command meanwhile.
        _finish(
            creation,
            state=CountyCreation.State.FAILED,
            error=MSG_FAILED_REFUSED % {"name": creation.name, "reason": error.message},
        )
        return creation
    except Exception as error:
        logger.exception("county creation %s (%s) failed", creation.pk, creation.slug)
        _finish(
            creation,
            state=CountyCreation.State.FAILED,
            error=MSG_FAILED_UNEXPECTED % {"name": creation.name, "kind": type(error).__name__},
        )
        return creation
    _finish(
        creation,
        state=CountyCreation.State.DONE,
        county=created.county,
        progress_percent=100,
        progress_text=_("完成：%(name)s 已创建。") % {"name": created.county.name},
        operator_username=created.operator_username,
        operator_password=created.operator_password,
    )
    return creation


def county_creations_fail_stale(*, now=None) -> list[CountyCreation]:
    """Fail the jobs a worker lost: queued or running for STALE_MINUTES. A running job's
    half-made county (row, domain, schema) is removed first, as county_create would have done
    had its process not died; a county made another way (the command) is left alone."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(minutes=STALE_MINUTES)
    stale = CountyCreation.objects.filter(
        Q(state=CountyCreation.State.QUEUED, created_at__lt=cutoff)
        | Q(state=CountyCreation.State.RUNNING, started_at__lt=cutoff)
    )
    failed = []
    for creation_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            creation = (
                CountyCreation.objects.select_for_update(skip_locked=True)
                .filter(
                    pk=creation_id,
                    state__in=[CountyCreation.State.QUEUED, CountyCreation.State.RUNNING],
                )
                .first()
            )
            if creation is None:
                continue
            was_running = creation.state == CountyCreation.State.RUNNING
            creation.state = CountyCreation.State.FAILED
            creation.finished_at = now
            creation.error = str(
                MSG_FAILED_STALE % {"name": creation.name, "minutes": STALE_MINUTES}
            )
            creation.save(update_fields=["state", "finished_at", "error"])
        if was_running:
            schema_name = schema_name_for(creation.slug)
            half_made = County.objects.filter(
                schema_name=schema_name, created_at__gte=creation.started_at
            ).exists()
            if half_made:
                county_creation_undo(schema_name=schema_name)
        logger.warning("county creation %s (%s) was stale: failed", creation.pk, creation.slug)
        failed.append(creation)
    return failed


def county_creation_waits_for_worker(creation: CountyCreation, *, now=None) -> bool:
    """Still queued after QUEUED_WARNING_SECONDS: the status page says so."""
    now = now or timezone.now()
    return (
        creation.state == CountyCreation.State.QUEUED
        and (now - creation.created_at).total_seconds() > QUEUED_WARNING_SECONDS
    )


def county_creation_password_take(*, creation: CountyCreation, user) -> str:
    """The new operator's first password, for the person who asked, once: it is blanked as it
    is read, so it sits in the database only until then."""
    if creation.requested_by_id is None or creation.requested_by_id != user.pk:
        return ""
    with transaction.atomic():
        locked = CountyCreation.objects.select_for_update().get(pk=creation.pk)
        password = locked.operator_password
        if password:
            locked.operator_password = ""
            locked.save(update_fields=["operator_password"])
    return password
