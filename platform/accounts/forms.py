"""Forms of the phone login page (they check shape only; services decide everything else) and
the staff password login forms with the lockout of accounts.lockout (checked before the
password, counted after it)."""

import re
import unicodedata

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django_otp import match_token, user_has_device
from wagtail.admin.forms.auth import LoginForm

from accounts.lockout import login_failure_record, login_lockout_check, login_success_clear
from core.client_ip import client_ip
from core.errors import ApplicationError

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


MSG_OTP_REQUIRED = _("该账号已开启双重验证，请输入验证器应用上的6位动态码。")
MSG_OTP_WRONG = _("动态码不正确或已过期，请重新输入。")


class LockoutMixin:
    """Checked before the password: the lockout. After it: the second factor, for staff who
    have a confirmed TOTP device (django-otp; optional, docs/adr/0018). A wrong password or a
    wrong code counts towards the lockout alike."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"] = forms.CharField(
            label=_("动态验证码"),
            required=False,
            max_length=8,
            help_text=_("开启了双重验证的账号才需要填写。"),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        )

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request is not None else None
        try:
            login_lockout_check(username=username, ip=ip)
        except ApplicationError as error:
            raise forms.ValidationError(error.message, code="locked") from None
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            if getattr(error, "code", None) == "invalid_login":
                login_failure_record(username=username, ip=ip)
            raise
        user = self.get_user()
        if user is not None and user_has_device(user):
            token = (self.cleaned_data.get("otp_token") or "").strip()
            if not token:
                raise forms.ValidationError(MSG_OTP_REQUIRED, code="otp_required")
            device = match_token(user, token)
            if device is None:
                login_failure_record(username=username, ip=ip)
                raise forms.ValidationError(MSG_OTP_WRONG, code="otp_wrong")
            # django-otp's user_logged_in receiver marks the session verified with it.
            user.otp_device = device
        login_success_clear(username=username, ip=ip)
        return cleaned


class CountyStaffLoginForm(LockoutMixin, LoginForm):
    """Wagtail's admin login on a county host (WAGTAILADMIN_USER_LOGIN_FORM); Wagtail's login
    page shows the extra field."""


class ProvinceStaffLoginForm(LockoutMixin, AdminAuthenticationForm):
    """The province admin's login on the hub host (admin.site.login_form, accounts.admin)."""
