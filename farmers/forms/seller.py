"""Forms of the seller's own pages on a phone (/seller/); they only parse input, and saving
goes through farmers.services, whose refusals are shown on the same form."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from farmers.models import Listing, ListingCertification, TraceabilityBatch
from farmers.services import MSG_PRICE_REQUIRED, MSG_STOCK_NEGATIVE
from hub.models import Category
from hub.vocabulary import active_certification_choices, active_unit_choices

MAX_PRICE_YUAN = Decimal("999999.99")
MSG_PRICE_FORMAT = _("请填写单价（元），最多两位小数，例如 3.50。")
MSG_NUMBER_FORMAT = _("请填写整数。")


class DateInput(forms.DateInput):
    """The phone's own date picker."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def _number(field: forms.Field) -> forms.Field:
    """A number keypad on a phone."""
    field.widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9]*"})
    return field


class ListingForm(forms.Form):
    """Add or edit a listing. The price is typed in yuan (what a seller thinks in) and kept in
    fen; unlike the services, which accept an unpriced draft from a clerk, the seller's form
    always asks for a price."""

    title = forms.CharField(label=_("标题"), max_length=80)
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
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    stock = _number(
        forms.IntegerField(
            label=_("库存"),
            min_value=0,
            error_messages={"min_value": MSG_STOCK_NEGATIVE, "invalid": MSG_NUMBER_FORMAT},
        )
    )
    min_order_qty = _number(
        forms.IntegerField(
            label=_("起订量"),
            min_value=1,
            initial=1,
            error_messages={"invalid": MSG_NUMBER_FORMAT},
        )
    )
    harvest_start = forms.DateField(label=_("采收开始"), required=False, widget=DateInput())
    harvest_end = forms.DateField(label=_("采收结束"), required=False, widget=DateInput())
    origin_village = forms.CharField(
        label=_("产地村"),
        max_length=64,
        required=False,
        help_text=_("不填则用您登记的村。"),
    )
    description = forms.CharField(
        label=_("描述"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).select_related(
            "parent"
        )

    @classmethod
    def initial_for(cls, listing: Listing) -> dict:
        return {
            "title": listing.title,
            "category": listing.category_id,
            "unit": listing.unit,
            "price_yuan": listing.price_yuan if listing.price_fen else None,
            "stock": listing.stock,
            "min_order_qty": listing.min_order_qty,
            "harvest_start": listing.harvest_start,
            "harvest_end": listing.harvest_end,
            "origin_village": listing.origin_village,
            "description": listing.description,
        }

    def listing_fields(self) -> dict:
        """The cleaned data as farmers.services takes it (price in fen)."""
        data = dict(self.cleaned_data)
        data["price_fen"] = int(data.pop("price_yuan") * 100)
        return data


class StockForm(forms.Form):
    """The two-tap stock update on the seller's list: tap the number, tap 保存. Negative
    numbers are refused by listing_stock_set, with its message."""

    stock = _number(
        forms.IntegerField(label=_("库存"), error_messages={"invalid": MSG_NUMBER_FORMAT})
    )


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("认证类型"), choices=active_certification_choices)
    certificate_number = forms.CharField(
        label=ListingCertification._meta.get_field("certificate_number").verbose_name,
        max_length=64,
        required=False,
    )
    issuer = forms.CharField(label=_("发证机构"), max_length=128, required=False)
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DateInput())


class BatchForm(forms.Form):
    batch_code = forms.CharField(
        label=_("批次号"),
        max_length=32,
        help_text=TraceabilityBatch._meta.get_field("batch_code").help_text,
    )
    harvest_date = forms.DateField(label=_("采收日期"), widget=DateInput())
    plot = forms.CharField(label=_("地块"), max_length=128, required=False)
    inputs_note = forms.CharField(
        label=_("投入品说明"),
        required=False,
        help_text=_("施肥、用药等情况。"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
