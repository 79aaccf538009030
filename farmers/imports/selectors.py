"""Reads of the imports, for the admin pages and the command."""

from django.db.models import QuerySet

from farmers.models import ImportJob, ImportRowResult


def import_job_list() -> QuerySet[ImportJob]:
    """The county's imports, newest first, without their (large) rows."""
    return ImportJob.objects.defer("rows").select_related("created_by")


def import_job_failed_rows(*, job: ImportJob) -> QuerySet[ImportRowResult]:
    return job.results.filter(outcome=ImportRowResult.Outcome.FAILED).order_by("row_number")
