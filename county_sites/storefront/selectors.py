"""Reads of the storefront's own pages."""

from wagtail.models import Page


def page_county_figures() -> dict:
    """The province's roll-up of the current county (core.county_apps): pages below the
    root."""
    return {"pages": Page.objects.filter(depth__gt=1).count()}
