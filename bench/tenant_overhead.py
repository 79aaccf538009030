"""What tenancy costs a request: a trivial view on a county host vs the same view without tenancy.

Two gunicorn servers run side by side in one run, identical but for one setting module:
- county: bench.settings_county, the product's middleware (hub.middleware.CountyMiddleware maps
  the host to its county, set_tenant) with the trivial view of bench/urls_trivial.py;
- bare: bench.settings_bare, the same minus CountyMiddleware, so the connection stays on public.
Both: DEBUG=False, persistent connections as configured in settings, sync workers, the same
worker count, pinned to CPU 0 when `taskset` exists; the load generator (wrk, installed with
apt-get when missing and run as root; else a bounded Python client) runs on CPU 1, loopback
only, with the county's Host header for both. The targets alternate over many short rounds
so machine noise hits both; it prints each median requests/s, county / bare of the medians
(target >= 0.7; reference: stock django-tenants 0.04 without persistent connections, 0.25 with;
host cache + skipped SET search_path ~0.75-0.79) and of each round's pair, and, as a figure a
busy shared machine disturbs far less, requests per second of the servers' own CPU time
(/proc) for each and their ratio.

Every response under load is checked: the view answers with connection.schema_name, which must
be the county's schema on the county server and `public` on the bare one. Before the load, the
SQL statements (every psycopg execute, including health checks and SET search_path) and Redis
commands per request are counted in process, on a fresh process's first request and after
warm-up: after warm-up a trivial view should cost none.

It uses its own database `fengshou_bench` (created with one county, dropped at the end; a
database left by `bench/provisioning.py --keep` is reused and kept).

    .venv/bin/python -m bench.tenant_overhead [--rounds 10] [--duration 3] [--workers 4] [--keep]
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path

from bench.harness import (
    GunicornServer,
    database_create,
    database_drop,
    pinned,
    say,
    wrk_ensure,
)

BENCH_DB = "fengshou_bench"
BENCH_ENV = {
    # Forced, not defaulted: this script must never touch the dev or test databases.
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
    "REDIS_URL": "redis://127.0.0.1:6379/13",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/13",
    "DEBUG": "0",
    "LOG_LEVEL": "WARNING",
}
os.environ.update(BENCH_ENV)
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_county"

COUNTY_SLUG = "overhead"
COUNTY_SCHEMA = "county_overhead"
COUNTY_HOST = "overhead.localhost"
PATH = "/trivial/"
MAX_REQUESTS_PYTHON_CLIENT = 200_000


# ---------------------------------------------------------------------------------------------
# The database and its county
# ---------------------------------------------------------------------------------------------


def database_prepare(*, exists: bool) -> None:
    """Migrate fengshou_bench and give it the county."""
    import django

    django.setup()
    from django.core.management import call_command

    from hub.models import County
    from hub.services import county_create

    if exists:
        say(f"reusing database {BENCH_DB}; migrate_schemas")
        call_command("migrate_schemas", interactive=False, verbosity=0)
    else:
        say(f"created database {BENCH_DB}; migrate_schemas --shared")
        call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    if not County.objects.filter(slug=COUNTY_SLUG).exists():
        say(f"creating county {COUNTY_SLUG} (template first if needed)")
        county_create(code="339901", slug=COUNTY_SLUG, name="基准开销县", name_en="Overhead")


# ---------------------------------------------------------------------------------------------
# SQL statements per request, in process
# ---------------------------------------------------------------------------------------------
def backend_calls_per_request(requests: int = 20) -> dict[str, dict[str, tuple[int, float]]]:
    """Calls to the backing services on the first trivial request of a fresh process (which
    shows the counting works) and per request after warm-up, for both variants:
    {variant: {"SQL": (first, after), "Redis": (first, after)}}. SQL: every psycopg execute
    (Django's queries, SET search_path, health-check pings); Redis: every redis-py command."""
    import psycopg
    import redis
    from django.db import connections
    from django.test import Client, override_settings

    from bench import settings_bare
    from hub.host_cache import host_cache_clear

    # WhiteNoise warns that STATIC_ROOT does not exist (no collectstatic needed here).
    warnings.filterwarnings("ignore", message="No directory at")
    counted = {"SQL": 0, "Redis": 0}
    patched = {
        "SQL": (psycopg.Cursor, "execute", psycopg.Cursor.execute),
        "Redis": (redis.Redis, "execute_command", redis.Redis.execute_command),
    }

    def counting(what, original):
        def wrapper(self, *args, **kwargs):
            counted[what] += 1
            return original(self, *args, **kwargs)

        return wrapper

    results = {}
    for what, (owner, name, original) in patched.items():
        setattr(owner, name, counting(what, original))
    try:
        for variant, overrides in (
            ("county", {}),
            ("bare", {"MIDDLEWARE": settings_bare.MIDDLEWARE}),
        ):
            # As a fresh worker starts: no connection, public schema, empty host cache.
            connections.close_all()
            connections["default"].set_schema_to_public()
            host_cache_clear()
            with override_settings(**overrides):
                client = Client(HTTP_HOST=COUNTY_HOST)
                expected = COUNTY_SCHEMA if variant == "county" else "public"
                counted.update(SQL=0, Redis=0)
                client.get(PATH)
                first = dict(counted)
                for _ in range(2):
                    client.get(PATH)
                counted.update(SQL=0, Redis=0)
                for _ in range(requests):
                    response = client.get(PATH)
                    assert response.content.decode() == expected, response.content
                results[variant] = {
                    what: (first[what], counted[what] / requests) for what in counted
                }
    finally:
        for owner, name, original in patched.values():
            setattr(owner, name, original)
        connections.close_all()
    return results


def backend_calls_text(calls: dict[str, dict[str, tuple[int, float]]]) -> str:
    return "; ".join(
        f"{variant}: "
        + ", ".join(f"{what} {first} then {after:g}" for what, (first, after) in counts.items())
        for variant, counts in calls.items()
    )


# ---------------------------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------------------------


def fetch(port: int, host: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{PATH}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


# ---------------------------------------------------------------------------------------------
# Load generators
# ---------------------------------------------------------------------------------------------
WRK_CHECK_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) expected = args[1]; ok = 0; bad = 0 end
function response(status, headers, body)
  if status == 200 and body == expected then ok = ok + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); b = b + t:get("bad") end
  io.write(string.format("CHECK ok=%d bad=%d\\n", o, b))
