from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FarmersConfig(AppConfig):
    name = "farmers"
    verbose_name = _("农户与商品")

    def ready(self):
        from core.county_apps import county_month_figures_register
        from farmers.selectors import seller_month_figures

        county_month_figures_register("farmers", seller_month_figures)
