"""Settings shared by every environment, read from the environment (DESIGN.md section 6).

dev.py, test.py and production.py start from this module and change only what differs.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config import celery_queues
from config.error_reporting import error_reporting_start

# repo root: platform/config/settings/base.py -> parents[3]
BASE_DIR = Path(__file__).resolve().parents[3]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)

# The hub answers on the base domain, each county on <slug>.<base domain>.
FENGSHOU_BASE_DOMAIN = os.environ.get("FENGSHOU_BASE_DOMAIN", "localhost")
FENGSHOU_HUB_HOSTS = [FENGSHOU_BASE_DOMAIN, f"www.{FENGSHOU_BASE_DOMAIN}"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [FENGSHOU_BASE_DOMAIN, f".{FENGSHOU_BASE_DOMAIN}"])
# How the public reaches the site: URLs given to others (the bank's notify and return) are
# built from these and the county's primary domain, never from a request's Host header.
# Development serves http on :8000; production is https on the default port.
FENGSHOU_PUBLIC_SCHEME = os.environ.get("FENGSHOU_PUBLIC_SCHEME", "http")
FENGSHOU_PUBLIC_PORT = os.environ.get("FENGSHOU_PUBLIC_PORT", "8000")
# How long each worker process trusts its memory of host -> county. Changes made in the same
# process clear it at once; other processes see them within this many seconds.
FENGSHOU_HOST_CACHE_SECONDS = int(os.environ.get("FENGSHOU_HOST_CACHE_SECONDS", "10"))
# How many reverse proxies of ours stand in front of the app server (core/client_ip.py): the
# client's address for per-IP throttles is read from X-Forwarded-For past that many hops.
# 0: REMOTE_ADDR is the client (development). Production defaults to 1 (settings/production).
FENGSHOU_TRUSTED_PROXY_COUNT = int(os.environ.get("FENGSHOU_TRUSTED_PROXY_COUNT", "0"))

# ------------------------------------------------------------------------------
# Apps: django-tenants computes which apps live in public and which in every county.
# https://django-tenants.readthedocs.io/en/latest/install.html
# ------------------------------------------------------------------------------
# contenttypes, auth, sessions and admin are in BOTH lists: county users live in each
# county's schema, province staff in public (docs/adr/0002-users-per-county.md).
BOTH_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    # django.contrib.admin with the province admin site (docs/adr/0019).
    "hub.apps.ProvinceAdminConfig",
    "django.contrib.messages",
    "accounts",
    # Optional TOTP second factor for staff (docs/adr/0018): devices live beside the users.
    "django_otp",
    "django_otp.plugins.otp_totp",
]

SHARED_APPS = [
    "django_tenants",
    "hub",
    *BOTH_APPS,
    "django.contrib.staticfiles",
    # A pretend bank for development and tests; its tables are the bank's, in public.
    "sandbox_bank",
    # The demo province's content and `seed_demo` (no models).
    "demo",
]

# Not installed, on purpose: wagtail.contrib.forms (no form pages) and wagtail.embeds (rich text
# offers no embeds, RICH_TEXT_FEATURES). Counties created before keep their empty tables.
TENANT_APPS = [
    *BOTH_APPS,
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "county_sites.storefront",
    "farmers",
    "service_points",
    "county_sites.orders",
    "county_sites.credit",
    "county_sites.payments",
    "county_sites.ledger",
    "county_sites.api",
    "county_sites.clerk",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "hub.County"
TENANT_DOMAIN_MODEL = "hub.CountyDomain"
# New counties are cloned, data included, from a migrated template schema (DESIGN.md section 3).
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_BASE_SCHEMA = "county_template"
# Our backend skips SET search_path when the schema has not changed (docs/adr/0003).
TENANT_LIMIT_SET_CALLS = True

PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_county"

AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    # First: every later line of the request's log carries its id (core/log_context.py).
    "core.log_context.RequestIdMiddleware",
    # /health/ on any host, before the county lookup, sessions and the page cache
    # (core/health.py).
    "core.health.HealthMiddleware",
    "hub.middleware.CountyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After locale (its refusals are in the visitor's language), before anything reads the
    # query (core/request_guard.py).
    "core.request_guard.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with the second factor (docs/adr/0018).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After session, locale, CSRF and auth: it reads all of them
    # (county_sites/storefront/page_cache.py).
    "county_sites.storefront.page_cache.PageCacheMiddleware",
    # A county's Wagtail Site from this worker's memory (county_sites/storefront/site_cache.py).
    "county_sites.storefront.site_cache.WagtailSiteCacheMiddleware",
    "hub.middleware.CountyRedirectMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # The product page only (docs/adr/0011): rendered with Jinja2, several times faster
        # than Django templates for the same markup. Its templates live in <app>/jinja2/.
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "county_sites.storefront.jinja_env.environment"},
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# ------------------------------------------------------------------------------
# Database: one PostgreSQL database, one schema per county.
# ------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fengshou")
DATABASES = {
    # Persistent connections: a new connection per request costs more than the whole
    # tenant lookup (DESIGN.md section 8: 0.04 vs 0.22 of a bare view).
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
}
DATABASES["default"]["ENGINE"] = "config.db_backend"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
# 64-bit ids from the first migration: the scale-out path needs them (DESIGN.md section 3).
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ------------------------------------------------------------------------------
# Cache, keyed by county so one county never reads another's entries.
# ------------------------------------------------------------------------------
# The cache and Celery's broker live in different Redis databases (or instances): a cache may
# evict keys under memory pressure or be flushed, and queued tasks must survive both
# (docs/adr/0021). Production refuses the same URL for both (settings/production.py).
# REDIS_URL is the older name of CACHE_REDIS_URL, still read.
CACHE_REDIS_URL = os.environ.get(
    "CACHE_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
)
CACHES = {
    "default": {
        # Django's RedisCache keeping its redis-py client (91 -> 34 µs per GET, measured).
        "BACKEND": "config.redis_cache.RedisCache",
        "LOCATION": CACHE_REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "KEY_PREFIX": "fengshou",
        # A Redis that hangs must not hang the pages: the page cache falls back to the
        # database on any Redis error (county_sites/storefront/page_cache.py), after this long.
        "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
    }
}

# Storefront page cache for anonymous visitors, per county (county_sites/storefront/page_cache.py):
# entries live FENGSHOU_PAGE_CACHE_SECONDS in Redis and, in front of it, a few seconds in each
# worker's memory (DESIGN.md section 8: 0.54 of a bare view from Redis, above 1.0 with memory).
FENGSHOU_PAGE_CACHE_ENABLED = env_bool("FENGSHOU_PAGE_CACHE_ENABLED", True)
FENGSHOU_PAGE_CACHE_SECONDS = int(os.environ.get("FENGSHOU_PAGE_CACHE_SECONDS", "300"))
# The province portal's pages for anonymous visitors expire rather than being purged: the
# province catalogue changes with every county's listings, and a delisted listing must leave
# the portal within a minute (issue 10).
FENGSHOU_PORTAL_CACHE_SECONDS = int(os.environ.get("FENGSHOU_PORTAL_CACHE_SECONDS", "30"))
FENGSHOU_PAGE_CACHE_MEMORY_SECONDS = float(
    os.environ.get("FENGSHOU_PAGE_CACHE_MEMORY_SECONDS", "3")
)

# ------------------------------------------------------------------------------
# Celery (tenant-schemas-celery carries the sender's schema in the task headers)
# ------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "fengshou")
# Queues by kind (sms, images, imports, reports, default), each with its time limits
# (config/celery_queues.py). test.py renames the default queue and so sets these again.
CELERY_TASK_QUEUES = celery_queues.task_queues(default_queue=CELERY_TASK_DEFAULT_QUEUE)
CELERY_TASK_ROUTES = celery_queues.task_routes(default_queue=CELERY_TASK_DEFAULT_QUEUE)
CELERY_TASK_ANNOTATIONS = (celery_queues.TimeLimits(),)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = "Asia/Shanghai"
# The worker logs through LOGGING below (schema and task id on every line), not its own setup.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Every beat schedule lives here, in one place (STYLE.md).
CELERY_BEAT_SCHEDULE = {
    # The province's monthly roll-up (hub.rollups): nightly at a quiet hour, the current and
    # the previous month of every county. It replaces the 15-minute county summary, whose
    # figures moved between refreshes; province staff can also recompute at once (统计报表).
    "counties-rollup-nightly": {
        "task": "hub.tasks.counties_rollup_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
    # County creation jobs whose worker died are failed and their half-made county removed
    # (hub.services.creation.STALE_MINUTES).
    "county-creations-fail-stale": {
        "task": "hub.tasks.county_creations_fail_stale_task",
        "schedule": 5 * 60,
    },
    # Unpaid online orders are cancelled (stock released) FENGSHOU_ORDER_PAYMENT_MINUTES after
    # placement; each run fans out to every county from public.
    "counties-orders-cancel-expired": {
        "task": "county_sites.orders.tasks.counties_orders_cancel_expired",
        "schedule": 60,
    },
    # Orders a clerk entered that the villager did not confirm within the county's
    # ServicePointSettings.confirmation_minutes are cancelled and their stock released.
    "counties-orders-expire-unconfirmed": {
        "task": "county_sites.orders.tasks.counties_orders_expire_unconfirmed",
        "schedule": 60,
    },
    # Cash-on-pickup orders nobody started preparing within the county's
    # ServicePointSettings.cash_order_hold_days are cancelled, stock released, buyer texted:
    # a hold counted in days needs no more than a run every quarter of an hour.
    "counties-orders-expire-cash": {
        "task": "county_sites.orders.tasks.counties_orders_expire_cash",
        "schedule": 15 * 60,
    },
    # Ask the bank about online orders still unpaid, in case a notify was lost.
    "counties-payments-reconcile": {
        "task": "county_sites.payments.tasks.counties_payments_reconcile",
        "schedule": 5 * 60,
    },
    # Service points' commissions are released once the return window (days) has passed:
    # hourly is precise enough for a window counted in days.
    "counties-point-commissions-release": {
        "task": "county_sites.ledger.tasks.counties_point_commissions_release",
        "schedule": 60 * 60,
    },
    # SMS reminders of credit instalments falling due (county_sites.credit); each is texted
    # once, so the hour only sets how early in the day.
    "counties-credit-instalments-remind": {
        "task": "county_sites.credit.tasks.counties_credit_instalments_remind",
        "schedule": crontab(hour=9, minute=0),
    },
    # The province catalogue is kept current change by change; nightly, at a quiet hour
    # (CELERY_TIMEZONE), each county rebuilds its part to repair anything a lost task missed.
    "counties-province-index-rebuild": {
        "task": "county_sites.catalogue.tasks.counties_province_index_rebuild",
        "schedule": crontab(hour=3, minute=30),
    },
}

# Wagtail 8 queues its own background work (search index, references) through django-tasks.
# Immediate: it runs in the request, in the request's county schema, so it can never
# write into another county (docs/adr/0004-wagtail-tasks-immediate.md).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# ------------------------------------------------------------------------------
# Passwords and auth
# ------------------------------------------------------------------------------
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "丰收 Fengshou"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ------------------------------------------------------------------------------
# SMS: the class that sends phone-login codes (platform/accounts/sms.py). Outbox by default:
# it records and sends nothing, so a missing setting never leaks codes into logs; dev prints
# them, production names a real provider's backend here.
# ------------------------------------------------------------------------------
FENGSHOU_SMS_BACKEND = os.environ.get("FENGSHOU_SMS_BACKEND", "accounts.sms.OutboxBackend")

# ------------------------------------------------------------------------------
# Orders, payments and the ledger (county_sites.orders, .payments, .ledger; sandbox_bank)
# ------------------------------------------------------------------------------
# The county's share of each line, in basis points (500 = 5%), until the province's
# commission policy exists. Snapshotted on each order.
FENGSHOU_DEFAULT_COMMISSION_BP = int(os.environ.get("FENGSHOU_DEFAULT_COMMISSION_BP", "500"))
# An unpaid online order is cancelled, and its stock released, after this many minutes.
FENGSHOU_ORDER_PAYMENT_MINUTES = int(os.environ.get("FENGSHOU_ORDER_PAYMENT_MINUTES", "30"))
# A bank notify older (or further in the future) than this is refused, as is a reused nonce.
FENGSHOU_PAYMENT_NOTIFY_MAX_AGE_SECONDS = 300
# How a county talks to the bank gateway: "http" (the sandbox bank's API on the hub host, as
# with a real bank) or "inprocess" (call the sandbox bank's services directly: tests).
FENGSHOU_BANK_TRANSPORT = os.environ.get("FENGSHOU_BANK_TRANSPORT", "http")
FENGSHOU_BANK_BASE_URL = os.environ.get(
    "FENGSHOU_BANK_BASE_URL", f"http://{FENGSHOU_BASE_DOMAIN}:8000"
)
# The sandbox bank's pay page and API on the hub host (/sandbox-bank/): on for development and
# tests, refused in production (settings/production.py), where anyone could "pay" with it.
FENGSHOU_SANDBOX_BANK = env_bool("FENGSHOU_SANDBOX_BANK", True)
# The sandbox bank's HTTP calls (notify to a county, API calls from a county) give up after this.
SANDBOX_BANK_HTTP_TIMEOUT_SECONDS = 10

# ------------------------------------------------------------------------------
# Internationalisation: Chinese first, English second.
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Our corrections to Django's date formats (config/formats/<locale>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]

# ------------------------------------------------------------------------------
# Static and media files; media is stored per county (MEDIA_ROOT/<schema>/...).
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic puts the files nginx serves at /static/ (deploy/nginx/fengshou.conf).
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
# Media is never a public directory: each county's files go through a Django view that checks
# who may see them (core/media.py). With this set (production, behind deploy/nginx), the view
# answers with X-Accel-Redirect to <prefix><schema>/<name> and nginx sends the file from its
# `internal` location; empty: Django streams the file (development, tests).
FENGSHOU_MEDIA_ACCEL_PREFIX = os.environ.get("FENGSHOU_MEDIA_ACCEL_PREFIX", "")
# Wagtail's document view hands its files to the same function.
SENDFILE_BACKEND = "core.media"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Media on S3-compatible object storage instead, one prefix per county (core/storage.py,
# docs/adr/0022): FENGSHOU_MEDIA_STORAGE=s3 and the bucket below. The bucket stays private;
# files are sent by the same views (streamed by Django, not by nginx).
FENGSHOU_MEDIA_STORAGE = os.environ.get("FENGSHOU_MEDIA_STORAGE", "filesystem")
if FENGSHOU_MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "core.storage.CountyS3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("FENGSHOU_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("FENGSHOU_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("FENGSHOU_S3_REGION") or None,
            "access_key": os.environ.get("FENGSHOU_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("FENGSHOU_S3_SECRET_KEY") or None,
        },
    }
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]

# ------------------------------------------------------------------------------
# Wagtail
# ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = _("丰收")  # lazy: the county admin names the platform in the reader's language
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", f"http://{FENGSHOU_BASE_DOMAIN}:8000"
)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
# Villagers have no email: operators are created with a username and no email required.
WAGTAILUSERS_PASSWORD_REQUIRED = True
# Password reset goes by email, which villagers and many operators do not have: the province
# resets operator passwords instead.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# The county admin's password login locks after repeated failures (accounts.lockout).
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.CountyStaffLoginForm"

# Every line carries the county schema and the request id (core/log_context.py): "plain" for
# people (development), "json" for a log collector (production's default).
FENGSHOU_LOG_FORMAT = os.environ.get("FENGSHOU_LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "core.log_context.ContextFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(schema)s %(request_id)s] %(message)s"
        },
        "json": {"()": "core.log_context.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": FENGSHOU_LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Wagtail and django-tasks log every page save and task at INFO: too loud for commands.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# ------------------------------------------------------------------------------
# Error reporting: Sentry or a compatible server, only when SENTRY_DSN is set; tagged with the
# county schema and the request id, no personal data (config/error_reporting.py).
# ------------------------------------------------------------------------------
SENTRY_ENABLED = error_reporting_start(os.environ)
