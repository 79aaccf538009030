"""Writes for sellers and listings; run inside the county's schema.

Every service takes the acting user (`actor`) and checks it (farmers.permissions). Listing
writes lock the listing row (SELECT ... FOR UPDATE) before reading its state, so two operators
deciding the same listing at once are serialised: the second sees the first's decision and is
refused. A refusal raises ApplicationError inside the transaction, so nothing is changed.

The moderation life of a listing:
    draft ──submit──> submitted ──approve──> approved ──delist──> delisted
    rejected ──submit──┘    └──reject──> rejected      <──relist──┘ (or back to submitted
                                                                     if edited meanwhile)
    approved ──edit of anything but price/stock──> submitted (returned_to_review)
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.county_tasks import task_queue
from core.errors import ApplicationError, full_clean_or_refuse
from farmers.images import (
    NormalisedPhoto,
    photo_count_validate,
    photo_normalise,
    photo_renditions,
    photo_validate,
    rendition_filename,
)
from farmers.models import (
    Listing,
    ListingCertification,
    ListingPhoto,
    ModerationDecision,
    Seller,
    TraceabilityBatch,
)
from farmers.permissions import can_act_for_seller, can_moderate, is_county_operator

State = Listing.State
Action = ModerationDecision.Action

MSG_NOT_YOUR_LISTING = _("您只能管理自己的商品。")
MSG_NOT_FOR_THIS_SELLER = _("您不能代表这个卖家操作。")
MSG_NOT_A_MODERATOR = _("只有县级运营人员可以审核商品。")
MSG_OPERATOR_ONLY = _("只有县级运营人员可以这样做。")
MSG_LISTING_NOT_FOUND = _("找不到这个商品。")
MSG_CANNOT_SUBMIT = _("只有草稿或未通过的商品可以提交审核：“%(title)s”现在是“%(state)s”。")
MSG_CANNOT_APPROVE = _("只有待审核的商品可以审核通过：“%(title)s”现在是“%(state)s”。")
MSG_CANNOT_REJECT = _("只有待审核的商品可以驳回：“%(title)s”现在是“%(state)s”。")
MSG_CANNOT_DELIST = _("只有已上架的商品可以下架：“%(title)s”现在是“%(state)s”。")
MSG_CANNOT_RELIST = _("只有已下架的商品可以重新上架：“%(title)s”现在是“%(state)s”。")
MSG_REASON_REQUIRED = _("驳回时必须填写原因，卖家会看到它。")
MSG_TITLE_REQUIRED = _("请填写商品标题。")
MSG_PRICE_REQUIRED = _("单价必须大于0。")
MSG_STOCK_REQUIRED = _("提交审核前请填写库存（大于0）。")
MSG_STOCK_NEGATIVE = _("库存不能小于0。")
MSG_CATEGORY_INACTIVE = _("类目“%(name)s”已停用，请选择其他类目。")
MSG_UNKNOWN_FIELDS = _("这些字段不能在这里修改：%(fields)s。")
MSG_MOBILE_TAKEN = _("手机号码 %(mobile)s 已登记为卖家。")
MSG_USER_ALREADY_SELLER = _("这个账号已经是卖家“%(name)s”。")
MSG_SELF_CONSENT_NEEDS_OWN_ACCOUNT = _("“本人在手机上同意”只能由卖家本人的账号登记。")
MSG_BANK_ACCOUNT_FORMAT = _("银行卡号应为12到19位数字。")
MSG_BANK_NAME_REQUIRED = _("填写银行卡号时请同时填写开户银行。")
MSG_CERTIFICATION_DUPLICATE = _("这个商品已有“%(kind)s”认证，请先删除旧的。")
MSG_BATCH_CODE_TAKEN = _("批次号 %(code)s 已被使用。")
MSG_CHANGED_FIELDS = _("修改了：%(fields)s")

LISTING_EDITABLE_FIELDS = (
    "title", "description", "category", "unit", "price_fen", "stock",
    "min_order_qty", "harvest_start", "harvest_end", "origin_village",
)  # fmt: skip
# Price and stock change every market day; changing them keeps an approved listing live.
# Anything else a buyer reads (text, category, unit, origin, certifications, photos) goes back
# to review.
LIVE_EDIT_FIELDS = frozenset({"price_fen", "stock"})

SELLER_EDITABLE_FIELDS = ("kind", "name", "village")
SELLER_OPERATOR_FIELDS = ("id_verification", "registered_by_point")

BANK_ACCOUNT_RE = re.compile(r"^\d{12,19}\Z")


_full_clean = full_clean_or_refuse


def _log(*, listing: Listing, action: str, from_state: str, actor, reason: str = ""):
    decision = ModerationDecision(
        listing=listing,
        action=action,
        from_state=from_state,
        to_state=listing.state,
        reason=reason,
        actor=actor,
        at=timezone.now(),
    )
    decision.full_clean()
    decision.save()
    return decision


def _lock(listing: Listing | int) -> Listing:
    """The listing's row, locked until the end of the transaction, read fresh."""
    pk = listing if isinstance(listing, int) else listing.pk
    locked = Listing.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise ApplicationError(MSG_LISTING_NOT_FOUND)
    return locked


