"""Factories for residents, delivery zones and service points used by orders tests; use inside
a county schema (`in_county`). Orders themselves are made through order_place."""

import factory
from django.contrib.auth import get_user_model

from county_sites.orders.models import DeliveryZone


class ResidentFactory(factory.django.DjangoModelFactory):
    """A resident who signs in by SMS (a password only so tests can log in)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"resident-{n}")
    mobile = factory.Sequence(lambda n: f"137{n:08d}")
    password = factory.django.Password("resident-pass-123")


class DeliveryZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeliveryZone

    name = factory.Sequence(lambda n: f"递铺街道{n}区")
    fee_fen = 800
    is_active = True
