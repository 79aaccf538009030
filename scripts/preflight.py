"""Are PostgreSQL and Redis reachable? Standard library only: runs before the venv exists."""

import os
import socket
import sys
from urllib.parse import urlparse

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fengshou")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

HOW_TO_START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": (
        'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
    ),
}


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def main() -> int:
    failures = []
    for name, url, default_port in (
        ("PostgreSQL", DATABASE_URL, 5432),
        ("Redis", REDIS_URL, 6379),
    ):
        parsed = urlparse(url)
        host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
        if not reachable(host, port):
            failures.append(
                f"{name} is not reachable at {host}:{port}. Start it with:\n"
                f"    {HOW_TO_START[name]}"
            )
    for failure in failures:
        print(failure, file=sys.stderr)  # noqa: T201
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
