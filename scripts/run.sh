#!/usr/bin/env bash
# `make run`: database, migrations, register, demo data and its recent history, then the web server, a
# Celery worker and beat.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.settings.dev
DATABASE_URL="$($PY scripts/dev_database.py)"
export DATABASE_URL
PORT="${PORT:-8000}"
HOST="${HOST:-127.0.0.1}"
export SITE_URL="${SITE_URL:-http://$HOST:$PORT}"

BROKER="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
if $PY -c "import redis,sys; redis.Redis.from_url('$BROKER', socket_connect_timeout=1).ping()" 2>/dev/null; then
  export CELERY_BROKER_URL="$BROKER"
  EAGER=0
else
  echo "Redis does not answer at $BROKER: Celery tasks will run eagerly inside the web server; no worker or beat."
  export CELERY_TASK_ALWAYS_EAGER=true
  EAGER=1
fi

$PY manage.py migrate --noinput -v0
$PY manage.py import_councils
$PY manage.py load_demo
$PY manage.py load_demo_history

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
mkdir -p .data/logs
if [ "$EAGER" = 0 ]; then
  .venv/bin/celery -A config worker --loglevel=INFO --concurrency=2 >.data/logs/worker.log 2>&1 &
  pids+=($!)
  .venv/bin/celery -A config beat --loglevel=INFO --schedule .data/celerybeat-schedule \
    --scheduler django_celery_beat.schedulers:DatabaseScheduler >.data/logs/beat.log 2>&1 &
  pids+=($!)
  echo "Celery worker and beat started (logs in .data/logs/)."
fi
echo
echo "LocalGov Talent Pool is running at $SITE_URL/  (Ctrl+C stops everything)"
if [ "$EAGER" = 1 ]; then
  echo "E-mails are printed to this console."
else
  echo "E-mails are sent by the Celery worker and printed in its log: .data/logs/worker.log"
fi
echo
$PY manage.py runserver "$HOST:$PORT" --noreload
