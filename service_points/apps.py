from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicePointsConfig(AppConfig):
    name = "service_points"
    verbose_name = _("村级服务点")

    def ready(self):
        from core.county_apps import county_month_figures_register
        from farmers.permissions import counter_help_rule_register
        from service_points.selectors import point_month_figures
        from service_points.services import clerk_helps_seller

        county_month_figures_register("service_points", point_month_figures)

        # A clerk may register a farmer their point serves and enter listings for them.
        counter_help_rule_register(clerk_helps_seller)