def _check_owner_or_operator(actor, listing: Listing) -> None:
    if not can_act_for_seller(actor, listing.seller):
        raise ApplicationError(MSG_NOT_YOUR_LISTING)


def _check_moderator(actor) -> None:
    if not can_moderate(actor):
        raise ApplicationError(MSG_NOT_A_MODERATOR)


def _refuse(message, listing: Listing):
    return ApplicationError(
        message % {"title": listing.title, "state": listing.get_state_display()}, field="state"
    )


def _check_category(category) -> None:
    if not category.is_active:
        raise ApplicationError(MSG_CATEGORY_INACTIVE % {"name": category.name}, field="category")


def _content_changed(*, listing: Listing, actor, what: str) -> None:
    """Something reviewers look at changed: an approved listing goes back to review (logged);
    a delisted one will be reviewed again when relisted."""
    if listing.state == State.APPROVED:
        listing.state = State.SUBMITTED
        listing.submitted_at = timezone.now()
        listing.save(update_fields=["state", "submitted_at", "updated_at"])
        _log(
            listing=listing,
            action=Action.RETURNED_TO_REVIEW,
            from_state=State.APPROVED,
            actor=actor,
            reason=MSG_CHANGED_FIELDS % {"fields": what},
        )
    elif listing.state == State.DELISTED and not listing.needs_review:
        listing.needs_review = True
        listing.save(update_fields=["needs_review", "updated_at"])


def _field_labels(names: Iterable[str]) -> str:
    return "、".join(str(Listing._meta.get_field(name).verbose_name) for name in names)


# ------------------------------------------------------------------------------
# Sellers
# ------------------------------------------------------------------------------
def _bank_last4(*, bank_name: str, bank_account_number: str) -> str:
    number = re.sub(r"[\s-]", "", bank_account_number or "")
    if not number:
        return ""
    if not BANK_ACCOUNT_RE.match(number):
        raise ApplicationError(MSG_BANK_ACCOUNT_FORMAT, field="bank_account_number")
    if not bank_name.strip():
        raise ApplicationError(MSG_BANK_NAME_REQUIRED, field="bank_name")
    return number[-4:]


@transaction.atomic
def seller_claim_by_verified_mobile(*, user, mobile: str) -> Seller | None:
    """A user who proved with an SMS code that they hold `mobile` becomes that seller's login
    (a seller registered by an operator, a clerk or an import has none yet) and the seller's
    mobile counts as verified. Returns the seller, or None when no seller can be claimed: no
    seller has that number, it is not the user's own number, or another account has it."""
    if not user.is_authenticated or not mobile or user.mobile != mobile:
        return None
    seller = Seller.objects.select_for_update().filter(mobile=mobile).first()
    if seller is None or (seller.user_id is not None and seller.user_id != user.pk):
        return None
    changed = []
    if seller.user_id is None:
        seller.user = user
        changed.append("user")
    if seller.mobile_verified_at is None:
        seller.mobile_verified_at = timezone.now()
        changed.append("mobile_verified_at")
    if changed:
        seller.full_clean()
        seller.save(update_fields=[*changed, "updated_at"])
    return seller


