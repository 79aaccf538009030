"""Celery tasks of the province: each county's figures, rolled up into public."""

from celery import shared_task
from django.db import connection

from core.county_apps import county_figures
from core.county_tasks import counties_fan_out, schema_check
from hub.models import County
from hub.services import county_stats_store
from hub.services.creation import county_creation_run, county_creations_fail_stale


@shared_task(acks_late=True)
def county_refresh_stats(county_id: int) -> dict:
    """Refresh one county's summary row. Sent from inside the county (tenant-schemas-celery
    carries the schema in the headers), it runs in that county's schema on the worker; each
    county app counts its own rows (core.county_apps)."""
    county = County.objects.get(pk=county_id)
    schema_check(
        task=f"county_refresh_stats({county_id})",
        running=connection.schema_name,
        expected=county.schema_name,
    )
    figures = county_figures()
    county_stats_store(county=county, figures=figures)
    return {"schema": connection.schema_name, **figures}


@shared_task
def counties_refresh_stats() -> int:
    """Beat's fan-out: queue county_refresh_stats inside each county, so each runs there."""
    return counties_fan_out(county_refresh_stats, counties=County.objects.counties())


@shared_task(acks_late=True)
def county_creation_task(creation_id: int) -> str:
    """Create a county requested in the province admin; a job already run is left alone."""
    creation = county_creation_run(creation_id=creation_id)
    return "skipped" if creation is None else creation.state


@shared_task
def county_creations_fail_stale_task() -> int:
    """Beat: fail (and clean up) county creation jobs a worker lost."""
    return len(county_creations_fail_stale())
