"""Reads of village service points, their clerks and the county's service-point settings."""

from decimal import Decimal

from django.db.models import QuerySet
from wagtail.models import Site

from service_points.models import Clerk, PointVillager, ServicePoint, ServicePointSettings


def service_point_list_open() -> QuerySet[ServicePoint]:
    """The county's open service points, by village: pickup choices at checkout and in the
    API, and the home page's service-point finder."""
    return ServicePoint.objects.filter(is_active=True).order_by("village", "name")


def clerk_point_for_user(*, user) -> ServicePoint | None:
    """The point whose console `user` may use: only as an active clerk of an open point; None
    for anyone else (anonymous, not a clerk, deactivated, point closed)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    clerk = (
        Clerk.objects.select_related("point")
        .filter(user_id=user.pk, is_active=True, point__is_active=True)
        .first()
    )
    return clerk.point if clerk is not None else None


def clerk_list_for_point(*, point: ServicePoint) -> QuerySet[Clerk]:
    """A point's clerks, the active ones first, with their users."""
    return (
        Clerk.objects.filter(point=point)
        .select_related("user")
        .order_by("-is_active", "name", "pk")
    )


def service_point_settings_get() -> ServicePointSettings:
    """The county's service-point settings: the saved row of its Wagtail site, or (unsaved)
    the defaults when an operator has never saved them. Reads only; never creates the row."""
    site = Site.objects.filter(is_default_site=True).first()
    saved = ServicePointSettings.objects.filter(site=site).first() if site else None
    return saved or ServicePointSettings(site=site)


def point_commission_rate(*, point: ServicePoint) -> Decimal:
    """The commission rate of `point`: its own when set, else the county's default."""
    if point.commission_rate is not None:
        return point.commission_rate
    return service_point_settings_get().commission_rate_default


def point_villager_get(*, point: ServicePoint, user_id: int) -> PointVillager | None:
    """The link of user `user_id` to `point`, with the user; None when the point does not
    serve that user (the console then treats them as unknown)."""
    return (
        PointVillager.objects.select_related("user")
        .filter(point=point, user_id=user_id, user__is_active=True)
        .first()
    )


def point_villager_find(*, point: ServicePoint, mobile: str) -> PointVillager | None:
    """The villager `point` serves with this (already normalised) mobile number, or None."""
    if not mobile:
        return None
    return (
        PointVillager.objects.select_related("user")
        .filter(point=point, user__mobile=mobile, user__is_active=True)
        .first()
    )
