"""Template filters of the clerk's console."""

from django import template

register = template.Library()


@register.filter
def masked(mobile: str) -> str:
    """137****7555: enough for the villager to recognise their number on a shared tablet."""
    mobile = mobile or ""
    return f"{mobile[:3]}****{mobile[7:]}" if len(mobile) == 11 else mobile