@transaction.atomic
def seller_register(
    *,
    actor,
    kind: str,
    name: str,
    mobile: str,
    consent_method: str,
    village: str = "",
    user=None,
    registered_by_point=None,
    bank_name: str = "",
    bank_account_number: str = "",
    mobile_verified_at=None,
) -> Seller:
    """Register a seller with their consent: on their own phone (actor is their own account,
    `user`), or on their behalf at a service point or on a paper form (actor is a county
    operator, recorded as who took the consent).

    Only the last 4 digits of `bank_account_number` are kept (see Seller's docstring).
    """
    if consent_method == Seller.ConsentMethod.SELF_ON_PHONE:
        if user is None or actor is None or actor.pk != user.pk or not actor.is_active:
            raise ApplicationError(MSG_SELF_CONSENT_NEEDS_OWN_ACCOUNT, field="consent_method")
        recorded_by = None
    else:
        if not is_county_operator(actor):
            raise ApplicationError(MSG_OPERATOR_ONLY)
        recorded_by = actor
    mobile = mobile.strip()
    if Seller.objects.filter(mobile=mobile).exists():
        raise ApplicationError(MSG_MOBILE_TAKEN % {"mobile": mobile}, field="mobile")
    if user is not None:
        existing = Seller.objects.filter(user=user).first()
        if existing is not None:
            raise ApplicationError(MSG_USER_ALREADY_SELLER % {"name": existing.name}, field="user")
    last4 = _bank_last4(bank_name=bank_name, bank_account_number=bank_account_number)
    seller = Seller(
        kind=kind,
        name=name.strip(),
        mobile=mobile,
        mobile_verified_at=mobile_verified_at,
        village=village.strip(),
        bank_name=bank_name.strip() if last4 else "",
        bank_account_last4=last4,
        registered_by_point=registered_by_point,
        consented_at=timezone.now(),
        consent_method=consent_method,
        consent_recorded_by=recorded_by,
        user=user,
    )
    _full_clean(seller)
    seller.save()
    return seller


@transaction.atomic
def seller_update(*, actor, seller: Seller, **changes) -> Seller:
    """Change a seller's name, kind or village (the seller or an operator); ID verification
    and registering service point (operators only). The mobile number changes only through
    SMS verification, the bank account through seller_bank_account_set."""
    unknown = set(changes) - set(SELLER_EDITABLE_FIELDS) - set(SELLER_OPERATOR_FIELDS)
    if unknown:
        raise ApplicationError(MSG_UNKNOWN_FIELDS % {"fields": ", ".join(sorted(unknown))})
    locked = Seller.objects.select_for_update().get(pk=seller.pk)
    if not can_act_for_seller(actor, locked):
        raise ApplicationError(MSG_NOT_FOR_THIS_SELLER)
    if set(changes) & set(SELLER_OPERATOR_FIELDS) and not is_county_operator(actor):
        raise ApplicationError(MSG_OPERATOR_ONLY)
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _full_clean(locked)
    locked.save()
    return locked


@transaction.atomic
def seller_bank_account_set(
    *, actor, seller: Seller, bank_name: str, bank_account_number: str
) -> Seller:
    """Replace the payout account; only its bank name and last 4 digits are stored."""
    locked = Seller.objects.select_for_update().get(pk=seller.pk)
    if not can_act_for_seller(actor, locked):
        raise ApplicationError(MSG_NOT_FOR_THIS_SELLER)
    last4 = _bank_last4(bank_name=bank_name, bank_account_number=bank_account_number)
    locked.bank_name = bank_name.strip() if last4 else ""
    locked.bank_account_last4 = last4
    _full_clean(locked)
    locked.save(update_fields=["bank_name", "bank_account_last4", "updated_at"])
    return locked


# ------------------------------------------------------------------------------
# Listings: content
# ------------------------------------------------------------------------------
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
    """A new listing, in draft, for the seller to complete and submit."""
    if not can_act_for_seller(actor, seller):
        raise ApplicationError(MSG_NOT_FOR_THIS_SELLER)
    _check_category(category)
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
    _full_clean(listing)
    listing.save()
    return listing


def _value_differs(listing: Listing, name: str, value) -> bool:
    if name == "category":
        return listing.category_id != getattr(value, "pk", value)
    return getattr(listing, name) != value


