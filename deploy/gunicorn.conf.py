"""gunicorn's configuration for Fengshou: `gunicorn -c deploy/gunicorn.conf.py` (docs/deploy.md).

Every value can be changed from the environment file (deploy/.env.example) without editing
this one. nginx stands in front (deploy/nginx/fengshou.conf): it terminates TLS, buffers slow
clients and uploads, serves /static/ and sends media after Django's permission check, so the
workers only run Python.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"

# A Unix socket on one machine (RuntimeDirectory= of deploy/systemd/fengshou-web.service);
# host:port when nginx runs elsewhere or in tests.
bind = os.environ.get("GUNICORN_BIND", "unix:/run/fengshou/gunicorn.sock")
# Sync workers: nginx buffers whole requests and responses, so a worker is busy only while
# Django works. 2 per core + 1 is gunicorn's own rule of thumb; each holds one persistent
# PostgreSQL connection (CONN_MAX_AGE), which bounds what the database must allow.
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
# A request that takes longer is stuck (the slowest pages take well under a second); the worker
# is replaced rather than left holding a connection.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak in any library never grows without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Logs to stdout and stderr: systemd's journal keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-Proto is believed only from nginx on this machine; the client's address for
# throttles is Django's (FENGSHOU_TRUSTED_PROXY_COUNT, core/client_ip.py), not gunicorn's.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Headers of a sane size; nginx already refuses larger ones.
limit_request_field_size = 8190
