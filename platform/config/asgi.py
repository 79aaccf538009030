"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

# Production when nothing says otherwise: it refuses to start until configured, naming what to
# set, so a forgotten variable never serves the development settings (docs/adr/0017).
# `manage.py` (and so `make run`) defaults to development; scripts/serve.sh says so for Celery.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_asgi_application()
