"""Bench only (bench/storefront.py): the dev settings with DEBUG off, the product's county
URLconf (storefront, catalogue, Wagtail). The page cache follows FENGSHOU_PAGE_CACHE_ENABLED,
so the bench runs one server with it and one without."""

from config.settings.dev import *  # noqa: F403

DEBUG = False
# The product's default: each worker trusts its memory of host -> county for a while.
FENGSHOU_HOST_CACHE_SECONDS = 60
