"""Celery tasks of farmers, run in the schema of the county that queued them: listing photo
renditions (photos) and the bulk import (imports).

Celery's autodiscovery imports `farmers.tasks`, so importing this package registers both with
workers. Each keeps the name it was queued under before it moved here (`name=`).
"""

from farmers.tasks.imports import farmers_import_run
from farmers.tasks.photos import listing_photo_renditions

__all__ = ["farmers_import_run", "listing_photo_renditions"]
