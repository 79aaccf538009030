from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "county_sites.ledger"
    label = "ledger"
    verbose_name = _("账本")

    def ready(self):
        from core.county_apps import county_activity_start_register, county_month_figures_register
        from county_sites.ledger.selectors import ledger_activity_start, ledger_month_figures

        county_month_figures_register("ledger", ledger_month_figures)
        county_activity_start_register("ledger", ledger_activity_start)
