"""Settings modules: production passes Django's deploy checklist; every module loads."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# Everything production needs (tests/test_production_refuses.py breaks each in turn).
PRODUCTION_ENV = {
    "SECRET_KEY": "x7#kq2!pz9w" * 6,
    "ALLOWED_HOSTS": ".fengshou.example.cn,fengshou.example.cn",
    "FENGSHOU_BASE_DOMAIN": "fengshou.example.cn",
    "FENGSHOU_SMS_BACKEND": "provincesms.backends.ProviderBackend",
    "FENGSHOU_BANK_BASE_URL": "https://gateway.bank.example.cn",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        **PRODUCTION_ENV,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


@pytest.mark.parametrize("module", ["dev", "test"])
def test_settings_modules_pass_check(module):
    result = _manage("check", DJANGO_SETTINGS_MODULE=f"config.settings.{module}")

    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_read_the_environment(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.DEFAULT_AUTO_FIELD == "django.db.models.BigAutoField"
    assert os.environ.get("FENGSHOU_BASE_DOMAIN", "localhost") == settings.FENGSHOU_BASE_DOMAIN
    for alias in settings.CACHES.values():
        assert alias["KEY_FUNCTION"] == "django_tenants.cache.make_key"


def test_production_trusts_one_reverse_proxy_for_the_client_address():
    """core/client_ip.py: production sits behind the proxy that sets X-Forwarded-Proto."""
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.FENGSHOU_TRUSTED_PROXY_COUNT)",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        **PRODUCTION_ENV,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1"
