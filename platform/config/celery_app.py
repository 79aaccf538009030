"""Celery for Fengshou, built on tenant-schemas-celery.

A task sent inside a county (a request on its host, or `tenant_context`) carries that county's
schema in its headers and runs in it on the worker. A task sent outside a county (beat, the hub,
commands) runs in public, so fan-out jobs pass the county explicitly.
"""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = CeleryApp("fengshou")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
