"""Production refuses to start in a state that would look like it works and hurt (issue 12,
docs/adr/0017): each check in a fresh interpreter with exactly the environment given."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# What a province sets; each test breaks one thing.
GOOD = {
    "SECRET_KEY": "x7#kq2!pz9w" * 6,
    "ALLOWED_HOSTS": ".fengshou.example.cn,fengshou.example.cn",
    "FENGSHOU_BASE_DOMAIN": "fengshou.example.cn",
    "FENGSHOU_SMS_BACKEND": "provincesms.backends.ProviderBackend",
    "FENGSHOU_BANK_BASE_URL": "https://gateway.bank.example.cn",
}
# Variables of ours or Django's that the runner's environment may carry: never inherited.
OURS = (*GOOD, "DJANGO_SETTINGS_MODULE", "DEBUG", "FENGSHOU_SANDBOX_BANK",
        "FENGSHOU_BANK_TRANSPORT", "REDIS_URL", "CACHE_REDIS_URL", "CELERY_BROKER_URL",
        "SENTRY_DSN")  # fmt: skip


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in OURS}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


LOAD_SETTINGS = "import django; django.setup(); print('started')"


def _production(**env: str) -> subprocess.CompletedProcess:
    return _python(LOAD_SETTINGS, DJANGO_SETTINGS_MODULE="config.settings.production", **env)


def test_production_starts_with_everything_set():
    result = _production(**GOOD)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_production_takes_cache_and_broker_on_two_databases_of_one_redis():
    code = (
        LOAD_SETTINGS + "; from django.conf import settings; "
        "print(settings.CACHES['default']['LOCATION'], settings.CELERY_BROKER_URL)"
    )
    result = _python(
        code,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        CACHE_REDIS_URL="redis://redis.internal:6379/0",
        CELERY_BROKER_URL="redis://redis.internal:6379/1",
        **GOOD,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "started", "redis://redis.internal:6379/0", "redis://redis.internal:6379/1"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set in production."),
        ({"SECRET_KEY": "django-insecure-" + "a1b2c3d4e5" * 5}, "SECRET_KEY is insecure"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY is insecure"),
        (
            {"SECRET_KEY": "dev-only-not-secret-fengshou-0123456789abcdefghijklmnopqrstuvwxyz"},
            "SECRET_KEY is insecure",
        ),
        ({"DEBUG": "1"}, "DEBUG is on: unset DEBUG (or set DEBUG=0) in production."),
        ({"FENGSHOU_BASE_DOMAIN": ""}, "FENGSHOU_BASE_DOMAIN must be set"),
        ({"FENGSHOU_BASE_DOMAIN": "localhost"}, "FENGSHOU_BASE_DOMAIN must be set"),
        ({"FENGSHOU_BASE_DOMAIN": "fengshou.localhost"}, "FENGSHOU_BASE_DOMAIN must be set"),
        ({"FENGSHOU_SANDBOX_BANK": "1"}, "unset FENGSHOU_SANDBOX_BANK"),
        ({"FENGSHOU_BANK_TRANSPORT": "inprocess"}, "FENGSHOU_BANK_BASE_URL must be set"),
        (
            {"FENGSHOU_SMS_BACKEND": "accounts.sms.OutboxBackend"},
            "FENGSHOU_SMS_BACKEND is accounts.sms.OutboxBackend, which sends no text message",
        ),
        (
            {"FENGSHOU_SMS_BACKEND": "accounts.sms.ConsoleBackend"},
            "FENGSHOU_SMS_BACKEND is accounts.sms.ConsoleBackend, which sends no text message",
        ),
        # The broker's default is database 1; the cache on it too is refused.
        (
            {"CACHE_REDIS_URL": "redis://127.0.0.1:6379/1"},
            "The cache and Celery's broker are the same Redis database",
        ),
        # Database 0 written or implied is one database; so is the older REDIS_URL.
        (
            {
                "REDIS_URL": "redis://redis.internal:6379",
                "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
            },
            "set CACHE_REDIS_URL and CELERY_BROKER_URL to different databases",
        ),
    ],
)
def test_production_refuses_an_unsafe_setting_naming_what_to_set(change, message):
    env = {key: value for key, value in {**GOOD, **change}.items() if value != ""}

    result = _production(**env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: Production settings refuse to start:" in result.stderr
    assert message in result.stderr
    assert "started" not in result.stdout


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "FENGSHOU_BASE_DOMAIN", "FENGSHOU_BANK_BASE_URL"]
)
def test_production_refuses_when_a_required_variable_is_unset(missing):
    env = {key: value for key, value in GOOD.items() if key != missing}

    result = _production(**env)

    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_the_sms_backend_left_at_its_default_is_refused():
    env = {key: value for key, value in GOOD.items() if key != "FENGSHOU_SMS_BACKEND"}

    result = _production(**env)

    assert result.returncode != 0
    assert "accounts.sms.OutboxBackend, which sends no text message" in result.stderr


def test_production_does_not_route_the_sandbox_bank():
    code = (
        "import django; django.setup()\n"
        "from django.urls import Resolver404, resolve\n"
        "try:\n"
        "    resolve('/sandbox-bank/pay/x/', urlconf='config.urls_public')\n"
        "    print('routed')\n"
        "except Resolver404:\n"
        "    print('not routed')\n"
    )

    result = _python(code, DJANGO_SETTINGS_MODULE="config.settings.production", **GOOD)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "not routed"


@pytest.mark.parametrize(
    "entry",
    [
        "import config.wsgi",
        "import config.asgi",
        "from config.celery_app import app; from django.conf import settings; settings.DEBUG",
    ],
)
def test_servers_and_workers_without_a_settings_module_are_production_and_refuse(entry):
    """No DJANGO_SETTINGS_MODULE, nothing else set: they never come up with DEBUG on."""
    result = _python(entry)

    assert result.returncode != 0
    assert "Production settings refuse to start:" in result.stderr
    assert "SECRET_KEY must be set in production." in result.stderr


def test_the_wsgi_app_with_production_configured_is_production():
    result = _python(
        "import config.wsgi; from django.conf import settings; "
        "print(settings.SETTINGS_MODULE, settings.DEBUG)",
        **GOOD,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "config.settings.production False"


def test_manage_py_without_a_settings_module_is_still_development():
    base = {key: value for key, value in os.environ.items() if key not in OURS}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"],
        cwd=REPO, env=base, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "config.settings.dev True"


def test_the_upgrade_step_runs_no_demo_data():
    """README's upgrade step names `make upgrade`, which migrates and syncs groups only."""
    readme = (REPO / "README.md").read_text()
    upgrading = readme.split("## Upgrading", 1)[1].split("\n## ", 1)[0]
    dry_run = subprocess.run(
        ["make", "-n", "upgrade"], cwd=REPO, capture_output=True, text=True, check=False
    )

    assert "After pulling a new release: `make upgrade`" in upgrading
    assert dry_run.returncode == 0, dry_run.stderr
    assert "migrate_schemas" in dry_run.stdout
    assert "sync_county_groups" in dry_run.stdout
    assert "seed_demo" not in dry_run.stdout
