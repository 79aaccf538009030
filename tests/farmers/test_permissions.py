"""Who may touch which listing: sellers only their own, operators only in their own county."""

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from core.errors import ApplicationError
from farmers.models import Listing, ModerationDecision
from farmers.services import (
    MSG_LISTING_NOT_FOUND,
    MSG_NOT_A_MODERATOR,
    MSG_NOT_FOR_THIS_SELLER,
    MSG_NOT_YOUR_LISTING,
    listing_approve,
    listing_bulk_approve,
    listing_certification_add,
    listing_create,
    listing_delist,
    listing_reject,
    listing_relist,
    listing_stock_set,
    listing_submit,
    listing_update,
    traceability_batch_create,
)
from hub.taxonomy import Certification, Unit
from tests.factories.farmers import ListingFactory, SellerUserFactory, category
from tests.fixtures.farmers import farmers_snapshot

SELLER_ACTIONS = {
    "update": lambda actor, listing: listing_update(actor=actor, listing=listing, title="我的"),
    "stock_set": lambda actor, listing: listing_stock_set(actor=actor, listing=listing, stock=1),
    "submit": lambda actor, listing: listing_submit(actor=actor, listing=listing),
    "delist": lambda actor, listing: listing_delist(actor=actor, listing=listing),
    "relist": lambda actor, listing: listing_relist(actor=actor, listing=listing),
    "certify": lambda actor, listing: listing_certification_add(
        actor=actor, listing=listing, kind=Certification.ORGANIC, certificate_number="X1"
    ),
    "batch": lambda actor, listing: traceability_batch_create(
        actor=actor, listing=listing, batch_code="B-1", harvest_date=dt.date(2025, 4, 1)
    ),
}
# A state in which the action would be allowed for the listing's own seller.
STATE_FOR = {"submit": {}, "relist": {"delisted": True}}


@pytest.mark.parametrize("action", SELLER_ACTIONS)
def test_a_seller_cannot_touch_another_sellers_listing(seller, other_seller, action):
    traits = STATE_FOR.get(action, {"approved": True})
    listing = ListingFactory(seller=other_seller, **traits)
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        SELLER_ACTIONS[action](seller.user, listing)

    assert str(raised.value) == str(MSG_NOT_YOUR_LISTING)
    assert farmers_snapshot() == before


@pytest.mark.parametrize("action", SELLER_ACTIONS)
def test_the_listings_own_seller_may_do_each_of_those(other_seller, action):
    listing = ListingFactory(seller=other_seller, **STATE_FOR.get(action, {"approved": True}))

    SELLER_ACTIONS[action](other_seller.user, listing)


def test_a_user_who_is_no_seller_cannot_act_on_listings(in_county, approved_listing):
    stranger = SellerUserFactory(username="villager")
    before = farmers_snapshot()

    with pytest.raises(ApplicationError, match=str(MSG_NOT_YOUR_LISTING)):
        listing_update(actor=stranger, listing=approved_listing, price_fen=1)

    assert farmers_snapshot() == before


def test_a_seller_cannot_create_listings_for_another_seller(seller, other_seller):
    before = farmers_snapshot()

    with pytest.raises(ApplicationError) as raised:
        listing_create(
            actor=seller.user, seller=other_seller, title="白菜", category=category(), unit=Unit.JIN
        )

    assert str(raised.value) == str(MSG_NOT_FOR_THIS_SELLER)
    assert farmers_snapshot() == before


def test_an_operator_may_edit_a_listing_for_its_seller(operator, approved_listing):
    listing_update(actor=operator, listing=approved_listing, title="代农户修改")

    decision = ModerationDecision.objects.get(listing=approved_listing)
    assert (decision.action, decision.actor) == (
        ModerationDecision.Action.RETURNED_TO_REVIEW,
        operator,
    )


def test_an_operator_without_the_moderate_permission_cannot_approve(operator, submitted_listing):
    group = operator.groups.get()
    group.permissions.remove(group.permissions.get(codename="moderate_listing"))
    operator = type(operator).objects.get(pk=operator.pk)  # drop the permission cache
    before = farmers_snapshot()

    with pytest.raises(ApplicationError, match=str(MSG_NOT_A_MODERATOR)):
        listing_approve(actor=operator, listing=submitted_listing)

    assert farmers_snapshot() == before


@pytest.mark.parametrize("decide", ["approve", "reject", "bulk"])
def test_county_a_cannot_find_county_b_listings(operator, other_county, decide):
    with tenant_context(other_county):
        foreign = ListingFactory(title="淳安千岛湖鱼", submitted=True)
        foreign_before = farmers_snapshot()
    before = farmers_snapshot()

    assert not Listing.objects.filter(title="淳安千岛湖鱼").exists()
    if decide == "bulk":
        result = listing_bulk_approve(actor=operator, listings=[foreign.pk])
        assert (result.approved, result.skipped) == ([], [])
    else:
        with pytest.raises(ApplicationError) as raised:
            if decide == "approve":
                listing_approve(actor=operator, listing=foreign)
            else:
                listing_reject(actor=operator, listing=foreign, reason="不合格")
        assert str(raised.value) == str(MSG_LISTING_NOT_FOUND)

    assert farmers_snapshot() == before
    with tenant_context(other_county):
        assert farmers_snapshot() == foreign_before
        assert Listing.objects.get(pk=foreign.pk).state == Listing.State.SUBMITTED


def test_county_a_cannot_edit_a_county_b_listing(operator, other_county):
    """listing_update reads the row through core.updates.model_update; a listing of another
    county is refused as not found, as the moderation steps refuse it."""
    with tenant_context(other_county):
        foreign = ListingFactory(title="淳安千岛湖鱼", approved=True)
        foreign_before = farmers_snapshot()
    before = farmers_snapshot()
    assert not Listing.objects.filter(pk=foreign.pk).exists()

    with pytest.raises(ApplicationError) as raised:
        listing_update(actor=operator, listing=foreign, title="改了")

    assert str(raised.value) == str(MSG_LISTING_NOT_FOUND)
    assert farmers_snapshot() == before
    with tenant_context(other_county):
        assert farmers_snapshot() == foreign_before
