"""Template filters of the clerk's console."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from county_sites.orders.selectors import mobile_masked

register = template.Library()


@register.filter
def masked(mobile: str) -> str:
    """137****7555: enough for the villager to recognise their number on a shared tablet."""
    return mobile_masked(mobile or "")


@register.simple_tag
def arrival_choices(line, choices) -> str:
    """The three big choices of one line on the receiving form (received / short / damaged),
    the line's `chosen` one checked. Built in one pass: a 40-parcel delivery has 120 lines,
    and the same markup in template loops made the page 34 ms of a 40 ms render
    (bench/clerk.py, profiled)."""
    name = f"line-{line.pk}"
    return mark_safe(  # noqa: S308  (every value below is escaped)
        "".join(
            f'<label class="c-choice c-choice-{escape(value)}"><input type="radio" '
            f'name="{name}" value="{escape(value)}"'
            f"{' checked' if line.chosen == value else ''}>"
            f'<b aria-hidden="true">{escape(mark)}</b> {escape(label)}</label>'
            for value, mark, label in choices
        )
    )
