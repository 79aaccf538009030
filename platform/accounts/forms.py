"""Forms of the phone login page (they check shape only; services decide everything else) and
the staff password login forms with the lockout of accounts.lockout (checked before the
password, counted after it)."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
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


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=6,
        validators=[RegexValidator(r"^[0-9]{6}\Z", CODE_FORMAT)],
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"[0-9]{6}",
                "maxlength": "6",
            }
        ),
    )


class LockoutMixin:
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
        login_success_clear(username=username, ip=ip)
        return cleaned


class CountyStaffLoginForm(LockoutMixin, LoginForm):
    """Wagtail's admin login on a county host (WAGTAILADMIN_USER_LOGIN_FORM)."""


class ProvinceStaffLoginForm(LockoutMixin, AdminAuthenticationForm):
    """The province admin's login on the hub host (admin.site.login_form, accounts.admin)."""
