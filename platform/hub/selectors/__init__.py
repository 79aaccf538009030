"""Reads for the province; the commission policy in `policy`, the province catalogue in
`catalogue`."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django_tenants.utils import tenant_context

from core.roles import COUNTY_OPERATORS_GROUP
from hub.models import County


def county_list_active() -> QuerySet[County]:
    """Counties open to the public, with their primary domain, for the province portal."""
    return County.objects.active().prefetch_related("domains").order_by("code")


def county_primary_domain(county: County) -> str | None:
    for domain in county.domains.all():
        if domain.is_primary:
            return domain.domain
    return None


def county_public_url(*, county: County, path: str) -> str:
    """The absolute URL of `path` on the county's configured primary domain, with the
    configured public scheme and port (FENGSHOU_PUBLIC_SCHEME, FENGSHOU_PUBLIC_PORT): what the
    bank is given to call back, never the Host header a request happened to carry (issue 12:
    a client could make the bank notify any port)."""
    domain = county.domains.get(is_primary=True).domain
    port = settings.FENGSHOU_PUBLIC_PORT
    return f"{settings.FENGSHOU_PUBLIC_SCHEME}://{domain}{f':{port}' if port else ''}{path}"


def county_operators(county: County) -> list[dict]:
    """The county's operators, read inside its schema (where its users live), by username."""
    with tenant_context(county):
        return list(
            get_user_model()
            .objects.filter(groups__name=COUNTY_OPERATORS_GROUP)
            .order_by("username")
            .values("pk", "username", "mobile", "first_name", "is_active", "last_login")
        )
