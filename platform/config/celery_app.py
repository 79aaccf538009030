"""Celery for Fengshou, built on tenant-schemas-celery.

A task sent inside a county (a request on its host, or `tenant_context`) carries that county's
schema in its headers and runs in it on the worker. A task sent outside a county (beat, the hub,
commands) runs in public, so fan-out jobs pass the county explicitly.
"""

import os

from tenant_schemas_celery.app import CeleryApp

# Production when nothing says otherwise: it refuses to start until configured, naming what to
# set, so a forgotten variable never serves the development settings (docs/adr/0017).
# `manage.py` (and so `make run`) defaults to development; scripts/serve.sh says so for Celery.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = CeleryApp("fengshou")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
