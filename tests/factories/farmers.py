"""Factories for sellers and listings; use inside a county schema (`in_county`).

They write rows directly, for arranging a test; the behaviour under test goes through
farmers.services.
"""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from farmers.models import (
    Listing,
    ListingCertification,
    ModerationDecision,
    Seller,
    TraceabilityBatch,
)
from hub.models import Category
from hub.taxonomy import Certification, Unit


class SellerUserFactory(factory.django.DjangoModelFactory):
    """The login account of a seller (phone login; a password only so tests can log in)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"seller-{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.django.Password("seller-pass-123")


class SellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seller

    kind = Seller.Kind.FARMER
    name = factory.Sequence(lambda n: f"农户{n}")
    user = factory.SubFactory(SellerUserFactory)
    mobile = factory.LazyAttribute(lambda seller: seller.user.mobile if seller.user else "")
    mobile_verified_at = factory.LazyFunction(timezone.now)
    village = "大溪村"
    consented_at = factory.LazyFunction(timezone.now)
    consent_method = Seller.ConsentMethod.SELF_ON_PHONE


def category(slug: str = "vegetables") -> Category:
    """A seeded province category (hub migration 0003)."""
    return Category.objects.get(slug=slug)


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    class Params:
        submitted = factory.Trait(
            state=Listing.State.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        approved = factory.Trait(
            state=Listing.State.APPROVED,
            submitted_at=factory.LazyFunction(timezone.now),
            approved_at=factory.LazyFunction(timezone.now),
        )
        rejected = factory.Trait(
            state=Listing.State.REJECTED,
            submitted_at=factory.LazyFunction(timezone.now),
            rejection_reason="照片太暗",
        )
        delisted = factory.Trait(
            state=Listing.State.DELISTED,
            submitted_at=factory.LazyFunction(timezone.now),
            approved_at=factory.LazyFunction(timezone.now),
        )

    seller = factory.SubFactory(SellerFactory)
    title = factory.Sequence(lambda n: f"高山白菜{n}")
    description = "山上种的白菜，没打农药。"
    category = factory.LazyFunction(category)
    unit = Unit.JIN
    price_fen = 350
    stock = 100
    min_order_qty = 1
    origin_village = "大溪村"
    state = Listing.State.DRAFT


class ListingCertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListingCertification

    listing = factory.SubFactory(ListingFactory)
    kind = Certification.GREEN_FOOD
    certificate_number = factory.Sequence(lambda n: f"LB-18-{n:010d}")
    issuer = "中国绿色食品发展中心"
    valid_until = dt.date(2027, 12, 31)


class TraceabilityBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraceabilityBatch

    listing = factory.SubFactory(ListingFactory, approved=True)
    batch_code = factory.Sequence(lambda n: f"AJ-2025-{n:04d}")
    harvest_date = dt.date(2025, 4, 2)
    plot = "大溪村3号茶园"
    inputs_note = "有机肥两次，未使用化学农药。"


class ModerationDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ModerationDecision

    listing = factory.SubFactory(ListingFactory, submitted=True)
    action = ModerationDecision.Action.SUBMITTED
    from_state = Listing.State.DRAFT
    to_state = Listing.State.SUBMITTED
