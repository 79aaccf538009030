"""What every benchmark here needs: timestamped progress, its own throwaway database, free
ports, CPU pinning and the wrk load generator. Benchmarks add the repo root to sys.path
themselves before importing this."""

import os
import shutil
import socket
import subprocess
import time

ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
T0 = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {message}", flush=True)


def admin_connect():
    import psycopg

    return psycopg.connect(ADMIN_URL, autocommit=True)


def database_create(name: str) -> bool:
    """Create database `name` unless it exists. True if created here."""
    with admin_connect() as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def database_drop(name: str) -> None:
    """Drop database `name`, closing this process's Django connections to it first."""
    from django.db import connections

    connections.close_all()
    with admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_recreate(name: str) -> None:
    with admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pinned(cpu: int, command: list[str]) -> list[str]:
    """`command` on one CPU, so the server and the load generator do not share a core."""
    if shutil.which("taskset") and (os.cpu_count() or 1) >= 2:
        return ["taskset", "-c", str(cpu), *command]
    return command


def wrk_ensure() -> str | None:
    """The path of wrk, installing Debian's package when we are root; None without it."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    say("installing wrk (apt-get)")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], env=env, check=False, **quiet)
    subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=False, **quiet)
    return shutil.which("wrk")
