"""What the listing services share: the row lock, who may act, the moderation log and the rule
that an edit of what reviewers look at sends an approved listing back to review."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from farmers.models import Listing, ModerationDecision
from farmers.permissions import can_act_for_seller, can_help_at_counter, can_moderate
from farmers.services.province import listing_province_sync_queue

State = Listing.State
Action = ModerationDecision.Action

MSG_NOT_YOUR_LISTING = _("您只能管理自己的商品。")
MSG_NOT_FOR_THIS_SELLER = _("您不能代表这个卖家操作。")
MSG_NOT_A_MODERATOR = _("只有县级运营人员可以审核商品。")
MSG_LISTING_NOT_FOUND = _("找不到这个商品。")
MSG_CATEGORY_INACTIVE = _("类目“%(name)s”已停用，请选择其他类目。")
MSG_CHANGED_FIELDS = _("修改了：%(fields)s")


def decision_log(*, listing: Listing, action: str, from_state: str, actor, reason: str = ""):
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
    # Every change of state is logged here: the one place the province catalogue hears of
    # approvals, delistings and returns to review.
    listing_province_sync_queue(listing_ids=[listing.pk])
    return decision


def listing_lock(listing: Listing | int) -> Listing:
    """The listing's row, locked until the end of the transaction, read fresh."""
    pk = listing if isinstance(listing, int) else listing.pk
    locked = Listing.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        raise ApplicationError(MSG_LISTING_NOT_FOUND)
    return locked


def owner_or_operator_check(actor, listing: Listing) -> None:
    if not can_act_for_seller(actor, listing.seller):
        raise ApplicationError(MSG_NOT_YOUR_LISTING)


def owner_operator_or_helper_check(actor, listing: Listing) -> None:
    """The seller, an operator, or someone helping the seller at a counter while they enter
    this listing (farmers.permissions.can_help_at_counter)."""
    if can_act_for_seller(actor, listing.seller):
        return
    if not can_help_at_counter(actor, seller_user_id=listing.seller.user_id, listing=listing):
        raise ApplicationError(MSG_NOT_YOUR_LISTING)


def moderator_check(actor) -> None:
    if not can_moderate(actor):
        raise ApplicationError(MSG_NOT_A_MODERATOR)


def state_refusal(message, listing: Listing) -> ApplicationError:
    return ApplicationError(
        message % {"title": listing.title, "state": listing.get_state_display()}, field="state"
    )


def category_check(category) -> None:
    if not category.is_active:
        raise ApplicationError(MSG_CATEGORY_INACTIVE % {"name": category.name}, field="category")


def content_changed(*, listing: Listing, actor, what: str) -> None:
    """Something reviewers look at changed: an approved listing goes back to review (logged);
    a delisted one will be reviewed again when relisted."""
    if listing.state == State.APPROVED:
        listing.state = State.SUBMITTED
        listing.submitted_at = timezone.now()
        listing.save(update_fields=["state", "submitted_at", "updated_at"])
        decision_log(
            listing=listing,
            action=Action.RETURNED_TO_REVIEW,
            from_state=State.APPROVED,
            actor=actor,
            reason=MSG_CHANGED_FIELDS % {"fields": what},
        )
    elif listing.state == State.DELISTED and not listing.needs_review:
        listing.needs_review = True
        listing.save(update_fields=["needs_review", "updated_at"])


def field_labels(names: Iterable[str]) -> str:
    return "、".join(str(Listing._meta.get_field(name).verbose_name) for name in names)