@transaction.atomic
def listing_update(*, actor, listing: Listing, **changes) -> Listing:
    """Edit a listing's fields (LISTING_EDITABLE_FIELDS). An approved listing edited only in
    price or stock stays live; any other edit sends it back to review, logged as
    returned_to_review. Returns the listing as saved."""
    unknown = set(changes) - set(LISTING_EDITABLE_FIELDS)
    if unknown:
        raise ApplicationError(MSG_UNKNOWN_FIELDS % {"fields": ", ".join(sorted(unknown))})
    locked = _lock(listing)
    _check_owner_or_operator(actor, locked)
    changed = [name for name in LISTING_EDITABLE_FIELDS if name in changes]
    changed = [name for name in changed if _value_differs(locked, name, changes[name])]
    if not changed:
        return locked
    for name in changed:
        value = changes[name]
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    if "category" in changed:
        _check_category(locked.category)
    if "title" in changed and not locked.title:
        raise ApplicationError(MSG_TITLE_REQUIRED, field="title")
    if locked.state != State.DRAFT and locked.price_fen <= 0:
        raise ApplicationError(MSG_PRICE_REQUIRED, field="price_fen")
    _full_clean(locked)
    locked.save()
    content_fields = [name for name in changed if name not in LIVE_EDIT_FIELDS]
    if content_fields:
        _content_changed(listing=locked, actor=actor, what=_field_labels(content_fields))
    return locked


@transaction.atomic
def listing_stock_set(*, actor, listing: Listing, stock: int) -> Listing:
    """Set the stock (the two-tap update on the seller's phone); a live listing stays live."""
    if stock < 0:
        raise ApplicationError(MSG_STOCK_NEGATIVE, field="stock")
    locked = _lock(listing)
    _check_owner_or_operator(actor, locked)
    locked.stock = stock
    locked.save(update_fields=["stock", "updated_at"])
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
    locked = _lock(listing)
    _check_owner_or_operator(actor, locked)
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
    _full_clean(certification)
    certification.save()
    _content_changed(listing=locked, actor=actor, what=str(ListingCertification._meta.verbose_name))
    return certification


@transaction.atomic
def listing_certification_remove(*, actor, certification: ListingCertification) -> Listing:
    locked = _lock(certification.listing_id)
    _check_owner_or_operator(actor, locked)
    ListingCertification.objects.filter(pk=certification.pk, listing=locked).delete()
    _content_changed(listing=locked, actor=actor, what=str(ListingCertification._meta.verbose_name))
    return locked


def listing_photo_add(*, actor, listing: Listing, image: bytes | IO[bytes]) -> ListingPhoto:
    """Add one photo from the seller's phone; see listing_photos_add."""
    return listing_photos_add(actor=actor, listing=listing, images=[image])[0]


def listing_photos_add(
    *, actor, listing: Listing, images: Sequence[bytes | IO[bytes]]
) -> list[ListingPhoto]:
    """Add photos to a listing, all or none.

    Each upload is checked and normalised by farmers.images (upright JPEG, no EXIF, at most
    ORIGINAL_MAX_SIDE px) before anything is written, so a refused upload (its message from
    farmers.images, field "photo") leaves no row and no file. The JPEG is stored as the photo's
    original in the county's media folder; the storefront's WebP renditions are made after
    commit by farmers.tasks.listing_photo_renditions. A new photo sends an approved listing
    back to review.
    """
    # Cheap refusals first: no decoding for someone else's listing or a 7th photo.
    _check_owner_or_operator(actor, listing)
    photo_count_validate(existing=listing.photos.count(), adding=len(images))
    # One upload decoded at a time, keeping only its normalised JPEG (under 1 MB).
    normalised = [photo_normalise(photo_validate(image)) for image in images]
    return _listing_photos_store(actor=actor, listing=listing, photos=normalised)


