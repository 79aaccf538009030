from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClerkConfig(AppConfig):
    name = "county_sites.clerk"
    label = "clerk"
    verbose_name = _("店员工作台")
