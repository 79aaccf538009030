from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户")

    def ready(self):
        from accounts.selectors import user_county_figures
        from core.county_apps import county_figures_register

        county_figures_register("accounts", user_county_figures)
