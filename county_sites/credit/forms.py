"""The upload form of the county admin's 导入预授信名单 page (the file is checked by
county_sites.credit.imports) and the seller's loan application form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import fen_parse
from county_sites.credit.models import LOAN_TERM_CHOICES

MSG_CHOOSE_FILE = _("请选择要导入的文件。")


class CreditImportForm(forms.Form):
    file = forms.FileField(
        label=_("银行的预授信名单（CSV 或 XLSX）"), error_messages={"required": MSG_CHOOSE_FILE}
    )


MSG_AMOUNT_TYPED = _("请输入金额，例如 50000 或 50000.00。")


class LoanApplicationForm(forms.Form):
    """A seller's working-capital application (the amount in yuan as typed). The bounds are
    the service's (credit.services.loans), so a refusal reads alike from every caller."""

    amount = forms.CharField(label=_("申请金额（元）"), max_length=20)
    term_months = forms.TypedChoiceField(
        label=_("期限"),
        coerce=int,
        choices=[(term, _("%(months)s 个月") % {"months": term}) for term in LOAN_TERM_CHOICES],
    )
    purpose = forms.CharField(label=_("贷款用途"), max_length=200, widget=forms.Textarea)

    def clean_amount(self) -> int:
        try:
            return fen_parse(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(MSG_AMOUNT_TYPED) from None
