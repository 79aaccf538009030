"""What every benchmark here needs: timestamped progress, its own throwaway database, free
ports, CPU pinning, gunicorn servers, the wrk load generator and a checked load of one path.
Benchmarks run from the repo root as `python -m bench.<name>`, which puts the root (and so
`bench`) on sys.path; the product's packages come from the editable install (`make venv`)."""

import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


class GunicornServer:
    """The product's WSGI app under gunicorn (sync workers) on a free port, pinned to CPU 0,
    with `settings_module` and the current environment plus `env`."""

    def __init__(self, name: str, settings_module: str, workers: int, log_dir: Path, env=None):
        self.name = name
        self.port = free_port()
        self.log = log_dir / f"gunicorn-{name}.log"
        full_env = {
            **os.environ,
            **(env or {}),
            "DJANGO_SETTINGS_MODULE": settings_module,
        }
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={workers}",
            "--worker-class=sync",
            # gunicorn puts --chdir on sys.path: bench.settings_* import from the repo root.
            f"--chdir={ROOT}",
            "--log-level=warning",
            f"--error-logfile={self.log}",
        ]
        self.process = subprocess.Popen(
            pinned(0, command), env=full_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def wait_ready(self, probe: Callable[[int], object], timeout: float = 60) -> None:
        """Until `probe(port)` stops raising OSError (the server answers), or exit."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn {self.name} exited:\n{self.log.read_text()}")
            with contextlib.suppress(OSError):
                probe(self.port)
                return
            time.sleep(0.3)
        sys.exit(f"gunicorn {self.name} not ready after {timeout} s")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the master and its workers so far (Linux /proc)."""
        pids = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    if int(fields[1]) == self.process.pid:
                        pids.append(int(entry.name))
        ticks = 0
        for pid in pids:
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# Load: one path, checked. Every response must be a 200 holding `expected`.
MAX_REQUESTS_PYTHON_CLIENT = 100_000


def fetch(
    port: int, path: str, *, host: str, headers: dict | None = None
) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": host, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, b"", {}


WRK_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) expected = args[1]; ok = 0; bad = 0 end
function response(status, headers, body)
  if status == 200 and string.find(body, expected, 1, true) then ok = ok + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); b = b + t:get("bad") end
  io.write(string.format("CHECK ok=%d bad=%d p95us=%d\\n", o, b, latency:percentile(95.0)))
end
"""


def load_wrk(
    wrk, port, path, expected, seconds, connections, lua, *, host: str
) -> tuple[float, float, int]:
    """(requests/s, p95 ms, wrong responses) of wrk on CPU 1 against a server on CPU 0."""
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{int(seconds)}s",
        "-H",
        f"Host: {host}",
        "-s",
        str(lua),
        f"http://127.0.0.1:{port}{path}",
        "--",
        expected,
    ]
    done = subprocess.run(pinned(1, command), capture_output=True, text=True, timeout=seconds + 60)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    check = re.search(r"CHECK ok=(\d+) bad=(\d+) p95us=(\d+)", done.stdout)
    if done.returncode != 0 or not rps or not check:
        sys.exit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    return float(rps.group(1)), int(check.group(3)) / 1000, int(check.group(2))


def load_python(
    port, path, expected, seconds, connections, *, host: str
) -> tuple[float, float, int]:
    """As load_wrk, with threads and http.client when wrk cannot be installed."""
    import http.client

    latencies, bad = [], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    wanted = expected.encode()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline and len(latencies) < MAX_REQUESTS_PYTHON_CLIENT:
            start = time.perf_counter()
            conn.request("GET", path, headers={"Host": host})
            response = conn.getresponse()
            body = response.read()
            with lock:
                latencies.append(time.perf_counter() - start)
                if response.status != 200 or wanted not in body:
                    bad[0] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _n in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) > 20 else 0
    return len(latencies) / elapsed, p95, bad[0]


def load_rounds(
    targets, *, wrk, lua, seconds: int, connections: int, rounds: int, host: str
) -> dict[str, list[tuple[float, float, int]]]:
    """Each (name, server, path, expected) loaded `rounds` times, the targets interleaved in
    every round so the machine's noise falls on all of them alike: name -> the rounds'
    (requests/s, p95 ms, wrong responses). wrk when given, else the Python client."""
    results: dict[str, list[tuple[float, float, int]]] = {name: [] for name, *_ in targets}
    for round_number in range(rounds):
        for name, server, path, expected in targets:
            if wrk:
                result = load_wrk(
                    wrk, server.port, path, expected, seconds, connections, lua, host=host
                )
            else:
                result = load_python(server.port, path, expected, seconds, connections, host=host)
            results[name].append(result)
        say(f"round {round_number + 1}/{rounds} done")
    return results


def medians(
    results: dict[str, list[tuple[float, float, int]]],
) -> dict[str, tuple[float, float, int]]:
    """name -> (median requests/s, median p95 ms, all wrong responses) of load_rounds."""
    return {
        name: (
            statistics.median(r[0] for r in runs),
            statistics.median(r[1] for r in runs),
            sum(r[2] for r in runs),
        )
        for name, runs in results.items()
    }
