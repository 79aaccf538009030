"""Reads for the province."""

from django.db.models import QuerySet

from hub.models import County


def county_list_active() -> QuerySet[County]:
    """Counties open to the public, with their primary domain, for the province portal."""
    return County.objects.active().prefetch_related("domains").order_by("code")


def county_primary_domain(county: County) -> str | None:
    for domain in county.domains.all():
        if domain.is_primary:
            return domain.domain
    return None
