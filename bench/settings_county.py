"""Bench only (bench/tenant_overhead.py): the dev settings with DEBUG off and, as the county
URLconf, a single trivial view (bench/urls_trivial.py). Tenancy works as in the product."""

from config.settings.dev import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls_trivial"
