"""Reads of the storefront's own pages."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, Value
from wagtail.models import Page

from core.roles import COUNTY_OPERATORS_GROUP
from farmers.models import Seller
from service_points.models import Clerk


def page_county_figures() -> dict:
    """The province's roll-up of the current county (core.county_apps): pages below the
    root."""
    return {"pages": Page.objects.filter(depth__gt=1).count()}


@dataclass(frozen=True)
class VisitorRoles:
    """Which areas the header links for a signed-in visitor (county_sites/_site_header.html)."""

    seller: bool = False
    clerk: bool = False
    operator: bool = False


NO_ROLES = VisitorRoles()


def visitor_roles(*, user) -> VisitorRoles:
    """A signed-in visitor's seller area, clerk console and admin, in one statement: the
    header runs this on every page they see. The same rules as the pages themselves
    (farmers.selectors.seller_get_for_user, service_points.selectors.clerk_point_for_user,
    core.roles.is_county_operator); the pages still check on their own."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ROLES
    if user.is_superuser:
        operator = Value(True)
    else:
        operator = Exists(Group.objects.filter(name=COUNTY_OPERATORS_GROUP, user=OuterRef("pk")))
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            is_seller=Exists(Seller.objects.filter(user_id=OuterRef("pk"))),
            is_clerk=Exists(
                Clerk.objects.filter(user_id=OuterRef("pk"), is_active=True, point__is_active=True)
            ),
            is_operator=operator,
        )
        .values_list("is_seller", "is_clerk", "is_operator")
        .first()
    )
    if row is None:
        return NO_ROLES
    return VisitorRoles(seller=row[0], clerk=row[1], operator=row[2])
