"""Production: everything secret or host-specific comes from the environment.

It refuses to start (ImproperlyConfigured, naming what to set) in any state that would look
like it works and would hurt (docs/adr/0017): a missing or development secret key, DEBUG on,
the sandbox bank routed (anyone could "pay"), an SMS backend that sends nothing (nobody could
sign in), a localhost base domain, the cache and the broker in one Redis
database. With the variables below set,
`python manage.py check --deploy` passes with no warnings:

    SECRET_KEY  ALLOWED_HOSTS  FENGSHOU_BASE_DOMAIN  FENGSHOU_SMS_BACKEND  FENGSHOU_BANK_BASE_URL
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

# Off unless asked for; asking for it is refused below.
FENGSHOU_SANDBOX_BANK = env_bool("FENGSHOU_SANDBOX_BANK", False)

# Backends that deliver nothing to a phone: fine while developing, a locked door in production.
SMS_BACKENDS_THAT_SEND_NOTHING = {"accounts.sms.OutboxBackend", "accounts.sms.ConsoleBackend"}
LOCAL_DOMAINS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104  (a name, not a bind)


def _secret_key_problem(key: str) -> str | None:
    # Django's own test for a weak key (django.core.checks.security.base), plus the development
    # and test keys of this project, which are in the repository.
    if not key:
        return "SECRET_KEY must be set in production."
    if (
        len(key) < 50
        or len(set(key)) < 5
        or key.startswith("django-insecure-")
        or "not-secret" in key
    ):
        return (
            "SECRET_KEY is insecure: set a random value of at least 50 characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    return None


def _redis_target(url: str) -> tuple:
    # redis://h:6379 and redis://h:6379/0 are the same database; the password does not matter.
    parts = urlsplit(url)
    database = parts.path.strip("/") or "0"
    return (parts.scheme, (parts.hostname or "").lower(), parts.port or 6379, database)


def production_problems(environ) -> list[str]:
    """What is wrong with this environment for production, each saying what to set."""
    problems = []
    if env_bool("DEBUG", False):
        problems.append("DEBUG is on: unset DEBUG (or set DEBUG=0) in production.")
    key_problem = _secret_key_problem(SECRET_KEY)  # noqa: F405
    if key_problem:
        problems.append(key_problem)
    if "ALLOWED_HOSTS" not in environ:
        problems.append("ALLOWED_HOSTS must be set in production.")
    domain = environ.get("FENGSHOU_BASE_DOMAIN", "").strip().lower()
    if not domain or domain in LOCAL_DOMAINS or domain.endswith(".localhost"):
        problems.append(
            "FENGSHOU_BASE_DOMAIN must be set to the province's public domain "
            "(e.g. fengshou.example.cn), not localhost."
        )
    if FENGSHOU_SANDBOX_BANK:
        problems.append(
            "The sandbox bank must not be routed in production (anyone could pay with it): "
            "unset FENGSHOU_SANDBOX_BANK."
        )
    if FENGSHOU_BANK_TRANSPORT != "http" or "FENGSHOU_BANK_BASE_URL" not in environ:  # noqa: F405
        problems.append(
            "FENGSHOU_BANK_BASE_URL must be set to the bank gateway's address "
            "(and FENGSHOU_BANK_TRANSPORT left at http)."
        )
    if FENGSHOU_SMS_BACKEND in SMS_BACKENDS_THAT_SEND_NOTHING:  # noqa: F405
        problems.append(
            f"FENGSHOU_SMS_BACKEND is {FENGSHOU_SMS_BACKEND}, which sends no text message, so "  # noqa: F405
            "nobody could sign in: set it to your SMS provider's backend class "
            "(a subclass of accounts.sms.BaseSmsBackend)."
        )
    if _redis_target(CACHES["default"]["LOCATION"]) == _redis_target(CELERY_BROKER_URL):  # noqa: F405
        problems.append(
            "The cache and Celery's broker are the same Redis database: set CACHE_REDIS_URL "
            "and CELERY_BROKER_URL to different databases (e.g. redis://host:6379/0 and "
            "redis://host:6379/1) or instances, so evicting or flushing the cache never drops "
            "queued tasks."
        )
    return problems


_problems = production_problems(os.environ)
if _problems:
    raise ImproperlyConfigured(
        "Production settings refuse to start:\n  - " + "\n  - ".join(_problems)
    )
DEBUG = False
# One JSON object per log line, with the county schema and the request id (core/log_context.py).
FENGSHOU_LOG_FORMAT = os.environ.get("FENGSHOU_LOG_FORMAT", "json")
LOGGING["handlers"]["console"]["formatter"] = FENGSHOU_LOG_FORMAT  # noqa: F405
FENGSHOU_PUBLIC_SCHEME = os.environ.get("FENGSHOU_PUBLIC_SCHEME", "https")
FENGSHOU_PUBLIC_PORT = os.environ.get("FENGSHOU_PUBLIC_PORT", "")

# deploy/nginx/fengshou.conf's internal location for media (core/media.py).
FENGSHOU_MEDIA_ACCEL_PREFIX = os.environ.get("FENGSHOU_MEDIA_ACCEL_PREFIX", "/_protected_media/")

# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxy that sets X-Forwarded-Proto also appends X-Forwarded-For (core/client_ip.py).
FENGSHOU_TRUSTED_PROXY_COUNT = int(os.environ.get("FENGSHOU_TRUSTED_PROXY_COUNT", "1"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Links in the admin's emails and notifications: the hub's public address, not the dev port.
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL",
    f"https://{FENGSHOU_BASE_DOMAIN}",  # noqa: F405
)
