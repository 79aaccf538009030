from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FarmersConfig(AppConfig):
    name = "farmers"
    verbose_name = _("农户与商品")
