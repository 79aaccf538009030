"""What every Celery task of a county shares: queueing by name into a county's schema, the
check that a task runs in the schema it was queued for, and the province's fan-out.

Services queue tasks by name (task_queue) because tasks sit above the services they wrap:
a task module imports its service, never the reverse (docs/architecture.md).
"""

from collections.abc import Iterable

from celery import current_app
from django_tenants.utils import tenant_context


class WrongSchemaError(RuntimeError):
    """A county task ran outside the schema it was queued for. Ids are per county, so row N
    of another county is someone else's photo, code or order: refuse instead."""


def schema_check(*, task: str, running: str, expected: str) -> None:
    if running != expected:
        raise WrongSchemaError(f"{task} ran in {running!r}, expected {expected!r}")


def task_queue(name: str, *, args: tuple, schema_name: str) -> None:
    """Queue the task registered as `name` to run in `schema_name`.

    The schema goes in the headers explicitly: tenant-schemas-celery would read the
    connection's schema at send time, and an on_commit callback may run after it changed.
    A process that has imported the task (a worker, a test) sends it through the task object;
    one that has not (a web worker) sends the same message by name.
    """
    headers = {"_schema_name": schema_name}
    task = current_app.tasks.get(name)
    if task is not None:
        task.apply_async(args=args, headers=headers)
    else:
        current_app.send_task(name, args=args, headers=headers)


def counties_fan_out(task, *, counties: Iterable, args: tuple = ()) -> int:
    """Queue `task(*args, county.pk)` inside each county, so each runs in its own schema;
    returns how many were queued. Beat and the hub run in public, hence the explicit county."""
    count = 0
    for county in counties:
        with tenant_context(county):
            task.delay(*args, county.pk)
        count += 1
    return count