@transaction.atomic
def _listing_photos_store(
    *, actor, listing: Listing, photos: list[NormalisedPhoto]
) -> list[ListingPhoto]:
    locked = _lock(listing)
    _check_owner_or_operator(actor, locked)
    count = locked.photos.count()
    photo_count_validate(existing=count, adding=len(photos))  # again, under the lock
    saved: list[ListingPhoto] = []
    try:
        for offset, normalised in enumerate(photos):
            photo = ListingPhoto(listing=locked, position=count + offset)
            photo.original.save(
                f"photo.{normalised.extension}", ContentFile(normalised.data), save=False
            )
            # Known already: no need for ImageField to decode the stored file's header.
            photo.width, photo.height = normalised.width, normalised.height
            saved.append(photo)
            photo.save()
        _content_changed(listing=locked, actor=actor, what=str(ListingPhoto._meta.verbose_name))
    except Exception:
        # No row will point at these files: the transaction is rolled back.
        for photo in saved:
            photo.original.delete(save=False)
        raise
    schema_name = connection.schema_name
    for photo in saved:
        # robust: the photo is saved either way; a broker hiccup only delays its renditions,
        # which listing_photo_renditions_make can produce at any later time.
        transaction.on_commit(
            partial(_listing_photo_renditions_queue, photo_id=photo.pk, schema_name=schema_name),
            robust=True,
        )
    return saved


def _listing_photo_renditions_queue(*, photo_id: int, schema_name: str) -> None:
    task_queue(
        "farmers.tasks.listing_photo_renditions",
        args=(photo_id, schema_name),
        schema_name=schema_name,
    )


def _rendition_paths(photo: ListingPhoto) -> list[str]:
    return [entry["path"] for entry in (photo.renditions or {}).values() if entry.get("path")]


@transaction.atomic
def listing_photo_renditions_make(*, photo_id: int) -> ListingPhoto | None:
    """Make and store the storefront WebP renditions of a photo's original, in the current
    county's media folder beside the original (farmers.images.rendition_filename).

    Idempotent: a photo whose renditions are ready is left alone; a run interrupted half way
    is simply done again (files at the same names are replaced). Returns None when the photo
    is gone (removed before the task ran). The photo row stays locked while the renditions
    are made, so two runs for the same photo do the work once.
    """
    photo = ListingPhoto.objects.select_for_update().filter(pk=photo_id).first()
    if photo is None or photo.renditions_ready:
        return photo
    with photo.original.open("rb") as original:
        data = original.read()
    renditions = {}
    for name, rendition in photo_renditions(data).items():
        path = rendition_filename(photo.original.name, name)
        if default_storage.exists(path):
            default_storage.delete(path)
        stored = default_storage.save(path, ContentFile(rendition.data))
        renditions[name] = {
            "name": name,
            "width": rendition.width,
            "height": rendition.height,
            "path": stored,
        }
    photo.renditions = renditions
    photo.renditions_ready = True
    photo.save(update_fields=["renditions", "renditions_ready"])
    return photo


@transaction.atomic
def listing_photo_remove(*, actor, photo: ListingPhoto) -> Listing:
    locked = _lock(photo.listing_id)
    _check_owner_or_operator(actor, locked)
    current = ListingPhoto.objects.select_for_update().filter(pk=photo.pk, listing=locked).first()
    if current is None:
        return locked
    names = [current.original.name, *_rendition_paths(current)]
    current.delete()
    # This county's folder, fixed now: the tenant storage follows the connection's schema,
    # which may have changed by the time the commit callback runs.
    storage = FileSystemStorage(location=default_storage.location)

    def delete_files():
        for name in names:
            storage.delete(name)

    # The files go only once the row is gone for good.
    transaction.on_commit(delete_files)
    _content_changed(listing=locked, actor=actor, what=str(ListingPhoto._meta.verbose_name))
    return locked


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
    locked = _lock(listing)
    _check_owner_or_operator(actor, locked)
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
    _full_clean(batch)
    batch.save()
    return batch


# ------------------------------------------------------------------------------
# Listings: moderation
# ------------------------------------------------------------------------------
@transaction.atomic
def listing_submit(*, actor, listing: Listing) -> Listing:
    """draft or rejected -> submitted. Needs a title, a category in use, a price and stock.
    Photos are not required yet: villagers listing through a clerk often have none at first;
    the storefront shows a category picture instead (revisit with the photo issue)."""
    locked = _lock(listing)
    _check_owner_or_operator(actor, locked)
    if locked.state not in (State.DRAFT, State.REJECTED):
        raise _refuse(MSG_CANNOT_SUBMIT, locked)
    if not locked.title.strip():
        raise ApplicationError(MSG_TITLE_REQUIRED, field="title")
    _check_category(locked.category)
    if locked.price_fen <= 0:
        raise ApplicationError(MSG_PRICE_REQUIRED, field="price_fen")
    if locked.stock <= 0:
        raise ApplicationError(MSG_STOCK_REQUIRED, field="stock")
    from_state = locked.state
    locked.state = State.SUBMITTED
    locked.submitted_at = timezone.now()
    # The seller has read the reason; the log keeps it.
    locked.rejection_reason = ""
    locked.save(update_fields=["state", "submitted_at", "rejection_reason", "updated_at"])
    _log(listing=locked, action=Action.SUBMITTED, from_state=from_state, actor=actor)
    return locked


