from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("省级平台")

    def ready(self):
        from hub import signals  # noqa: F401  (cache invalidation on county changes)
