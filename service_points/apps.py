from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicePointsConfig(AppConfig):
    name = "service_points"
    verbose_name = _("村级服务点")
