"""Forms of the phone login page. They check shape only; services decide everything else."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

CODE_FORMAT = _("请输入短信中的6位数字验证码。")


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "13800138000"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        validators=[RegexValidator(r"^\d{6}\Z", CODE_FORMAT)],
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"\d{6}",
                "maxlength": "6",
            }
        ),
    )
