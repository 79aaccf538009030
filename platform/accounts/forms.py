"""Forms of the phone login page. They check shape only; services decide everything else."""

import re
import unicodedata

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


# Spaces and dashes people put between the digits ("123 456", "123-456").
CODE_NOISE = re.compile(r"[\s\-]+")


class CodeField(forms.CharField):
    """Six digits as typed: full-width digits folded to ASCII, spaces and dashes dropped."""

    def to_python(self, value):
        text = unicodedata.normalize("NFKC", super().to_python(value))
        return CODE_NOISE.sub("", text)


class CodeForm(forms.Form):
    code = CodeField(
        label=_("验证码"),
        validators=[RegexValidator(r"^[0-9]{6}\Z", CODE_FORMAT)],
        widget=forms.TextInput(
            attrs={
                "class": "sms-code",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"[\d\s\-]{6,11}",
                "maxlength": "11",
            }
        ),
    )
