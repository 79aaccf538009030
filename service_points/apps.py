from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicePointsConfig(AppConfig):
    name = "service_points"
    verbose_name = _("村级服务点")

    def ready(self):
        from farmers.permissions import counter_help_rule_register
        from service_points.services import clerk_helps_seller

        # A clerk may register a farmer their point serves and enter listings for them.
        counter_help_rule_register(clerk_helps_seller)
