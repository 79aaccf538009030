"""Celery tasks by kind: each kind has its own queue and time limits (issue 12, docs/adr/0021).

A slow import or a nightly rebuild must never hold up a sign-in code: each kind gets its own
queue, so production runs one worker per queue (and can give the SMS queue its own worker
that is never busy with photos), and `make run` runs one worker that takes all of them.

Every task of the project is named here by pattern (fnmatch); tests/core/test_celery_queues.py
fails for a task that is not, so a new task is classified when it is written. The "default"
kind stays on CELERY_TASK_DEFAULT_QUEUE; the others on `<default queue>.<kind>`.

Limits, in seconds: the soft one raises SoftTimeLimitExceeded inside the task (it can clean up,
and acks_late tasks are redelivered), the hard one kills the worker child a little later.
"""

from dataclasses import dataclass
from fnmatch import fnmatchcase

from kombu import Queue


@dataclass(frozen=True)
class TaskKind:
    soft_seconds: int
    hard_seconds: int
    tasks: tuple[str, ...]


DEFAULT_KIND = "default"

TASK_KINDS: dict[str, TaskKind] = {
    # A sign-in or pickup code: the provider answers in seconds or the retry takes over.
    "sms": TaskKind(soft_seconds=30, hard_seconds=45, tasks=("accounts.tasks.sms_deliver",)),
    # Renditions of one phone photo (HEIC decoded, several sizes).
    "images": TaskKind(
        soft_seconds=120, hard_seconds=150, tasks=("farmers.tasks.listing_photo_renditions",)
    ),
    # A CSV/XLSX of up to 5,000 rows of sellers and listings (docs/import-format.md).
    "imports": TaskKind(
        soft_seconds=15 * 60, hard_seconds=16 * 60, tasks=("farmers.import_tasks.*",)
    ),
    # Roll-ups and rebuilds over a whole county, and their nightly fan-outs.
    "reports": TaskKind(
        soft_seconds=10 * 60,
        hard_seconds=11 * 60,
        tasks=(
            "hub.tasks.rollup_run_start",
            "hub.tasks.rollup_county",
            "hub.tasks.counties_rollup_nightly",
            "county_sites.catalogue.tasks.province_index_rebuild",
            "county_sites.catalogue.tasks.counties_province_index_rebuild",
        ),
    ),
    # Everything short: order, payment, ledger and credit housekeeping, one listing's index row,
    # the bank's notify, a county's creation (a schema clone, about a second) and the fan-outs.
    DEFAULT_KIND: TaskKind(
        soft_seconds=5 * 60,
        hard_seconds=6 * 60,
        tasks=(
            "county_sites.orders.tasks.*",
            "county_sites.payments.tasks.*",
            "county_sites.ledger.tasks.*",
            "county_sites.credit.tasks.*",
            "county_sites.catalogue.tasks.province_index_sync",
            "sandbox_bank.tasks.*",
            "hub.tasks.county_creation_task",
            "hub.tasks.county_creations_fail_stale_task",
        ),
    ),
}


def task_kind(name: str) -> str | None:
    """The kind whose patterns name this task, or None for a task nobody classified."""
    for kind, spec in TASK_KINDS.items():
        if any(fnmatchcase(name, pattern) for pattern in spec.tasks):
            return kind
    return None


def queue_name(kind: str, *, default_queue: str) -> str:
    return default_queue if kind == DEFAULT_KIND else f"{default_queue}.{kind}"


def task_queues(*, default_queue: str) -> tuple[Queue, ...]:
    """Every queue: a worker started without -Q consumes all of them."""
    return tuple(Queue(queue_name(kind, default_queue=default_queue)) for kind in TASK_KINDS)


def task_routes(*, default_queue: str) -> dict[str, dict[str, str]]:
    """CELERY_TASK_ROUTES: each pattern to its kind's queue (Celery matches globs itself)."""
    return {
        pattern: {"queue": queue_name(kind, default_queue=default_queue)}
        for kind, spec in TASK_KINDS.items()
        for pattern in spec.tasks
    }


class TimeLimits:
    """A CELERY_TASK_ANNOTATIONS entry: each task gets its kind's limits as attributes, which
    the worker applies. A task nobody classified gets the default kind's."""

    def annotate(self, task) -> dict[str, int]:
        spec = TASK_KINDS[task_kind(task.name) or DEFAULT_KIND]
        return {"soft_time_limit": spec.soft_seconds, "time_limit": spec.hard_seconds}
