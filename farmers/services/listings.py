"""Writes for a listing's content: create, edit, stock and certifications. Run inside the
county's schema; every service takes and checks the `actor` and locks the listing row.

An approved listing edited only in price or stock stays live; any other edit of what buyers
read sends it back to review (farmers.services.common.content_changed).
"""

from functools import partial

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError, full_clean_or_refuse
from core.limits import QUANTITY_MAX, STOCK_MAX
from core.updates import model_update
from farmers.models import Listing, ListingCertification, Seller
from farmers.permissions import can_act_for_seller, can_help_at_counter
from farmers.services.common import (
    MSG_LISTING_NOT_FOUND,
    MSG_NOT_FOR_THIS_SELLER,
    State,
    category_check,
    content_changed,
    field_labels,
    listing_lock,
    owner_or_operator_check,
)
from farmers.services.province import listing_province_sync_queue

MSG_TITLE_REQUIRED = _("请填写商品标题。")
MSG_PRICE_REQUIRED = _("单价必须大于0。")
MSG_STOCK_NEGATIVE = _("库存不能小于0。")
MSG_STOCK_TOO_LARGE = _("库存最多 %(max)s。")
MSG_MIN_ORDER_TOO_LARGE = _("起订量最多 %(max)s。")
MSG_CERTIFICATION_DUPLICATE = _("这个商品已有“%(kind)s”认证，请先删除旧的。")

LISTING_EDITABLE_FIELDS = (
    "title", "description", "category", "unit", "price_fen", "stock",
    "min_order_qty", "harvest_start", "harvest_end", "origin_village",
)  # fmt: skip
# Price and stock change every market day; changing them keeps an approved listing live.
# Anything else a buyer reads (text, category, unit, origin, certifications, photos) goes back
# to review.
LIVE_EDIT_FIELDS = frozenset({"price_fen", "stock"})


@transaction.atomic
def listing_create(
    *,
    actor,
    seller: Seller,
    title: str,
    category,
    unit: str,
    price_fen: int = 0,
    stock: int = 0,
    description: str = "",
    min_order_qty: int = 1,
    harvest_start=None,
    harvest_end=None,
    origin_village: str = "",
) -> Listing:
    """A new listing, in draft, for the seller to complete and submit: by the seller, an
    operator, or someone helping the seller at a counter (a service-point clerk)."""
    if not (
        can_act_for_seller(actor, seller)
        or can_help_at_counter(actor, seller_user_id=seller.user_id)
    ):
        raise ApplicationError(MSG_NOT_FOR_THIS_SELLER)
    category_check(category)
    _numbers_check(stock=stock, min_order_qty=min_order_qty)
    listing = Listing(
        seller=seller,
        title=title.strip(),
        description=description.strip(),
        category=category,
        unit=unit,
        price_fen=price_fen,
        stock=stock,
        min_order_qty=min_order_qty,
        harvest_start=harvest_start,
        harvest_end=harvest_end,
        origin_village=(origin_village or seller.village).strip(),
        state=State.DRAFT,
    )
    full_clean_or_refuse(listing)
    listing.save()
    return listing


def _numbers_check(*, stock: int, min_order_qty: int) -> None:
    """Within what a column holds (core.limits), refused with a message rather than a 500."""
    if stock > STOCK_MAX:
        raise ApplicationError(MSG_STOCK_TOO_LARGE % {"max": STOCK_MAX}, field="stock")
    if min_order_qty > QUANTITY_MAX:
        raise ApplicationError(
            MSG_MIN_ORDER_TOO_LARGE % {"max": QUANTITY_MAX}, field="min_order_qty"
        )


def _listing_update_validate(locked: Listing, changed: list[str]) -> None:
    _numbers_check(stock=locked.stock, min_order_qty=locked.min_order_qty)
    if "category" in changed:
        category_check(locked.category)
    if "title" in changed and not locked.title:
        raise ApplicationError(MSG_TITLE_REQUIRED, field="title")
    if locked.state != State.DRAFT and locked.price_fen <= 0:
        raise ApplicationError(MSG_PRICE_REQUIRED, field="price_fen")


@transaction.atomic
def listing_update(*, actor, listing: Listing, **changes) -> Listing:
    """Edit a listing's fields (LISTING_EDITABLE_FIELDS). An approved listing edited only in
    price or stock stays live; any other edit sends it back to review, logged as
    returned_to_review. Returns the listing as saved."""
    try:
        locked, changed = model_update(
            instance=listing,
            fields=LISTING_EDITABLE_FIELDS,
            data=changes,
            check=partial(owner_or_operator_check, actor),
            validate=_listing_update_validate,
        )
    except Listing.DoesNotExist as error:
        # Not in this county's schema (another county's listing): as listing_lock refuses.
        raise ApplicationError(MSG_LISTING_NOT_FOUND) from error
    content_fields = [name for name in changed if name not in LIVE_EDIT_FIELDS]
    if content_fields:
        content_changed(listing=locked, actor=actor, what=field_labels(content_fields))
    elif changed and locked.state == State.APPROVED:
        # Price or stock of a live listing: the catalogue shows both.
        listing_province_sync_queue(listing_ids=[locked.pk])
    return locked


@transaction.atomic
def listing_stock_set(*, actor, listing: Listing, stock: int) -> Listing:
    """Set the stock (the two-tap update on the seller's phone); a live listing stays live."""
    if stock < 0:
        raise ApplicationError(MSG_STOCK_NEGATIVE, field="stock")
    _numbers_check(stock=stock, min_order_qty=1)
    locked = listing_lock(listing)
    owner_or_operator_check(actor, locked)
    locked.stock = stock
    locked.save(update_fields=["stock", "updated_at"])
    if locked.state == State.APPROVED:
        listing_province_sync_queue(listing_ids=[locked.pk])
    return locked


@transaction.atomic
def listing_certification_add(
    *,
    actor,
    listing: Listing,
    kind: str,
    certificate_number: str,
    issuer: str = "",
    valid_until=None,
) -> ListingCertification:
    locked = listing_lock(listing)
    owner_or_operator_check(actor, locked)
    if locked.certifications.filter(kind=kind).exists():
        label = ListingCertification(kind=kind).get_kind_display()
        raise ApplicationError(MSG_CERTIFICATION_DUPLICATE % {"kind": label}, field="kind")
    certification = ListingCertification(
        listing=locked,
        kind=kind,
        certificate_number=certificate_number.strip(),
        issuer=issuer.strip(),
        valid_until=valid_until,
    )
    full_clean_or_refuse(certification)
    certification.save()
    content_changed(listing=locked, actor=actor, what=str(ListingCertification._meta.verbose_name))
    return certification


@transaction.atomic
def listing_certification_remove(*, actor, certification: ListingCertification) -> Listing:
    locked = listing_lock(certification.listing_id)
    owner_or_operator_check(actor, locked)
    ListingCertification.objects.filter(pk=certification.pk, listing=locked).delete()
    content_changed(listing=locked, actor=actor, what=str(ListingCertification._meta.verbose_name))
    return locked
