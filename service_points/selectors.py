"""Reads of village service points."""

from django.db.models import QuerySet

from service_points.models import ServicePoint


def service_point_list_open() -> QuerySet[ServicePoint]:
    """The county's open service points, by village: pickup choices at checkout and in the
    API, and the home page's service-point finder."""
    return ServicePoint.objects.filter(is_active=True).order_by("village", "name")
