"""Sellers (farmers, co-operatives, merchants), their listings and everything a listing carries:
certifications, traceability batches, photos and its moderation log; and the bulk import's jobs.

All of these live in each county's schema. Every write goes through farmers.services, which
checks who may do it and logs moderation decisions.

One module per part (sellers, listings, imports); everything is importable from here, as
callers and the migrations (listing_photo_upload_to, trace_code_new) name it.
"""

from farmers.models.imports import ImportedListing, ImportJob, ImportRowResult
from farmers.models.listings import (
    TRACE_CODE_ALPHABET,
    TRACE_CODE_LENGTH,
    Listing,
    ListingCertification,
    ListingPhoto,
    ModerationDecision,
    TraceabilityBatch,
    listing_photo_upload_to,
    trace_code_new,
)
from farmers.models.sellers import Seller, last4_validator

__all__ = [
    "TRACE_CODE_ALPHABET",
    "TRACE_CODE_LENGTH",
    "ImportJob",
    "ImportRowResult",
    "ImportedListing",
    "Listing",
    "ListingCertification",
    "ListingPhoto",
    "ModerationDecision",
    "Seller",
    "TraceabilityBatch",
    "last4_validator",
    "listing_photo_upload_to",
    "trace_code_new",
]
