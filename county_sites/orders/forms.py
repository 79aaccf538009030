"""Forms of the orders app's admin screens (county_sites/orders/wagtail_hooks.py)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm

from core.money import fen_parse, yuan
from county_sites.orders.models import DeliveryZone

MSG_YUAN_INVALID = _("请输入金额（元），例如 8 或 8.50。")


class YuanField(forms.CharField):
    """An amount typed in yuan ("8", "8.50", "¥8", fullwidth digits) and cleaned to integer
    fen; shown in yuan when the form opens (the stored value is fen)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return yuan(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return fen_parse(text)
        except ValueError:
            raise ValidationError(MSG_YUAN_INVALID, code="invalid") from None


class DeliveryZoneForm(WagtailAdminModelForm):
    """The zone's fee typed in yuan, as the list shows it; stored in fen (fee_fen)."""

    fee_fen = YuanField(label=_("配送费（元）"), initial=0)

    class Meta:
        model = DeliveryZone
        fields = ["name", "description", "fee_fen", "is_active", "sort_order"]
