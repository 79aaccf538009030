from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo province's content and `manage.py seed_demo`. No models; no other app imports
    it (the import-linter contract in pyproject.toml holds that)."""

    name = "demo"
    verbose_name = _("演示数据")
