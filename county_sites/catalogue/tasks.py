"""Celery tasks of the catalogue: this county's part of the province catalogue, run in the
schema of the county that queued them (county_sites.catalogue.province)."""

from celery import shared_task
from django.db import connection

from core.county_tasks import counties_fan_out, schema_check
from county_sites.catalogue.province import province_index_rebuild as index_rebuild
from county_sites.catalogue.province import province_index_sync as index_sync
from hub.models import County


# The name farmers.services.province queues it by.
@shared_task(name="county_sites.catalogue.tasks.province_index_sync", acks_late=True)
def province_index_sync(listing_id: int, schema_name: str) -> str:
    """Write or remove listing `listing_id`'s catalogue row; a second run changes nothing."""
    # Listing ids are per county: listing N of another county is someone else's listing.
    schema_check(
        task=f"province_index_sync({listing_id})",
        running=connection.schema_name,
        expected=schema_name,
    )
    return index_sync(listing_id=listing_id)


@shared_task(acks_late=True)
def province_index_rebuild(county_id: int) -> dict:
    """Rebuild one county's part of the catalogue, in that county's schema."""
    county = County.objects.get(pk=county_id)
    schema_check(
        task=f"province_index_rebuild({county_id})",
        running=connection.schema_name,
        expected=county.schema_name,
    )
    result = index_rebuild()
    return {"schema": county.schema_name, "written": result.written, "removed": result.removed}


@shared_task
def counties_province_index_rebuild() -> int:
    """Beat's nightly fan-out: each county rebuilds its own part."""
    return counties_fan_out(province_index_rebuild, counties=County.objects.counties())
