"""Celery tasks of the province: county creation, and the monthly roll-up of every county's
figures into public (hub.rollups)."""

import logging

from celery import shared_task
from django.db import connection

from core.county_tasks import counties_fan_out, schema_check
from core.errors import ApplicationError
from hub.models import County, RollUpRun
from hub.services import rollups
from hub.services.creation import county_creation_run, county_creations_fail_stale

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def county_creation_task(creation_id: int) -> str:
    """Create a county requested in the province admin; a job already run is left alone."""
    creation = county_creation_run(creation_id=creation_id)
    return "skipped" if creation is None else creation.state


@shared_task
def county_creations_fail_stale_task() -> int:
    """Beat: fail (and clean up) county creation jobs a worker lost."""
    return len(county_creations_fail_stale())


@shared_task(acks_late=True)
def rollup_run_start(run_id: int) -> int:
    """Start a roll-up run (hub.services.rollups): queue its part inside each county."""
    counties = rollups.rollup_run_start(run_id=run_id)
    return counties_fan_out(rollup_county, counties=counties, args=(run_id,))


@shared_task(acks_late=True)
def rollup_county(run_id: int, county_id: int) -> str:
    """One county's part of a run, in its schema: its apps count the months' figures, which
    replace the county's rows; any error fails the run with the reason and leaves the rows."""
    county = County.objects.get(pk=county_id)
    schema_check(
        task=f"rollup_county({run_id}, {county_id})",
        running=connection.schema_name,
        expected=county.schema_name,
    )
    run = RollUpRun.objects.get(pk=run_id)
    try:
        rollups.rollup_county_run(county=county, run=run)
    except Exception as error:  # noqa: BLE001  (any failure is the run's, with its reason)
        rollups.rollup_county_fail(
            run_id=run_id, county=county, error=f"{type(error).__name__}: {error}"
        )
        return "failed"
    return "done"


@shared_task
def counties_rollup_nightly() -> int | None:
    """Beat, nightly: the current and the previous month of every county. Skipped (None)
    while another run is unfinished."""
    try:
        run = rollups.rollup_run_request(trigger=RollUpRun.Trigger.NIGHTLY)
    except ApplicationError as refusal:
        logger.warning("nightly roll-up skipped: %s", refusal)
        return None
    return run.pk
