from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CountySitesConfig(AppConfig):
    """The storefront's pages, blocks and page cache. Its label stays "county_sites" (the
    package moved from county_sites/ to county_sites/storefront/): content types, permissions
    and the migration history of every existing county keep their names."""

    name = "county_sites.storefront"
    label = "county_sites"
    verbose_name = _("县级商城")

    def ready(self):
        from core.county_apps import county_setup_register
        from county_sites.storefront import signals  # noqa: F401  (connects the receivers)
        from county_sites.storefront.services import county_site_setup

        county_setup_register("storefront", county_site_setup)
