from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    # "hub" in INSTALLED_APPS means this one (the module holds the admin's config too).
    default = True
    name = "hub"
    verbose_name = _("省级平台")

    def ready(self):
        from hub import signals  # noqa: F401  (cache invalidation on county changes)


class ProvinceAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the province's admin site (hub.admin_site) as admin.site."""

    default = False  # named by its path in INSTALLED_APPS; "hub" is HubConfig
    default_site = "hub.admin_site.ProvinceAdminSite"
