"""Writes for sellers and listings; run inside the county's schema.

Every service takes the acting user (`actor`) and checks it (farmers.permissions, and
core.roles for operator-only steps). Listing writes lock the listing row (SELECT ... FOR
UPDATE) before reading its state, so two operators deciding the same listing at once are
serialised: the second sees the first's decision and is refused. A refusal raises
ApplicationError inside the transaction, so nothing is changed.

One module per part: sellers, listings (content and certifications), photos, batches
(traceability) and moderation (the listing's life, drawn there); common holds what they share.
Everything callers use is importable from here.
"""

from core.roles import MSG_OPERATOR_ONLY
from core.updates import MSG_UNKNOWN_FIELDS
from farmers.services.batches import MSG_BATCH_CODE_TAKEN, traceability_batch_create
from farmers.services.common import (
    MSG_CATEGORY_INACTIVE,
    MSG_CHANGED_FIELDS,
    MSG_LISTING_NOT_FOUND,
    MSG_NOT_A_MODERATOR,
    MSG_NOT_FOR_THIS_SELLER,
    MSG_NOT_YOUR_LISTING,
)
from farmers.services.listings import (
    LISTING_EDITABLE_FIELDS,
    LIVE_EDIT_FIELDS,
    MSG_CERTIFICATION_DUPLICATE,
    MSG_MIN_ORDER_TOO_LARGE,
    MSG_PRICE_REQUIRED,
    MSG_STOCK_NEGATIVE,
    MSG_STOCK_TOO_LARGE,
    MSG_TITLE_REQUIRED,
    listing_certification_add,
    listing_certification_remove,
    listing_create,
    listing_stock_set,
    listing_update,
)
from farmers.services.moderation import (
    MSG_CANNOT_APPROVE,
    MSG_CANNOT_DELIST,
    MSG_CANNOT_REJECT,
    MSG_CANNOT_RELIST,
    MSG_CANNOT_SUBMIT,
    MSG_REASON_REQUIRED,
    MSG_STOCK_REQUIRED,
    BulkApproveResult,
    listing_approve,
    listing_bulk_approve,
    listing_delist,
    listing_reject,
    listing_relist,
    listing_submit,
)
from farmers.services.photos import (
    listing_photo_add,
    listing_photo_remove,
    listing_photo_renditions_make,
    listing_photos_add,
)
from farmers.services.sellers import (
    MSG_BANK_ACCOUNT_FORMAT,
    MSG_BANK_NAME_REQUIRED,
    MSG_MOBILE_TAKEN,
    MSG_SELF_CONSENT_NEEDS_OWN_ACCOUNT,
    MSG_USER_ALREADY_SELLER,
    SELLER_EDITABLE_FIELDS,
    SELLER_OPERATOR_FIELDS,
    seller_bank_account_set,
    seller_claim_by_verified_mobile,
    seller_register,
    seller_update,
)

__all__ = [
    "LISTING_EDITABLE_FIELDS",
    "LIVE_EDIT_FIELDS",
    "MSG_BANK_ACCOUNT_FORMAT",
    "MSG_BANK_NAME_REQUIRED",
    "MSG_BATCH_CODE_TAKEN",
    "MSG_CANNOT_APPROVE",
    "MSG_CANNOT_DELIST",
    "MSG_CANNOT_REJECT",
    "MSG_CANNOT_RELIST",
    "MSG_CANNOT_SUBMIT",
    "MSG_CATEGORY_INACTIVE",
    "MSG_CERTIFICATION_DUPLICATE",
    "MSG_CHANGED_FIELDS",
    "MSG_LISTING_NOT_FOUND",
    "MSG_MOBILE_TAKEN",
    "MSG_NOT_A_MODERATOR",
    "MSG_NOT_FOR_THIS_SELLER",
    "MSG_NOT_YOUR_LISTING",
    "MSG_OPERATOR_ONLY",
    "MSG_PRICE_REQUIRED",
    "MSG_REASON_REQUIRED",
    "MSG_SELF_CONSENT_NEEDS_OWN_ACCOUNT",
    "MSG_MIN_ORDER_TOO_LARGE",
    "MSG_STOCK_NEGATIVE",
    "MSG_STOCK_TOO_LARGE",
    "MSG_STOCK_REQUIRED",
    "MSG_TITLE_REQUIRED",
    "MSG_UNKNOWN_FIELDS",
    "MSG_USER_ALREADY_SELLER",
    "SELLER_EDITABLE_FIELDS",
    "SELLER_OPERATOR_FIELDS",
    "BulkApproveResult",
    "listing_approve",
    "listing_bulk_approve",
    "listing_certification_add",
    "listing_certification_remove",
    "listing_create",
    "listing_delist",
    "listing_photo_add",
    "listing_photo_remove",
    "listing_photo_renditions_make",
    "listing_photos_add",
    "listing_reject",
    "listing_relist",
    "listing_stock_set",
    "listing_submit",
    "listing_update",
    "seller_bank_account_set",
    "seller_claim_by_verified_mobile",
    "seller_register",
    "seller_update",
    "traceability_batch_create",
]
