"""Forms of the county Wagtail admin for sellers; saving goes through farmers.services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.services import mobile_normalize
from core.errors import ApplicationError
from farmers.models import Seller

# Room for what people type around 11 digits: "+86 137-0013-7555", "１３７ ００１３ ７５５５".
MOBILE_TYPED_MAX = 32


class SellerCreateForm(WagtailAdminModelForm):
    """An operator registering a seller on their behalf: how the seller consented is required,
    and the bank account number is taken in full but only its last 4 digits are kept."""

    consent_method = forms.ChoiceField(
        label=_("同意方式"),
        choices=[
            (value, label)
            for value, label in Seller.ConsentMethod.choices
            if value != Seller.ConsentMethod.SELF_ON_PHONE
        ],
        help_text=_("卖家本人在服务点当面同意，或签署了纸质表格（请存档）。"),
    )
    # Not the model's 11-character field: its maxlength cut "137 0013 7555" to "137 0013 75"
    # in the browser, which was then refused. Typed as people write it, normalised here.
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=MOBILE_TYPED_MAX,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("可以带空格、横线或 +86。"),
    )
    bank_account_number = forms.CharField(
        label=_("银行卡号"),
        required=False,
        max_length=30,
        help_text=_("只保存开户银行和卡号后4位。"),
    )

    class Meta:
        model = Seller
        fields = ["kind", "name", "mobile", "village", "registered_by_point", "bank_name"]

    def clean_mobile(self):
        # Folded before the model's check, which takes ASCII digits only: a number typed with
        # a Chinese input method (１３７…) is the same handset, never a second seller.
        try:
            return mobile_normalize(mobile=self.cleaned_data.get("mobile", ""))
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from None


class SellerEditForm(WagtailAdminModelForm):
    class Meta:
        model = Seller
        fields = ["kind", "name", "village", "id_verification", "registered_by_point"]
