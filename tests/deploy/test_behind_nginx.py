"""The deployment kit, run: production settings under gunicorn (deploy/gunicorn.conf.py)
behind Debian's nginx with deploy/nginx/fengshou.conf, over TLS, serving a county page, a
collected static file and a county's media file (sent by nginx after Django's check, through
X-Accel-Redirect) (issue 12, point 1).

Heavy (collectstatic, two servers): marked `deploy`; `make test` runs it, installing nginx
first when root (scripts/nginx.sh). Skipped where nginx or openssl is missing.
"""

import http.client
import io
import json
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from PIL import Image

from tests.fixtures.counties import host_of

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.skipif(
        not (os.access(NGINX, os.X_OK) and shutil.which("openssl")),
        reason="nginx or openssl is not installed (scripts/nginx.sh installs them as root)",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nothing listens on {port}:\n{log.read_text()[-3000:]}")


def _production_env(tmp: Path, gunicorn_port: int) -> dict:
    database = dict(connection.settings_dict)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # The test counties' domains are <slug>.localhost; the base domain only has to be a
        # public-looking one for production to start.
        "FENGSHOU_BASE_DOMAIN": "fengshou.test",
        "ALLOWED_HOSTS": ".localhost,localhost",
        "FENGSHOU_BANK_BASE_URL": "https://bank.fengshou.test",
        # Any class that is not one of the two that send nothing: no text is sent here.
        "FENGSHOU_SMS_BACKEND": "accounts.sms.BaseSmsBackend",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database.get('PASSWORD') or ''}@"
            f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}",
        "GUNICORN_WORKERS": "1",
    }


def _nginx_site(tmp: Path, gunicorn_port: int, http_port: int, https_port: int) -> str:
    """deploy/nginx/fengshou.conf with this machine's ports, folders, names and certificate."""
    site = (ROOT / "deploy" / "nginx" / "fengshou.conf").read_text()
    replacements = {
        "unix:/run/fengshou/gunicorn.sock": f"127.0.0.1:{gunicorn_port}",
        "listen [::]:80;": "",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "fengshou.example.cn": "localhost",
        "/etc/ssl/fengshou/fullchain.pem": str(tmp / "cert.pem"),
        "/etc/ssl/fengshou/privkey.pem": str(tmp / "key.pem"),
        "/srv/fengshou/static/": f"{tmp / 'static'}/",
        "/srv/fengshou/media/": f"{tmp / 'media'}/",
    }
    for old, new in replacements.items():
        assert old in site, old  # the kit's file still has what this test substitutes
        site = site.replace(old, new)
    return site


def _nginx_conf(tmp: Path) -> str:
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the pytest folders
    temp = " ".join(
        f"{kind}_temp_path {tmp / 'nginx' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}\ndaemon off;\nworker_processes 1;\npid {tmp / 'nginx.pid'};\n"
        f"error_log {tmp / 'nginx-error.log'} warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log {tmp / 'nginx-access.log'};\n"
        f" {temp}\n include {tmp / 'site.conf'};\n}}\n"
    )


@pytest.fixture
def behind_nginx(county, db, tmp_path):
    tmp = tmp_path
    (tmp / "nginx").mkdir()
    gunicorn_port, http_port, https_port = _free_port(), _free_port(), _free_port()
    env = _production_env(tmp, gunicorn_port)
    subprocess.run(
        [BIN / "python", "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,DNS:*.localhost",
            "-keyout",
            tmp / "key.pem",
            "-out",
            tmp / "cert.pem",
        ],  # fmt: skip
        check=True,
        capture_output=True,
        timeout=60,
    )
    (tmp / "site.conf").write_text(_nginx_site(tmp, gunicorn_port, http_port, https_port))
    (tmp / "nginx.conf").write_text(_nginx_conf(tmp))
    gunicorn_log, nginx_log = tmp / "gunicorn.log", tmp / "nginx-error.log"
    nginx_log.touch()
    with gunicorn_log.open("w") as log:
        gunicorn = subprocess.Popen(
            [BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(nginx_log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(gunicorn_port, gunicorn, gunicorn_log)
        _wait_for_port(https_port, nginx, nginx_log)
        yield {"tmp": tmp, "https": https_port, "http": http_port, "county": county}
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _get(port: int, host: str, path: str, *, tls: bool = True):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # our own certificate, made above
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Host": host})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_a_county_page_static_and_media_through_nginx(behind_nginx, other_county):
    tmp, port, county = behind_nginx["tmp"], behind_nginx["https"], behind_nginx["county"]
    host = host_of(county)
    # A county's Wagtail image, where TenantFileSystemStorage keeps it.
    image = tmp / "media" / county.schema_name / "images" / "banner.fill-780x300.png"
    image.parent.mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (78, 30), (120, 170, 90)).save(buffer, format="PNG")
    image.write_bytes(buffer.getvalue())
    manifest = json.loads((tmp / "static" / "staticfiles.json").read_text())["paths"]
    css = manifest["fengshou/base.css"]

    page, html = _get(port, host, "/")
    static, static_body = _get(port, host, f"/static/{css}")
    media_url = f"/media/{county.schema_name}/images/banner.fill-780x300.png"
    media, media_body = _get(port, host, media_url)
    elsewhere, _ = _get(port, host_of(other_county), media_url)
    # A name with Chinese and a space: quoted in X-Accel-Redirect, found by nginx.
    chinese = image.with_name("春茶 横幅.png")
    chinese.write_bytes(buffer.getvalue())
    quoted = f"/media/{county.schema_name}/images/%E6%98%A5%E8%8C%B6%20%E6%A8%AA%E5%B9%85.png"
    chinese_media, chinese_body = _get(port, host, quoted)
    internal, _ = _get(port, host, f"/_protected_media/{county.schema_name}/images/x.png")
    plain, _ = _get(behind_nginx["http"], host, "/", tls=False)

    assert page.status == 200, html[-2000:]
    assert county.name in html.decode()
    assert page.getheader("Strict-Transport-Security", "").startswith("max-age=")
    assert static.status == 200
    assert static_body == (tmp / "static" / css).read_bytes()
    assert static.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert media.status == 200
    assert media_body == buffer.getvalue()
    assert media.getheader("Content-Type") == "image/png"
    assert media.getheader("X-Accel-Redirect") is None  # nginx consumed it
    assert (chinese_media.status, chinese_body) == (200, buffer.getvalue())
    assert elsewhere.status == 404
    assert internal.status == 404
    assert plain.status == 301
    assert plain.getheader("Location") == f"https://{host}/"
