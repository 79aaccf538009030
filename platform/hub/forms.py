"""The province admin's form for a new county; the checks themselves live in
hub.services_creation.county_creation_request."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CountyCreationForm(forms.Form):
    """The province operator's request for a new county; hub.services_creation checks it."""

    code = forms.CharField(label=_("行政区划代码"), max_length=6, help_text=_("例如 330523"))
    name = forms.CharField(label=_("名称"), max_length=64, help_text=_("例如 安吉县"))
    name_en = forms.CharField(label=_("英文名称"), max_length=128, required=False)
    slug = forms.CharField(
        label=_("标识（用作域名）"), max_length=56, help_text=_("小写字母和数字，例如 anji")
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
