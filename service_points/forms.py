"""The clerk forms of the county Wagtail admin (service_points.wagtail_hooks). They only parse:
service_points.services decides and saves."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from service_points.models import Clerk


class ClerkAddForm(WagtailAdminModelForm):
    """Who (a mobile, found or made into a county user) and where."""

    mobile = forms.CharField(
        label=_("手机号码"),
        max_length=32,
        help_text=_("店员用这个手机号接收短信验证码登录；已有账户的会直接使用。"),
    )

    class Meta:
        model = Clerk
        fields = ["mobile", "name", "point"]


class ClerkEditForm(WagtailAdminModelForm):
    """Move to another point, or take the console away (在岗 off) and give it back."""

    class Meta:
        model = Clerk
        fields = ["point", "is_active"]
