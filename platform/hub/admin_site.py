"""The province console's admin site (docs/adr/0019): the Django admin on the hub host, with the
province's title and only the apps whose tables live in the public schema.

Outside the hub.admin package on purpose: importing the site class must not import the screens,
which register on admin.site while Django is still making it."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db.models.base import ModelBase
from django.utils.translation import gettext_lazy as _


def public_app_labels() -> frozenset[str]:
    """Labels of the apps migrated in the public schema (SHARED_APPS names an app by its
    module or by its AppConfig's path, as django-tenants' router reads it)."""
    shared = set(settings.SHARED_APPS)
    return frozenset(
        config.label
        for config in apps.get_app_configs()
        if config.name in shared or f"{type(config).__module__}.{type(config).__name__}" in shared
    )


# Third-party apps in the province admin with no Chinese of their own: their names as the
# province operator reads them (app label -> app name, model names).
APP_NAMES = {
    "otp_totp": (_("双重验证"), {"totpdevice": _("动态码设备")}),
}


class ProvinceAdminSite(admin.AdminSite):
    site_header = _("丰收 · 省平台")
    site_title = _("丰收省平台")
    index_title = _("省平台首页")

    def register(self, model_or_iterable, admin_class=None, **options):
        # Wagtail's images and documents and taggit register in the admin site, but their
        # tables exist only in county schemas: here their screens would be dead boxes on the
        # home ("Not available for global schema") and errors behind them. The province
        # manages them in each county's own admin, so they are not registered here.
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        public = public_app_labels()
        kept = [model for model in models if model._meta.app_label in public]
        if kept:
            super().register(kept, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        apps_ = super().get_app_list(request, app_label)
        for app in apps_:
            if app["app_label"] in APP_NAMES:
                name, models = APP_NAMES[app["app_label"]]
                app["name"] = name
                for model in app["models"]:
                    model["name"] = models.get(model["object_name"].lower(), model["name"])
        return apps_
