"""The province catalogue follows our listings: every write that changes what it shows of a
listing (its state, price, stock, title, photos) queues a sync of that listing on commit.

The sync itself is county_sites.catalogue.tasks.province_index_sync (above us), queued by
name; it reads the listing as committed, so one sync per change is enough and a duplicate
does nothing new. A lost message is repaired by the nightly rebuild.
"""

from collections.abc import Iterable
from functools import partial

from django.db import connection, transaction
from django_tenants.utils import get_public_schema_name

from core.county_tasks import task_queue

PROVINCE_INDEX_SYNC_TASK = "county_sites.catalogue.tasks.province_index_sync"


def _queue(listing_ids: tuple[int, ...], schema_name: str) -> None:
    for listing_id in listing_ids:
        task_queue(
            PROVINCE_INDEX_SYNC_TASK, args=(listing_id, schema_name), schema_name=schema_name
        )


def listing_province_sync_queue(*, listing_ids: Iterable[int]) -> None:
    """Queue the province catalogue sync of each listing once this transaction commits (one
    on-commit callback for all of them: an order of five lines is one). Robust: the county's
    write stands even if the broker is down; the nightly rebuild catches up."""
    schema_name = connection.schema_name
    ids = tuple(sorted(set(listing_ids)))
    if not ids or schema_name == get_public_schema_name():
        return
    transaction.on_commit(partial(_queue, ids, schema_name), robust=True)
