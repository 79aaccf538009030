"""The moderation life of a listing; run inside the county's schema.

Every step locks the listing row (SELECT ... FOR UPDATE) before reading its state, so two
operators deciding the same listing at once are serialised: the second sees the first's
decision and is refused. Each step is logged as a ModerationDecision.

    draft ──submit──> submitted ──approve──> approved ──delist──> delisted
    rejected ──submit──┘    └──reject──> rejected      <──relist──┘ (or back to submitted
                                                                     if edited meanwhile)
    approved ──edit of anything but price/stock──> submitted (returned_to_review)
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from farmers.models import Listing
from farmers.review import listing_review_warnings_by_id
from farmers.services.common import (
    Action,
    State,
    category_check,
    decision_log,
    listing_lock,
    moderator_check,
    owner_operator_or_helper_check,
    owner_or_operator_check,
    state_refusal,
)
from farmers.services.listings import MSG_PRICE_REQUIRED, MSG_TITLE_REQUIRED

MSG_CANNOT_SUBMIT = _("只有草稿或未通过的商品可以提交审核：“%(title)s”现在是“%(state)s”。")
MSG_CANNOT_APPROVE = _("只有待审核的商品可以审核通过：“%(title)s”现在是“%(state)s”。")
MSG_CANNOT_REJECT = _("只有待审核的商品可以驳回：“%(title)s”现在是“%(state)s”。")
MSG_CANNOT_DELIST = _("只有已上架的商品可以下架：“%(title)s”现在是“%(state)s”。")
MSG_CANNOT_RELIST = _("只有已下架的商品可以重新上架：“%(title)s”现在是“%(state)s”。")
MSG_REASON_REQUIRED = _("驳回时必须填写原因，卖家会看到它。")
MSG_STOCK_REQUIRED = _("提交审核前请填写库存（大于0）。")


@transaction.atomic
def listing_submit(*, actor, listing: Listing) -> Listing:
    """draft or rejected -> submitted. Needs a title, a category in use, a price and stock.
    Photos are not required yet: villagers listing through a clerk often have none at first;
    the storefront shows a category picture instead (revisit with the photo issue)."""
    locked = listing_lock(listing)
    owner_operator_or_helper_check(actor, locked)
    if locked.state not in (State.DRAFT, State.REJECTED):
        raise state_refusal(MSG_CANNOT_SUBMIT, locked)
    if not locked.title.strip():
        raise ApplicationError(MSG_TITLE_REQUIRED, field="title")
    category_check(locked.category)
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
    decision_log(listing=locked, action=Action.SUBMITTED, from_state=from_state, actor=actor)
    return locked


def _approve(locked: Listing, actor) -> Listing:
    locked.state = State.APPROVED
    locked.approved_at = timezone.now()
    locked.rejection_reason = ""
    locked.needs_review = False
    locked.save(
        update_fields=["state", "approved_at", "rejection_reason", "needs_review", "updated_at"]
    )
    decision_log(listing=locked, action=Action.APPROVED, from_state=State.SUBMITTED, actor=actor)
    return locked


@transaction.atomic
def listing_approve(*, actor, listing: Listing) -> Listing:
    """submitted -> approved (live), by a county operator."""
    moderator_check(actor)
    locked = listing_lock(listing)
    if locked.state != State.SUBMITTED:
        raise state_refusal(MSG_CANNOT_APPROVE, locked)
    return _approve(locked, actor)


@transaction.atomic
def listing_reject(*, actor, listing: Listing, reason: str) -> Listing:
    """submitted -> rejected, by a county operator, with a reason the seller sees."""
    moderator_check(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(MSG_REASON_REQUIRED, field="reason")
    locked = listing_lock(listing)
    if locked.state != State.SUBMITTED:
        raise state_refusal(MSG_CANNOT_REJECT, locked)
    locked.state = State.REJECTED
    locked.rejection_reason = reason
    locked.save(update_fields=["state", "rejection_reason", "updated_at"])
    decision_log(
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
    # Submitted listings with review warnings (farmers.review) left waiting, because the
    # operator did not say they had looked at them.
    flagged: list[Listing] = field(default_factory=list)


@transaction.atomic
def listing_bulk_approve(
    *, actor, listings: Iterable[Listing | int], approve_flagged: bool = False
) -> BulkApproveResult:
    """Approve every listing given that is still submitted, each logged on its own. One with
    review warnings (no photo, a namesake, markup, a certification without its number) only
    with `approve_flagged`: the operator said they had looked; else it keeps waiting."""
    moderator_check(actor)
    ids = sorted({item if isinstance(item, int) else item.pk for item in listings})
    # One lock statement, in id order, so two bulk approvals cannot deadlock each other.
    locked = list(Listing.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    warned = set() if approve_flagged else set(listing_review_warnings_by_id(listing_ids=ids))
    approved, skipped, flagged = [], [], []
    for listing in locked:
        if listing.state != State.SUBMITTED:
            skipped.append(listing)
        elif listing.pk in warned:
            flagged.append(listing)
        else:
            approved.append(_approve(listing, actor))
    return BulkApproveResult(approved=approved, skipped=skipped, flagged=flagged)


@transaction.atomic
def listing_delist(*, actor, listing: Listing, reason: str = "") -> Listing:
    """approved -> delisted: taken off the storefront by its seller or an operator."""
    locked = listing_lock(listing)
    owner_or_operator_check(actor, locked)
    if locked.state != State.APPROVED:
        raise state_refusal(MSG_CANNOT_DELIST, locked)
    locked.state = State.DELISTED
    locked.save(update_fields=["state", "updated_at"])
    decision_log(
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
    locked = listing_lock(listing)
    owner_or_operator_check(actor, locked)
    if locked.state != State.DELISTED:
        raise state_refusal(MSG_CANNOT_RELIST, locked)
    if locked.needs_review:
        locked.state = State.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.needs_review = False
        locked.save(update_fields=["state", "submitted_at", "needs_review", "updated_at"])
    else:
        locked.state = State.APPROVED
        locked.save(update_fields=["state", "updated_at"])
    decision_log(listing=locked, action=Action.RELISTED, from_state=State.DELISTED, actor=actor)
    return locked
