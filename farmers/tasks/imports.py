"""Celery task of the bulk import, run in the schema of the county that queued it."""

from celery import shared_task
from django.db import connection

from core.county_tasks import schema_check
from farmers.imports import import_job_run


# The name it had as farmers/import_tasks.py: queued messages and farmers.imports.jobs use it.
@shared_task(name="farmers.import_tasks.farmers_import_run", acks_late=True)
def farmers_import_run(job_id: int, schema_name: str) -> dict:
    """Run import job `job_id` of `schema_name` (farmers.imports.import_job_run). Idempotent:
    a finished job is left as it is; a job interrupted half-way goes on where it stopped."""
    # Job ids are per county: job N of another county would import someone else's file.
    schema_check(
        task=f"farmers_import_run({job_id})", running=connection.schema_name, expected=schema_name
    )
    job = import_job_run(job_id=job_id)
    return {
        "state": job.state,
        "rows_done": job.rows_done,
        "created": job.created,
        "updated": job.updated,
        "unchanged": job.unchanged,
        "failed": job.failed,
    }
