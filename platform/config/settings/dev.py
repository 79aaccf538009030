"""Local development: `make run`."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-fengshou-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: F405, S105
# Plain static storage: no collectstatic needed while developing.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# SMS login codes go to the console log, where the developer reads them.
FENGSHOU_SMS_BACKEND = "accounts.sms.ConsoleBackend"
