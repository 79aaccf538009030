"""Celery tasks of farmers, run in the schema of the county that queued them."""

from celery import shared_task
from django.db import connection

from farmers.services import listing_photo_renditions_make


class WrongSchemaError(RuntimeError):
    """The task ran outside the schema that queued it: photo ids are per county, so working
    on photo N of another county would render (and mark ready) someone else's photo."""


@shared_task(acks_late=True)
def listing_photo_renditions(photo_id: int, schema_name: str) -> str:
    """Make the storefront renditions of photo `photo_id` of `schema_name`; a second run
    changes nothing (listing_photo_renditions_make skips a photo whose renditions are ready).
    """
    if connection.schema_name != schema_name:
        raise WrongSchemaError(
            f"listing_photo_renditions({photo_id}) ran in {connection.schema_name!r}, "
            f"expected {schema_name!r}"
        )
    photo = listing_photo_renditions_make(photo_id=photo_id)
    if photo is None:
        return "gone"
    return "ready"