def _approve(locked: Listing, actor) -> Listing:
    locked.state = State.APPROVED
    locked.approved_at = timezone.now()
    locked.rejection_reason = ""
    locked.needs_review = False
    locked.save(
        update_fields=["state", "approved_at", "rejection_reason", "needs_review", "updated_at"]
    )
    _log(listing=locked, action=Action.APPROVED, from_state=State.SUBMITTED, actor=actor)
    return locked


@transaction.atomic
def listing_approve(*, actor, listing: Listing) -> Listing:
    """submitted -> approved (live), by a county operator."""
    _check_moderator(actor)
    locked = _lock(listing)
    if locked.state != State.SUBMITTED:
        raise _refuse(MSG_CANNOT_APPROVE, locked)
    return _approve(locked, actor)


@transaction.atomic
def listing_reject(*, actor, listing: Listing, reason: str) -> Listing:
    """submitted -> rejected, by a county operator, with a reason the seller sees."""
    _check_moderator(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(MSG_REASON_REQUIRED, field="reason")
    locked = _lock(listing)
    if locked.state != State.SUBMITTED:
        raise _refuse(MSG_CANNOT_REJECT, locked)
    locked.state = State.REJECTED
    locked.rejection_reason = reason
    locked.save(update_fields=["state", "rejection_reason", "updated_at"])
    _log(
        listing=locked,
        action=Action.REJECTED,
        from_state=State.SUBMITTED,
        actor=actor,
        reason=reason,
    )
    return locked


@dataclass(frozen=True)
class BulkApproveResult:
    approved: list[Listing]
    # Listings no longer waiting for review when the lock was taken (decided by someone else
    # in the meantime, or never submitted): left as they are.
    skipped: list[Listing]


@transaction.atomic
def listing_bulk_approve(*, actor, listings: Iterable[Listing | int]) -> BulkApproveResult:
    """Approve every listing given that is still submitted, each logged on its own."""
    _check_moderator(actor)
    ids = sorted({item if isinstance(item, int) else item.pk for item in listings})
    # One lock statement, in id order, so two bulk approvals cannot deadlock each other.
    locked = list(Listing.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    approved, skipped = [], []
    for listing in locked:
        if listing.state == State.SUBMITTED:
            approved.append(_approve(listing, actor))
        else:
            skipped.append(listing)
    return BulkApproveResult(approved=approved, skipped=skipped)


@transaction.atomic
def listing_delist(*, actor, listing: Listing, reason: str = "") -> Listing:
    """approved -> delisted: taken off the storefront by its seller or an operator."""
    locked = _lock(listing)
    _check_owner_or_operator(actor, locked)
    if locked.state != State.APPROVED:
        raise _refuse(MSG_CANNOT_DELIST, locked)
    locked.state = State.DELISTED
    locked.save(update_fields=["state", "updated_at"])
    _log(
        listing=locked,
        action=Action.DELISTED,
        from_state=State.APPROVED,
        actor=actor,
        reason=(reason or "").strip(),
    )
    return locked


@transaction.atomic
def listing_relist(*, actor, listing: Listing) -> Listing:
    """delisted -> approved when nothing reviewers look at changed while it was down;
    otherwise delisted -> submitted, for review again."""
    locked = _lock(listing)
    _check_owner_or_operator(actor, locked)
    if locked.state != State.DELISTED:
        raise _refuse(MSG_CANNOT_RELIST, locked)
    if locked.needs_review:
        locked.state = State.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.needs_review = False
        locked.save(update_fields=["state", "submitted_at", "needs_review", "updated_at"])
    else:
        locked.state = State.APPROVED
        locked.save(update_fields=["state", "updated_at"])
    _log(listing=locked, action=Action.RELISTED, from_state=State.DELISTED, actor=actor)
    return locked
