"""WSGI entry point: `gunicorn config.wsgi`, from any folder, with the project installed
(`make venv` or `pip install -e .`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

application = get_wsgi_application()
