"""Celery tasks of the storefront's apps. county_sites.catalogue is not an installed app (its
models, commands and tasks ride on the storefront's), so Celery's autodiscovery, which
imports `<installed app>.tasks`, registers the catalogue's tasks through this module."""

from county_sites.catalogue.tasks import (
    counties_province_index_rebuild,
    province_index_rebuild,
    province_index_sync,
)

__all__ = ["counties_province_index_rebuild", "province_index_rebuild", "province_index_sync"]