end
"""


class Load:
    """One measurement: requests/s, responses checked (ok, bad), socket errors, and the
    requests served per second of the server's own CPU time (set by measure())."""

    def __init__(self, rps: float, ok: int, bad: int, errors: str = ""):
        self.rps, self.ok, self.bad, self.errors = rps, ok, bad, errors
        self.per_cpu_second = 0.0


def load_wrk(wrk: str, port: int, expected: str, seconds: float, connections: int, lua: Path):
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",  # wrk takes whole seconds: "-d1.0s" is refused
        "-H",
        f"Host: {COUNTY_HOST}",
        "-s",
        str(lua),
        f"http://127.0.0.1:{port}{PATH}",
        "--",
        expected,
    ]
    done = subprocess.run(pinned(1, command), capture_output=True, text=True, timeout=seconds + 60)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    check = re.search(r"CHECK ok=(\d+) bad=(\d+)", done.stdout)
    if done.returncode != 0 or not rps or not check:
        sys.exit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    errors = re.search(r"Socket errors: (.*)", done.stdout)
    return Load(
        float(rps.group(1)),
        int(check.group(1)),
        int(check.group(2)),
        errors.group(1) if errors else "",
    )


def load_python(port: int, expected: str, seconds: float, connections: int) -> Load:
    """Fallback: threads of http.client on loopback, bounded in time and count."""
    import http.client

    counts = {"ok": 0, "bad": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        ok = bad = 0
        while time.monotonic() < deadline and ok + bad < MAX_REQUESTS_PYTHON_CLIENT // connections:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", PATH, headers={"Host": COUNTY_HOST})
                response = conn.getresponse()
                body = response.read().decode()
                if response.status == 200 and body == expected:
                    ok += 1
                else:
                    bad += 1
            except OSError:
                bad += 1
            finally:
                conn.close()
        with lock:
            counts["ok"] += ok
            counts["bad"] += bad

    # On CPU 1 like wrk: threads inherit the affinity of the thread that starts them.
    affinity = os.sched_getaffinity(0)
    if pinned(1, []):
        os.sched_setaffinity(0, {1})
    try:
        start = time.monotonic()
        threads = [threading.Thread(target=worker) for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start
    finally:
        os.sched_setaffinity(0, affinity)
    return Load((counts["ok"] + counts["bad"]) / elapsed, counts["ok"], counts["bad"])


# ---------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--duration", type=float, default=3, help="seconds per measurement")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=8, help="concurrent client connections")
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument("--keep", action="store_true", help=f"keep the {BENCH_DB} database")
    args = parser.parse_args()

    created = database_create(BENCH_DB)
    servers: list[GunicornServer] = []
    log_dir = Path(tempfile.mkdtemp(prefix="fengshou-bench-"))
    try:
        database_prepare(exists=not created)
        calls = backend_calls_per_request()
        say(
            "backing-service calls per trivial request, first request of a fresh process, "
            f"then each after warm-up (in process): {backend_calls_text(calls)}"
        )
        wrk = None if args.python_client else wrk_ensure()
        say(f"load generator: {'wrk' if wrk else 'Python threads + http.client'}")

        lua = log_dir / "check.lua"
        lua.write_text(WRK_CHECK_LUA)
        targets = {"county": COUNTY_SCHEMA, "bare": "public"}
        servers = [
            GunicornServer("county", "bench.settings_county", args.workers, log_dir),
            GunicornServer("bare", "bench.settings_bare", args.workers, log_dir),
        ]
        for server in servers:
            server.wait_ready(lambda port: fetch(port, COUNTY_HOST))
        ports = {server.name: server.port for server in servers}
        say(f"gunicorn up: county on :{ports['county']}, bare on :{ports['bare']}")

        # Routing sanity: the county server is tenant-aware, the bare one is not.
        checks = {
            "county server, county host": (
                fetch(ports["county"], COUNTY_HOST),
                (200, COUNTY_SCHEMA),
            ),
            "county server, unknown host": (fetch(ports["county"], "nowhere.localhost")[0], 404),
            "bare server, county host": (fetch(ports["bare"], COUNTY_HOST), (200, "public")),
        }
        for what, (got, wanted) in checks.items():
            if got != wanted:
                sys.exit(f"{what}: got {got!r}, wanted {wanted!r}")
        say("routing checked: county host -> county_overhead, unknown host -> 404, bare -> public")

        by_name = {server.name: server for server in servers}

        def measure(name: str, seconds: float) -> Load:
            cpu_before = by_name[name].cpu_seconds()
            if wrk:
                load = load_wrk(wrk, ports[name], targets[name], seconds, args.connections, lua)
            else:
                load = load_python(ports[name], targets[name], seconds, args.connections)
            cpu = by_name[name].cpu_seconds() - cpu_before
            load.per_cpu_second = (load.ok + load.bad) / cpu if cpu > 0 else 0.0
            return load

        for name in targets:
            measure(name, 2)
        say("warmed up both servers (2 s each)")

        results: dict[str, list[Load]] = {"county": [], "bare": []}
        for run in range(1, args.rounds + 1):
            order = ["county", "bare"] if run % 2 else ["bare", "county"]
            for name in order:
                load = measure(name, args.duration)
                results[name].append(load)
                extra = f", socket errors: {load.errors}" if load.errors else ""
                say(
                    f"round {run}/{args.rounds} {name:6} {load.rps:8.1f} req/s, "
                    f"{load.per_cpu_second:6.0f} per server CPU-s "
                    f"(checked {load.ok} ok, {load.bad} wrong{extra})"
                )
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(log_dir, ignore_errors=True)
        if created and not args.keep:
            say(f"dropping database {BENCH_DB}")
            database_drop(BENCH_DB)
        else:
            say(f"kept database {BENCH_DB}")

    medians = {
        name: statistics.median(load.rps for load in loads) for name, loads in results.items()
    }
    paired = [c.rps / b.rps for c, b in zip(results["county"], results["bare"], strict=True)]
    per_cpu = {
        name: statistics.median(load.per_cpu_second for load in loads)
        for name, loads in results.items()
    }
    wrong = sum(load.bad for loads in results.values() for load in loads)
    checked = sum(load.ok + load.bad for loads in results.values() for load in loads)
    print()
    print(
        f"setup: gunicorn sync x{args.workers} per server"
        f"{' on CPU 0' if pinned(0, []) else ''}; {'wrk -t1' if wrk else 'Python client'} "
        f"-c{args.connections}{' on CPU 1' if pinned(1, []) else ''}; "
        f"{args.rounds} rounds x {args.duration:g} s, alternating"
    )
    for name, loads in results.items():
        rounds = ", ".join(f"{load.rps:.0f}" for load in loads)
        label = f"{name} ({'county host, tenancy' if name == 'county' else 'tenancy bypassed'}):"
        print(f"{label:36} median {medians[name]:7.1f} req/s ({rounds})")
    print(f"county / bare, medians: {medians['county'] / medians['bare']:.3f} (target >= 0.7)")
    print(
        f"county / bare, per round: median {statistics.median(paired):.3f} "
        f"({', '.join(f'{ratio:.2f}' for ratio in paired)})"
    )
    print(
        "requests per second of server CPU (less sensitive to a noisy machine): "
        f"county {per_cpu['county']:.0f}, bare {per_cpu['bare']:.0f}, "
        f"ratio {per_cpu['county'] / per_cpu['bare']:.3f}"
    )
    print(f"responses checked under load: {checked}, from the wrong schema or not 200: {wrong}")
    print(
        "SQL statements and Redis commands per trivial request, the first of a fresh process "
        f"then each after warm-up: {backend_calls_text(calls)}"
    )
    if wrong:
        sys.exit(1)


if __name__ == "__main__":
    main()
