"""Reads of village service points, their clerks and the county's service-point settings."""

import re
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet
from wagtail.models import Site

from accounts.services import MOBILE_FULLWIDTH
from core.county_apps import MonthFigures
from hub.models import County
from hub.selectors.policy import point_share_bp_for
from service_points.models import (
    AssistedListing,
    Clerk,
    PointVillager,
    ServicePoint,
    ServicePointSettings,
)

# How many villagers the console's search shows at once: a village point serves hundreds, a
# clerk looks for one.
VILLAGER_SEARCH_LIMIT = 30
BASIS_POINTS = Decimal(10_000)
# Digits only, ASCII: part of a mobile number ("7555", the last four a villager says).
MOBILE_PART = re.compile(r"[0-9]{3,11}")


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
    """The commission rate of `point`: its own when set, else the county's default when the
    county set one, else the province's share for this county (hub's commission policy)."""
    if point.commission_rate is not None:
        return point.commission_rate
    county_rate = service_point_settings_get().commission_rate_default
    if county_rate is not None:
        return county_rate
    tenant = getattr(connection, "tenant", None)
    county = tenant if isinstance(tenant, County) else None
    return Decimal(point_share_bp_for(county=county)) / BASIS_POINTS


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


def point_villager_search(*, point: ServicePoint, query: str = "") -> list[PointVillager]:
    """The villagers `point` serves matching `query`: part of the mobile (ASCII digits, at
    least 3) or of the name; the most recently registered when the query is empty. At most
    VILLAGER_SEARCH_LIMIT, in one query."""
    links = PointVillager.objects.select_related("user").filter(point=point, user__is_active=True)
    # Full-width digits as a Chinese keyboard types them are the same digits (as at login).
    query = "".join((query or "").translate(MOBILE_FULLWIDTH).split())
    if MOBILE_PART.fullmatch(query):
        links = links.filter(user__mobile__contains=query)
    elif query:
        links = links.filter(user__first_name__icontains=query)
    return list(links.order_by("-created_at", "-pk")[:VILLAGER_SEARCH_LIMIT])


def assisted_listings_for_villager(*, point: ServicePoint, user_id: int) -> list[AssistedListing]:
    """The listings `point`'s clerks entered for villager `user_id`, newest first."""
    return list(
        AssistedListing.objects.select_related("listing")
        .filter(point=point, listing__seller__user_id=user_id)
        .order_by("-created_at", "-pk")
    )


def assisted_entries_by_listing(*, listing_ids) -> dict[int, AssistedListing]:
    """Who entered which of `listing_ids` at a counter, by listing id (one query): the review
    queue and a listing's admin page show "由 <店员> 在 <服务点> 代录入"."""
    entries = AssistedListing.objects.select_related("point", "clerk_user").filter(
        listing_id__in=list(listing_ids)
    )
    return {entry.listing_id: entry for entry in entries}


def clerk_names_by_user(*, user_ids) -> dict[int, str]:
    """The clerk's name of each of `user_ids` who is or was a clerk (one query): who recorded a
    consent, on the villager's page."""
    rows = Clerk.objects.filter(user_id__in=list(user_ids)).exclude(name="")
    return dict(rows.values_list("user_id", "name"))


def point_month_figures(start, end) -> MonthFigures:
    """The province's monthly roll-up (hub.rollups): points opened before the month's end
    (open or closed now: closing a point later must not change a past month), the distinct
    villages they are in, and every such point's name and village for the per-point rows."""
    points = list(
        ServicePoint.objects.filter(created_at__lt=end)
        .order_by("pk")
        .values_list("pk", "name", "village")
    )
    return MonthFigures(
        county={
            "points_total": len(points),
            "villages_with_point": len({village for _pk, _n, village in points}),
        },
        point_names={pk: (name, village) for pk, name, village in points},
    )
