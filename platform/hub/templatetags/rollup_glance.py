"""The province admin home's cards (hub/templates/admin/index.html): the key figures of this
month against last month, from the roll-up. Only in the public schema and only for staff who
may see the dashboard: a county schema's Django admin would otherwise show the province."""

from django import template
from django.db import connection
from django_tenants.utils import get_public_schema_name

from hub.rollups import figure_delta_text, figure_text
from hub.selectors.rollups import rollup_glance

register = template.Library()


@register.simple_tag(takes_context=True)
def rollup_glance_cards(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if connection.schema_name != get_public_schema_name() or user is None:
        return None
    if not user.has_perm("hub.view_rolluprun"):
        return None
    glance = rollup_glance()
    glance["cards"] = [
        {
            "label": card.figure.label,
            "definition": card.figure.definition,
            "now": figure_text(card.figure, card.now),
            "before": figure_text(card.figure, card.before),
            "delta": figure_delta_text(card.figure, card.now, card.before),
        }
        for card in glance["cards"]
    ]
    return glance
