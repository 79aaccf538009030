"""Values as an operator reads them on the county Wagtail admin's inspect pages (issue 14,
point 2): amounts in yuan with the sign (stored fen), times in the county's time zone,
yes/no instead of True/False, a dash instead of None.

Wagtail's InspectView prints a field's raw value: `None`, `True`, an integer of fen under a
label that says 分, a datetime as Python writes it. `ReadableInspectMixin` goes in front of an
InspectView; `money_labels` names each fen field's label in yuan (the model's verbose name
says 分, which is right for the model and wrong for the yuan shown)."""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.admin.ui.components import Component

from core.money import yuan_sign

FEN_SUFFIX = "_fen"
NOTHING = "-"


def readable(value, *, money: bool = False):
    """One value as people read it; Wagtail's components and strings pass through."""
    if isinstance(value, Component):
        return value
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if money and isinstance(value, int):
        return yuan_sign(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return date_format(value, "Y-m-d H:i")
    if isinstance(value, dt.date):
        return date_format(value, "Y-m-d")
    return value


class ReadableInspectMixin:
    """For a Wagtail InspectView: every value through `readable`; `*_fen` fields in yuan."""

    money_labels: dict = {}

    def get_field_label(self, field_name, field):
        if field_name in self.money_labels:
            return str(self.money_labels[field_name])
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return readable(value, money=field_name.endswith(FEN_SUFFIX))
