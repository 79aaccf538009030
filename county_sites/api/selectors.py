"""Reads the API needs beyond the storefront's selectors; run inside the county's schema."""

from django.db.models import Prefetch, prefetch_related_objects

from county_sites.api.models import ApiToken
from county_sites.api.services import api_token_hash
from county_sites.catalogue.selectors import category_list_top
from county_sites.orders.models import Order
from county_sites.payments.models import Payment
from hub.models import Category


def api_token_get_live(*, raw: str) -> ApiToken | None:
    """The unrevoked token whose hash matches `raw`, with its active user; else None."""
    if not raw:
        return None
    return (
        ApiToken.objects.filter(
            key_hash=api_token_hash(raw), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )


def category_tree() -> list[Category]:
    """Top-level active categories (catalogue's own selector), each with `active_children`."""
    categories = category_list_top()
    prefetch_related_objects(
        categories,
        Prefetch(
            "children",
            queryset=Category.objects.filter(is_active=True).order_by("sort_order", "pk"),
            to_attr="active_children",
        ),
    )
    return categories


def payment_for_order(*, order: Order) -> Payment | None:
    """The online payment row of an order, if it was ever sent to the bank."""
    return Payment.objects.filter(order=order).first()
