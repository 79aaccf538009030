"""The province admin's form for a new county; the checks themselves live in county_create."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import ApplicationError
from hub.services import county_domain_for
from hub.validation import county_identity_check


class CountyCreateForm(forms.ModelForm):
    code = forms.CharField(label=_("行政区划代码"), max_length=6)
    name = forms.CharField(label=_("名称"), max_length=64)
    name_en = forms.CharField(label=_("英文名称"), max_length=128, required=False)
    slug = forms.CharField(label=_("标识（用作域名）"), max_length=56)

    class Meta:
        from hub.models import County

        model = County
        fields = ["code", "name", "name_en", "slug"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["slug"] = data["slug"].strip().lower()
        try:
            county_identity_check(
                code=data["code"].strip(),
                slug=data["slug"],
                name=data["name"],
                domain=county_domain_for(data["slug"]),
            )
        except ApplicationError as error:
            self.add_error(error.field, error.message)
        return data

    def _post_clean(self):
        # The model instance is built by county_create, not by the form.
        pass
