from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CountySitesConfig(AppConfig):
    name = "county_sites"
    verbose_name = _("县级商城")

    def ready(self):
        from county_sites import signals  # noqa: F401  (connects the receivers)
