"""Celery task of listing photos, run in the schema of the county that queued it."""

from celery import shared_task
from django.db import connection

from core.county_tasks import schema_check
from farmers.services import listing_photo_renditions_make


# The name it had as farmers/tasks.py: queued messages and farmers.services.photos use it.
@shared_task(name="farmers.tasks.listing_photo_renditions", acks_late=True)
def listing_photo_renditions(photo_id: int, schema_name: str) -> str:
    """Make the storefront renditions of photo `photo_id` of `schema_name`; a second run
    changes nothing (listing_photo_renditions_make skips a photo whose renditions are ready).
    """
    # Photo ids are per county: photo N of another county is someone else's photo.
    schema_check(
        task=f"listing_photo_renditions({photo_id})",
        running=connection.schema_name,
        expected=schema_name,
    )
    photo = listing_photo_renditions_make(photo_id=photo_id)
    if photo is None:
        return "gone"
    return "ready"
