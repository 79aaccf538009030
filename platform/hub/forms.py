"""The province admin's form for a new county; the checks themselves live in
hub.services.creation.county_creation_request."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from hub.models import County
from hub.validation import county_contact_check


class CountyCreationForm(forms.Form):
    """The province operator's request for a new county; hub.services.creation checks it."""

    code = forms.CharField(label=_("行政区划代码"), max_length=6, help_text=_("例如 330523"))
    name = forms.CharField(label=_("名称"), max_length=64, help_text=_("例如 安吉县"))
    name_en = forms.CharField(label=_("英文名称"), max_length=128, required=False)
    slug = forms.CharField(
        label=_("标识（用作域名）"), max_length=56, help_text=_("小写字母和数字，例如 anji")
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)


class CountyChangeForm(forms.ModelForm):
    """The county's details in the province admin; saved by hub.services.counties.county_update
    (hub.admin.CountyAdmin.save_model), whose checks run here first to show on the field."""

    class Meta:
        model = County
        fields = ["name", "name_en", "contact_name", "contact_phone"]

    def clean(self):
        data = super().clean()
        try:
            county_contact_check(
                contact_name=(data.get("contact_name") or "").strip(),
                contact_phone=(data.get("contact_phone") or "").strip(),
            )
        except ApplicationError as error:
            self.add_error(error.field, error.message)
        return data


class CountyOperatorForm(forms.Form):
    who = forms.CharField(
        label=_("手机号码或用户名"),
        max_length=150,
        help_text=_("县里没有这个手机号的用户时，会新建账号"),
    )


DOMAIN_RE = r"^(?=.{1,253}\Z)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\Z"
MSG_DOMAIN_FORMAT = _(
    "“%(domain)s” 不是有效的域名：只能用小写字母、数字、连字符和点，例如 anji.example.cn。"
)
MSG_ONE_PRIMARY = _("每个县必须有且只有一个主域名。")


class CountyDomainFormSet(forms.BaseInlineFormSet):
    """A county's host names: well-formed, and exactly one primary (the one county_create made,
    or another the province chose)."""

    def clean(self):
        super().clean()
        primaries = 0
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            domain = (form.cleaned_data.get("domain") or "").strip().lower()
            if domain and not re.match(DOMAIN_RE, domain):
                form.add_error("domain", MSG_DOMAIN_FORMAT % {"domain": domain})
            form.cleaned_data["domain"] = domain
            form.instance.domain = domain
            primaries += bool(form.cleaned_data.get("is_primary"))
        if primaries != 1:
            raise forms.ValidationError(MSG_ONE_PRIMARY)
