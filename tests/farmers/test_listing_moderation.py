"""A listing's moderation life: every transition, and every refusal changing nothing."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.errors import ApplicationError
from farmers.models import Listing, ModerationDecision
from farmers.services import (
    MSG_CANNOT_APPROVE,
    MSG_CANNOT_DELIST,
    MSG_CANNOT_REJECT,
    MSG_CANNOT_RELIST,
    MSG_CANNOT_SUBMIT,
    MSG_NOT_A_MODERATOR,
    MSG_PRICE_REQUIRED,
    MSG_REASON_REQUIRED,
    MSG_STOCK_REQUIRED,
    MSG_TITLE_REQUIRED,
    listing_approve,
    listing_bulk_approve,
    listing_delist,
    listing_reject,
    listing_relist,
    listing_submit,
)
from tests.factories.farmers import ListingFactory
from tests.fixtures.farmers import farmers_snapshot

State = Listing.State
Action = ModerationDecision.Action

STATE_TRAITS = {
    State.DRAFT: {},
    State.SUBMITTED: {"submitted": True},
    State.APPROVED: {"approved": True},
    State.REJECTED: {"rejected": True},
    State.DELISTED: {"delisted": True},
}


def _log_of(listing):
    return list(
        ModerationDecision.objects.filter(listing=listing)
        .order_by("pk")
        .values_list("action", "from_state", "to_state", "reason", "actor__username")
    )


# ------------------------------------------------------------------------------
# submit
# ------------------------------------------------------------------------------
def test_seller_submits_a_draft_for_review(seller, draft_listing):
    submitted = listing_submit(actor=seller.user, listing=draft_listing)

    draft_listing.refresh_from_db()
    assert submitted.state == draft_listing.state == State.SUBMITTED
    assert draft_listing.submitted_at is not None
    assert draft_listing.approved_at is None
    assert _log_of(draft_listing) == [
        (Action.SUBMITTED, State.DRAFT, State.SUBMITTED, "", seller.user.username)
    ]


def test_seller_resubmits_a_rejected_listing_and_the_reason_stays_in_the_log(seller):
    listing = ListingFactory(seller=seller, rejected=True, rejection_reason="照片太暗")

    listing_submit(actor=seller.user, listing=listing)

    listing.refresh_from_db()
    assert (listing.state, listing.rejection_reason) == (State.SUBMITTED, "")
    assert _log_of(listing) == [
        (Action.SUBMITTED, State.REJECTED, State.SUBMITTED, "", seller.user.username)
    ]


@pytest.mark.parametrize("state", [State.SUBMITTED, State.APPROVED, State.DELISTED])
def test_submit_is_refused_from_any_other_state(seller, state):
    listing = ListingFactory(seller=seller, title="土鸡蛋", **STATE_TRAITS[state])
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_submit(actor=seller.user, listing=listing)

    assert str(raised.value) == MSG_CANNOT_SUBMIT % {
        "title": "土鸡蛋",
        "state": listing.get_state_display(),
    }
    assert farmers_snapshot() == before


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({"title": ""}, MSG_TITLE_REQUIRED, "title"),
        ({"title": "   "}, MSG_TITLE_REQUIRED, "title"),
        ({"price_fen": 0}, MSG_PRICE_REQUIRED, "price_fen"),
        ({"stock": 0}, MSG_STOCK_REQUIRED, "stock"),
    ],
)
def test_submit_refuses_an_incomplete_listing_and_changes_nothing(seller, fields, message, field):
    listing = ListingFactory(seller=seller, **fields)
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_submit(actor=seller.user, listing=listing)

    assert (str(raised.value), raised.value.field) == (str(message), field)
    assert farmers_snapshot() == before


# ------------------------------------------------------------------------------
# approve
# ------------------------------------------------------------------------------
def test_operator_approves_a_submitted_listing(operator, submitted_listing):
    approved = listing_approve(actor=operator, listing=submitted_listing)

    submitted_listing.refresh_from_db()
    assert approved.state == submitted_listing.state == State.APPROVED
    assert submitted_listing.is_live
    assert submitted_listing.approved_at is not None
    assert _log_of(submitted_listing) == [
        (Action.APPROVED, State.SUBMITTED, State.APPROVED, "", "operator")
    ]


@pytest.mark.parametrize("state", [State.DRAFT, State.APPROVED, State.REJECTED, State.DELISTED])
def test_approve_is_refused_unless_submitted_and_logs_nothing(operator, seller, state):
    listing = ListingFactory(seller=seller, title="笋干", **STATE_TRAITS[state])
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_approve(actor=operator, listing=listing)

    assert str(raised.value) == MSG_CANNOT_APPROVE % {
        "title": "笋干",
        "state": listing.get_state_display(),
    }
    assert farmers_snapshot() == before


def test_a_second_approval_of_the_same_listing_is_refused_and_logs_once(
    operator, submitted_listing
):
    # Two operators with the same queue open: the first decides, the second's stale copy
    # still says "submitted", but the service reads the locked row and refuses.
    stale_copy = Listing.objects.get(pk=submitted_listing.pk)
    listing_approve(actor=operator, listing=submitted_listing)
    before = farmers_snapshot()

    with pytest.raises(ApplicationError, match="只有待审核的商品可以审核通过"):
        listing_approve(actor=operator, listing=stale_copy)

    assert farmers_snapshot() == before
    assert ModerationDecision.objects.filter(listing=submitted_listing).count() == 1


def test_decisions_lock_the_listing_row_before_reading_its_state(operator, submitted_listing):
    with CaptureQueriesContext(connection) as queries:
        listing_approve(actor=operator, listing=submitted_listing)

    listing_reads = [q["sql"] for q in queries if 'FROM "farmers_listing"' in q["sql"]]
    assert listing_reads[0].endswith("FOR UPDATE")


def test_a_seller_cannot_approve_even_their_own_listing(seller, submitted_listing):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_approve(actor=seller.user, listing=submitted_listing)

    assert str(raised.value) == str(MSG_NOT_A_MODERATOR)
    assert farmers_snapshot() == before


def test_an_inactive_operator_cannot_approve(operator, submitted_listing):
    operator.is_active = False
    operator.save()
    before = farmers_snapshot()

    with pytest.raises(ApplicationError, match=str(MSG_NOT_A_MODERATOR)):
        listing_approve(actor=operator, listing=submitted_listing)

    assert farmers_snapshot() == before


# ------------------------------------------------------------------------------
# reject
# ------------------------------------------------------------------------------
def test_operator_rejects_with_a_reason_the_seller_sees(operator, submitted_listing):
    listing_reject(actor=operator, listing=submitted_listing, reason="  价格单位写错了  ")

    submitted_listing.refresh_from_db()
    assert (submitted_listing.state, submitted_listing.rejection_reason) == (
        State.REJECTED,
        "价格单位写错了",
    )
    assert _log_of(submitted_listing) == [
        (Action.REJECTED, State.SUBMITTED, State.REJECTED, "价格单位写错了", "operator")
    ]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_reject_without_a_reason_is_refused(operator, submitted_listing, reason):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_reject(actor=operator, listing=submitted_listing, reason=reason)

    assert (str(raised.value), raised.value.field) == (str(MSG_REASON_REQUIRED), "reason")
    assert farmers_snapshot() == before


@pytest.mark.parametrize("state", [State.DRAFT, State.APPROVED, State.REJECTED, State.DELISTED])
def test_reject_is_refused_unless_submitted(operator, seller, state):
    listing = ListingFactory(seller=seller, title="笋干", **STATE_TRAITS[state])
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_reject(actor=operator, listing=listing, reason="不合格")

    assert str(raised.value) == MSG_CANNOT_REJECT % {
        "title": "笋干",
        "state": listing.get_state_display(),
    }
    assert farmers_snapshot() == before


def test_a_seller_cannot_reject(seller, submitted_listing):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError, match=str(MSG_NOT_A_MODERATOR)):
        listing_reject(actor=seller.user, listing=submitted_listing, reason="不想卖了")

    assert farmers_snapshot() == before


# ------------------------------------------------------------------------------
# bulk approve
# ------------------------------------------------------------------------------
def test_bulk_approve_approves_each_submitted_listing_and_logs_each(operator, seller):
    first = ListingFactory(seller=seller, submitted=True)
    second = ListingFactory(seller=seller, submitted=True)
    draft = ListingFactory(seller=seller)
    approved_already = ListingFactory(seller=seller, approved=True)

    result = listing_bulk_approve(
        actor=operator,
        listings=[second, first, draft, approved_already, first],
        approve_flagged=True,  # factory listings have no photo
    )

    assert [listing.pk for listing in result.approved] == [first.pk, second.pk]
    assert [listing.pk for listing in result.skipped] == [draft.pk, approved_already.pk]
    assert set(
        Listing.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)
    ) == {State.APPROVED}
    assert Listing.objects.get(pk=draft.pk).state == State.DRAFT
    assert _log_of(first) == [(Action.APPROVED, State.SUBMITTED, State.APPROVED, "", "operator")]
    assert _log_of(second) == [(Action.APPROVED, State.SUBMITTED, State.APPROVED, "", "operator")]
    assert _log_of(draft) == _log_of(approved_already) == []


def test_bulk_approve_by_a_seller_is_refused_and_changes_nothing(seller, submitted_listing):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError, match=str(MSG_NOT_A_MODERATOR)):
        listing_bulk_approve(actor=seller.user, listings=[submitted_listing])

    assert farmers_snapshot() == before


# ------------------------------------------------------------------------------
# delist and relist
# ------------------------------------------------------------------------------
def test_seller_delists_and_relists_an_unchanged_listing_straight_back_to_live(
    seller, approved_listing
):
    listing_delist(actor=seller.user, listing=approved_listing, reason="卖完了")
    delisted_state = Listing.objects.get(pk=approved_listing.pk).state
    relisted = listing_relist(actor=seller.user, listing=approved_listing)

    assert delisted_state == State.DELISTED
    assert relisted.state == State.APPROVED
    assert _log_of(approved_listing) == [
        (Action.DELISTED, State.APPROVED, State.DELISTED, "卖完了", seller.user.username),
        (Action.RELISTED, State.DELISTED, State.APPROVED, "", seller.user.username),
    ]


def test_operator_delists_a_live_listing(operator, approved_listing):
    listing_delist(actor=operator, listing=approved_listing, reason="投诉：货不对板")

    assert _log_of(approved_listing) == [
        (Action.DELISTED, State.APPROVED, State.DELISTED, "投诉：货不对板", "operator")
    ]


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.REJECTED, State.DELISTED])
def test_delist_is_refused_unless_live(seller, state):
    listing = ListingFactory(seller=seller, title="笋干", **STATE_TRAITS[state])
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_delist(actor=seller.user, listing=listing)

    assert str(raised.value) == MSG_CANNOT_DELIST % {
        "title": "笋干",
        "state": listing.get_state_display(),
    }
    assert farmers_snapshot() == before


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.APPROVED, State.REJECTED])
def test_relist_is_refused_unless_delisted(seller, state):
    listing = ListingFactory(seller=seller, title="笋干", **STATE_TRAITS[state])
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_relist(actor=seller.user, listing=listing)

    assert str(raised.value) == MSG_CANNOT_RELIST % {
        "title": "笋干",
        "state": listing.get_state_display(),
    }
    assert farmers_snapshot() == before


# ------------------------------------------------------------------------------
# what PostgreSQL itself refuses
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "change",
    [
        {"stock": -1},
        {"min_order_qty": 0},
        {"state": "sold"},
        {"state": State.REJECTED, "rejection_reason": ""},
    ],
)
def test_database_constraints_refuse_impossible_listings(draft_listing, change):
    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=draft_listing.pk).update(**change)


def test_database_refuses_a_harvest_window_ending_before_it_starts(draft_listing):
    import datetime as dt

    with pytest.raises(IntegrityError), transaction.atomic():
        Listing.objects.filter(pk=draft_listing.pk).update(
            harvest_start=dt.date(2025, 5, 2), harvest_end=dt.date(2025, 5, 1)
        )


def test_moderation_decisions_cannot_be_edited_or_deleted(operator, submitted_listing):
    listing_approve(actor=operator, listing=submitted_listing)
    decision = ModerationDecision.objects.get(listing=submitted_listing)

    decision.reason = "改一下"
    with pytest.raises(ValueError, match="immutable"):
        decision.save()
    with pytest.raises(ValueError, match="immutable"):
        decision.delete()
    assert ModerationDecision.objects.get(pk=decision.pk).reason == ""
