"""Traceability batches of a listing: the harvest records behind the public /trace/<code>/."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, full_clean_or_refuse
from farmers.models import Listing, TraceabilityBatch
from farmers.services.common import listing_lock, owner_or_operator_check

MSG_BATCH_CODE_TAKEN = _("批次号 %(code)s 已被使用。")


@transaction.atomic
def traceability_batch_create(
    *,
    actor,
    listing: Listing,
    batch_code: str,
    harvest_date,
    plot: str = "",
    inputs_note: str = "",
) -> TraceabilityBatch:
    """Record a harvest batch; its random `code` is the public /trace/<code>/ address."""
    locked = listing_lock(listing)
    owner_or_operator_check(actor, locked)
    batch_code = batch_code.strip()
    if TraceabilityBatch.objects.filter(batch_code=batch_code).exists():
        raise ApplicationError(MSG_BATCH_CODE_TAKEN % {"code": batch_code}, field="batch_code")
    batch = TraceabilityBatch(
        listing=locked,
        batch_code=batch_code,
        harvest_date=harvest_date,
        plot=plot.strip(),
        inputs_note=inputs_note.strip(),
    )
    full_clean_or_refuse(batch)
    batch.save()
    return batch
