"""Writing one checked row through farmers.services: its seller (registered on a paper form if
new), its listing found by the row's key or created, its certification and batch; and the key
remembered in ImportedListing with what was written, so the same row again changes nothing."""

from dataclasses import dataclass

from core.errors import ApplicationError
from farmers.imports.columns import MSG_NEW_SELLER_NAME, MSG_TITLE_AMBIGUOUS
from farmers.imports.parse import ParsedRow
from farmers.models import (
    ImportedListing,
    ImportJob,
    ImportRowResult,
    Listing,
    Seller,
    TraceabilityBatch,
)
from farmers.services import (
    listing_certification_add,
    listing_certification_remove,
    listing_create,
    listing_submit,
    listing_update,
    seller_register,
    seller_update,
    traceability_batch_create,
)


@dataclass
class RowOutcome:
    outcome: str
    seller: Seller | None = None
    listing: Listing | None = None
    seller_created: bool = False


def _seller_for_row(*, actor, row: ParsedRow) -> tuple[Seller, bool, bool]:
    """(seller, created, updated): the row's seller, registered on a paper form if new."""
    seller = Seller.objects.filter(mobile=row.mobile).first()
    if seller is None:
        if not row.seller["name"]:
            raise ApplicationError(MSG_NEW_SELLER_NAME % {"mobile": row.mobile})
        seller = seller_register(
            actor=actor,
            kind=row.seller.get("kind") or Seller.Kind.FARMER,
            name=row.seller["name"],
            mobile=row.mobile,
            village=row.seller["village"],
            consent_method=Seller.ConsentMethod.PAPER_FORM,
        )
        return seller, True, False
    if row.seller["village"] and not seller.village:
        seller = seller_update(actor=actor, seller=seller, village=row.seller["village"])
        return seller, False, True
    return seller, False, False


def _listing_for_key(*, seller: Seller, row: ParsedRow) -> tuple[Listing | None, dict | None]:
    """The listing an earlier import (or the seller) made for this row, and what the last
    import wrote to it (None when it was not made by an import)."""
    record = (
        ImportedListing.objects.filter(seller=seller, key=row.key).select_related("listing").first()
    )
    if record is not None:
        return record.listing, record.values
    # Not imported before: a listing of the same seller with the same title is this one,
    # unless an import gave it a different 商品编号.
    with_refs = ImportedListing.objects.filter(seller=seller, key__startswith="ref:")
    same_title = list(
        Listing.objects.filter(seller=seller, title=row.listing["title"])
        .exclude(pk__in=with_refs.values("listing_id"))
        .order_by("pk")[:3]
    )
    if len(same_title) > 1:
        raise ApplicationError(
            MSG_TITLE_AMBIGUOUS % {"count": len(same_title), "title": row.listing["title"]}
        )
    return (same_title[0] if same_title else None), None


def _certification_apply(*, actor, listing: Listing, certification: dict | None) -> bool:
    if certification is None:
        return False
    existing = listing.certifications.filter(kind=certification["kind"]).first()
    if existing is not None:
        same = (
            existing.certificate_number == certification["certificate_number"]
            and existing.issuer == certification["issuer"]
            and existing.valid_until == certification["valid_until"]
        )
        if same:
            return False
        listing_certification_remove(actor=actor, certification=existing)
    listing_certification_add(actor=actor, listing=listing, **certification)
    return True


def _batch_apply(*, actor, listing: Listing, batch: dict | None) -> bool:
    if batch is None:
        return False
    # A batch once recorded is not changed by an import (there is no batch edit).
    if TraceabilityBatch.objects.filter(listing=listing, batch_code=batch["batch_code"]).exists():
        return False
    traceability_batch_create(actor=actor, listing=listing, **batch)
    return True


def row_apply(*, job: ImportJob, actor, row: ParsedRow) -> RowOutcome:
    seller, seller_created, seller_updated = _seller_for_row(actor=actor, row=row)
    if not row.is_listing_row:
        outcome = (
            ImportRowResult.Outcome.CREATED
            if seller_created
            else ImportRowResult.Outcome.UPDATED
            if seller_updated
            else ImportRowResult.Outcome.UNCHANGED
        )
        return RowOutcome(outcome, seller=seller, seller_created=seller_created)

    values = row.values()
    listing, last_values = _listing_for_key(seller=seller, row=row)
    if listing is None:
        listing = listing_create(actor=actor, seller=seller, **row.listing)
        _certification_apply(actor=actor, listing=listing, certification=row.certification)
        _batch_apply(actor=actor, listing=listing, batch=row.batch)
        if job.listing_state == Listing.State.SUBMITTED:
            listing = listing_submit(actor=actor, listing=listing)
        outcome = ImportRowResult.Outcome.CREATED
    elif last_values == values:
        return RowOutcome(
            ImportRowResult.Outcome.UNCHANGED, seller=seller, listing=listing,
            seller_created=seller_created,
        )  # fmt: skip
    else:
        last_listing = (last_values or {}).get("listing", {})
        changes = {
            name: value
            for name, value in row.listing.items()
            if last_values is None or values["listing"].get(name) != last_listing.get(name)
        }
        before = listing.updated_at
        if changes:
            listing = listing_update(actor=actor, listing=listing, **changes)
        wrote = listing.updated_at != before
        if last_values is None or values["certification"] != last_values.get("certification"):
            wrote |= _certification_apply(
                actor=actor, listing=listing, certification=row.certification
            )
        if last_values is None or values["batch"] != last_values.get("batch"):
            wrote |= _batch_apply(actor=actor, listing=listing, batch=row.batch)
        outcome = ImportRowResult.Outcome.UPDATED if wrote else ImportRowResult.Outcome.UNCHANGED
    ImportedListing.objects.update_or_create(
        seller=seller, key=row.key, defaults={"listing": listing, "values": values, "job": job}
    )
    return RowOutcome(outcome, seller=seller, listing=listing, seller_created=seller_created)
