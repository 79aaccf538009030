#!/usr/bin/env bash
# Serves the site and runs a Celery worker with beat; Ctrl-C stops both.
set -euo pipefail
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
PY=.venv/bin/python
# No PYTHONPATH: config and the apps come from the editable install (make venv).
# Celery's app (like wsgi and asgi) defaults to production settings; this is development.
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}

# One worker takes every queue here (sms, images, imports, reports, default); production runs
# one per queue (config/celery_queues.py).
QUEUES=$($PY -c 'import django; django.setup(); from django.conf import settings
print(",".join(queue.name for queue in settings.CELERY_TASK_QUEUES))')
.venv/bin/celery -A config worker --beat --loglevel=INFO --concurrency=2 -Q "$QUEUES" \
  --schedule var/celerybeat-schedule &
CELERY_PID=$!
trap 'kill $CELERY_PID 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  丰收 Fengshou is running.
  Province portal:  http://localhost:$PORT/         admin: http://localhost:$PORT/admin/
                    login province / fengshou-demo
  Counties (Wagtail site at /, Wagtail admin at /admin/, login operator / fengshou-demo):
    安吉县  http://anji.localhost:$PORT/
    淳安县  http://chunan.localhost:$PORT/
    遂昌县  http://suichang.localhost:$PORT/
  Celery worker and beat are running (log below). Ctrl-C stops everything.

MSG
$PY manage.py runserver "$HOST:$PORT"
