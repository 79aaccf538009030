"""pytest (`make test`): real PostgreSQL and Redis, each setting below with its reason."""

import os

from config import celery_queues

from .base import *  # noqa: F403

SECRET_KEY = "test-only-not-secret-fengshou-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = False
# Fast hashing: tests create many users and log in often; never use this outside tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests use their own Redis database so a running `make run` worker never takes their tasks.
# Cache and broker share it here (one database per test run); production refuses that.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CACHE_REDIS_URL = REDIS_URL
CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = "fengshou-test"  # noqa: F405
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = "fengshou-test"
CELERY_TASK_QUEUES = celery_queues.task_queues(default_queue=CELERY_TASK_DEFAULT_QUEUE)
CELERY_TASK_ROUTES = celery_queues.task_routes(default_queue=CELERY_TASK_DEFAULT_QUEUE)
# Plain static storage: no manifest needed to render templates in tests.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Tests flip county status and expect the very next request to see it.
FENGSHOU_HOST_CACHE_SECONDS = 0
ALLOWED_HOSTS = ["*"]
# SMS only lands in the outbox table, where tests read the codes.
FENGSHOU_SMS_BACKEND = "accounts.sms.OutboxBackend"
