"""Factories for service points; use inside a county schema (`in_county`)."""

import factory

from service_points.models import ServicePoint


class ServicePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePoint

    name = factory.Sequence(lambda n: f"服务点{n}")
    village = "递铺村"
    address = factory.Sequence(lambda n: f"递铺街道{n}号")
    opening_hours = "每天 8:00-20:00"
    phone = "0572-5551234"
