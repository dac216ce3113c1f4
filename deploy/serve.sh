#!/usr/bin/env bash
# `make serve`: the site as in production, on one machine. Debug off, after
# migrate and collectstatic: gunicorn (WEB_CONCURRENCY workers, default two
# per core) and one background worker (notifications, search index, purges).
# The access log (deploy/gunicorn.conf.py) has paths and statuses, never query strings.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${DJANGO_SECRET_KEY:-}" ] || [ -z "${DJANGO_ALLOWED_HOSTS:-}" ]; then
  echo "make serve runs the site as in production: set DJANGO_SECRET_KEY (a long random" >&2
  echo "value) and DJANGO_ALLOWED_HOSTS (the host names it answers to) first." >&2
  echo "See .env.example and docs/deploy.md." >&2
  exit 2
fi

export DJANGO_DEBUG=0
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WEB_CONCURRENCY:-$(( $(nproc) * 2 ))}
# gunicorn reads WEB_CONCURRENCY itself, as int(), when it loads its settings: set
# but empty (WEB_CONCURRENCY= make serve) it would stop with a ValueError before
# listening, so it always gets the number given on its command line.
export WEB_CONCURRENCY=$WORKERS

$PY manage.py check --deploy --fail-level ERROR
$PY manage.py migrate --no-input
# Now the tables exist: say at start when new appointment requests notify nobody.
$PY manage.py check --deploy --tag appointments --fail-level CRITICAL
$PY manage.py collectstatic --no-input --verbosity 0

# Newsletter issues a killed worker was sending: queued again before the worker starts.
$PY manage.py resume_newsletter_sending
$PY manage.py db_worker --queue-name '*' &
WORKER_PID=$!
trap 'kill "$WORKER_PID" 2>/dev/null || true' EXIT INT TERM

echo "Serving http://$HOST:$PORT/ with $WORKERS gunicorn workers and one db_worker."
.venv/bin/gunicorn config.wsgi:application --config deploy/gunicorn.conf.py \
  --bind "$HOST:$PORT" --workers "$WORKERS" \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
