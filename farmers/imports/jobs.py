"""The import's services: an uploaded file kept as a queued ImportJob, and the job's rows worked
through one transaction each (by the task farmers_import_run, queued by name, or by
`manage.py import_listings`)."""

import hashlib
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation

from core.county_tasks import task_queue
from core.errors import ApplicationError
from core.roles import county_operator_check
from farmers.imports.apply import row_apply
from farmers.imports.columns import (
    COLUMNS_BY_KEY,
    MSG_CONFLICT,
    MSG_DUPLICATE_ROW,
    MSG_LISTING_STATE,
    PROGRESS_EVERY,
)
from farmers.imports.parse import Lookups, ParsedRow, import_file_read, row_parse
from farmers.models import ImportJob, ImportRowResult, Listing


def _import_run_queue(*, job_id: int, schema_name: str) -> None:
    task_queue(
        "farmers.import_tasks.farmers_import_run",
        args=(job_id, schema_name),
        schema_name=schema_name,
    )


@transaction.atomic
def import_job_create(
    *,
    actor,
    file_name: str,
    content: bytes,
    listing_state: str = Listing.State.SUBMITTED,
    queue: bool = True,
) -> ImportJob:
    """Check an uploaded file and keep its rows as a queued ImportJob; farmers_import_run is
    queued when the transaction commits (unless `queue` is False: the command runs it itself).
    Raises ImportFileError, saving nothing, for a file refused whole."""
    county_operator_check(actor)
    if listing_state not in (Listing.State.SUBMITTED, Listing.State.DRAFT):
        raise ApplicationError(MSG_LISTING_STATE, field="listing_state")
    table = import_file_read(file_name=file_name, content=content)
    job = ImportJob(
        file_name=(file_name or "")[-255:],
        file_format=table.file_format,
        file_sha256=hashlib.sha256(content).hexdigest(),
        rows=[[number, values] for number, values in table.rows],
        listing_state=listing_state,
        rows_total=len(table.rows),
        created_by=actor,
    )
    job.full_clean()
    job.save()
    if queue:
        transaction.on_commit(
            partial(_import_run_queue, job_id=job.pk, schema_name=connection.schema_name)
        )
    return job


def _job_counts_save(job: ImportJob, **extra) -> None:
    """The counters, from the row results (so a resumed job counts each row once)."""
    counts = job.results.aggregate(
        rows_done=Count("pk"),
        sellers_created=Count("pk", filter=Q(seller_created=True)),
        **{
            outcome: Count("pk", filter=Q(outcome=outcome))
            for outcome in ImportRowResult.Outcome.values
        },
    )
    changes = {**counts, **extra}
    for name, value in changes.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**changes)


class _JobLock:
    """A PostgreSQL advisory lock on the job for the length of the run, so a task delivered
    twice (acks_late after a lost worker) never runs the same job twice at once."""

    def __init__(self, job_id: int):
        self.args = [f"farmers.import:{connection.schema_name}:{job_id}"]

    def __enter__(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", self.args)
            self.held = cursor.fetchone()[0]
        return self.held

    def __exit__(self, *exc_info):
        if self.held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", self.args)


def import_job_run(
    *,
    job_id: int,
    progress_every: int = PROGRESS_EVERY,
    on_progress: Callable[[ImportJob], None] | None = None,
) -> ImportJob:
    """Work through a job's rows, each in its own transaction. Idempotent: a finished job is
    returned as it is; a job interrupted half-way (a lost worker) goes on from the first row
    without a result. Returns the job with its final counters."""
    with _JobLock(job_id) as held:
        job = ImportJob.objects.get(pk=job_id)
        if not held or job.is_finished:
            return job
        if job.state == ImportJob.State.QUEUED:
            job.state = ImportJob.State.RUNNING
            job.started_at = timezone.now()
            job.save(update_fields=["state", "started_at"])
        try:
            with translation.override(settings.LANGUAGE_CODE):
                unreported = _rows_run(job, progress_every=progress_every, on_progress=on_progress)
        except Exception as error:
            job.state = ImportJob.State.FAILED
            job.error = f"{type(error).__name__}: {error}"
            job.finished_at = timezone.now()
            job.save(update_fields=["state", "error", "finished_at"])
            raise
        _job_counts_save(job, state=ImportJob.State.DONE, finished_at=timezone.now())
        if on_progress is not None and unreported:
            on_progress(job)
        return job


def _rows_run(job: ImportJob, *, progress_every: int, on_progress) -> int:
    """Process the rows without a result yet; returns how many since progress was saved."""
    actor = job.created_by
    lookups = Lookups()
    done = set(job.results.values_list("row_number", flat=True))
    first_row_of_key: dict[tuple[str, str], int] = {}
    since_progress = 0
    for row_number, cells in job.rows:
        row = row_parse(row_number, cells, lookups)
        if not row.errors and row.is_listing_row:
            key = (row.mobile, row.key)
            if key in first_row_of_key:
                label = (
                    COLUMNS_BY_KEY["external_ref"].header
                    if row.external_ref
                    else COLUMNS_BY_KEY["title"].header
                )
                row.errors.append(
                    str(MSG_DUPLICATE_ROW % {"row": first_row_of_key[key], "key": label})
                )
            else:
                first_row_of_key[key] = row_number
        if row_number in done:
            continue
        _row_run(job, actor, row)
        since_progress += 1
        if since_progress >= progress_every:
            since_progress = 0
            _job_counts_save(job)
            if on_progress is not None:
                on_progress(job)
    return since_progress


def _row_run(job: ImportJob, actor, row: ParsedRow) -> None:
    """One row and its result, committed together: a row is done exactly when it has a
    result. The row's own writes are all or nothing (a savepoint)."""
    with transaction.atomic():
        result = ImportRowResult(job=job, row_number=row.row_number)
        if row.errors:
            result.outcome, result.messages = ImportRowResult.Outcome.FAILED, row.errors
        else:
            try:
                with transaction.atomic():
                    done = row_apply(job=job, actor=actor, row=row)
            except ApplicationError as error:
                result.outcome = ImportRowResult.Outcome.FAILED
                result.messages = [str(error.message)]
            except IntegrityError:
                result.outcome = ImportRowResult.Outcome.FAILED
                result.messages = [str(MSG_CONFLICT)]
            else:
                result.outcome = done.outcome
                result.seller, result.listing = done.seller, done.listing
                result.seller_created = done.seller_created
        result.save()
