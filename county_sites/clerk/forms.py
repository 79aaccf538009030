"""Forms of the clerk's console; they only parse input, saving goes through the services,
whose refusals are shown on the same form."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from farmers.forms.seller import MAX_PRICE_YUAN, MSG_NUMBER_FORMAT, MSG_PRICE_FORMAT
from farmers.services import MSG_PRICE_REQUIRED, MSG_STOCK_REQUIRED
from hub.models import Category
from hub.vocabulary import active_unit_choices


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class AssistedListingForm(forms.Form):
    """What the clerk types for a farmer's produce at the counter: the price in yuan (kept in
    fen) and the weighed quantity as stock. The photos come as files named `photos`."""

    seller_name = forms.CharField(label=_("农户姓名"), max_length=64, required=False)
    title = forms.CharField(label=_("商品名称"), max_length=80)
    category = CategoryChoiceField(
        label=_("类目"), queryset=Category.objects.none(), empty_label=_("请选择")
    )
    unit = forms.ChoiceField(label=_("单位"), choices=active_unit_choices)
    price_yuan = forms.DecimalField(
        label=_("单价（元）"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_PRICE_YUAN,
        error_messages={
            "min_value": MSG_PRICE_REQUIRED,
            "invalid": MSG_PRICE_FORMAT,
            "max_decimal_places": MSG_PRICE_FORMAT,
            "max_digits": MSG_PRICE_FORMAT,
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    stock = forms.IntegerField(
        label=_("称重数量（库存）"),
        min_value=1,
        error_messages={"min_value": MSG_STOCK_REQUIRED, "invalid": MSG_NUMBER_FORMAT},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*"}),
    )
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).select_related(
            "parent"
        )

    def listing_fields(self) -> dict:
        """The cleaned data as service_points.services.assisted_listing_create takes it."""
        data = dict(self.cleaned_data)
        data["price_fen"] = int(data.pop("price_yuan") * 100)
        return data
