"""`make run` / `make test` first ask scripts/preflight.py whether PostgreSQL and Redis answer."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _preflight(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "scripts/preflight.py"],
        cwd=REPO,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_preflight_passes_when_both_services_answer():
    result = _preflight(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x", REDIS_URL="redis://127.0.0.1:6379/0"
    )

    assert (result.returncode, result.stderr) == (0, "")


def test_preflight_names_postgresql_and_how_to_start_it():
    result = _preflight(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/x", REDIS_URL="redis://127.0.0.1:6379/0"
    )

    assert result.returncode == 1
    assert "PostgreSQL is not reachable at 127.0.0.1:1" in result.stderr
    assert "pg_ctlcluster" in result.stderr
    assert "Redis" not in result.stderr


def test_preflight_names_redis_and_how_to_start_it():
    result = _preflight(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x", REDIS_URL="redis://127.0.0.1:2/0"
    )

    assert result.returncode == 1
    assert "Redis is not reachable at 127.0.0.1:2" in result.stderr
    assert "redis-server --daemonize yes" in result.stderr
    assert "PostgreSQL" not in result.stderr
