from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户")

    def ready(self):
        from accounts.selectors import user_activity_start, user_month_figures
        from core.county_apps import county_activity_start_register, county_month_figures_register

        county_month_figures_register("accounts", user_month_figures)
        county_activity_start_register("accounts", user_activity_start)
