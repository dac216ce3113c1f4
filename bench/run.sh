#!/usr/bin/env bash
# Benchmark the appointment form on PostgreSQL behind gunicorn (run as root:
# it starts a throwaway PostgreSQL cluster on loopback, as .ci/run does).
# Usage: bash bench/run.sh [REQUESTS] [CLIENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-2000}
CLIENTS=${2:-20}
PY=.venv/bin/python

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
PGTMP=$(mktemp -d /tmp/pgbench.XXXXXX); chown postgres:postgres "$PGTMP"
PGPORT=$($PY -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
WEBPORT=$($PY -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
GUNICORN_PID=""
cleanup() {
  [ -n "$GUNICORN_PID" ] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null || true
  (cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1) || true
  rm -rf "$PGTMP"
}
trap cleanup EXIT
(cd /tmp && runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PGTMP/initdb.log" 2>&1)
# Durability settings stay at PostgreSQL's defaults: the figure includes real commits.
(cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
  -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null)
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres app

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/app"
export DJANGO_DEBUG=0 DJANGO_SECURE=0 DJANGO_SECRET_KEY="bench-only-$(date +%s)-not-a-production-key-xxxxxxxxxxxx"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_STATIC_ROOT="$PGTMP/static" DJANGO_LOG_LEVEL=WARNING
export APPOINTMENT_RATE_LIMIT=0 APPOINTMENT_MIN_FILL_SECONDS=0 TASKS_BACKEND=database

$PY manage.py migrate --no-input >/dev/null
$PY manage.py collectstatic --no-input >/dev/null
$PY manage.py load_demo >/dev/null
WORKERS=${WORKERS:-$(( $(nproc) * 2 ))}
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$WEBPORT" --workers "$WORKERS" \
  --access-logfile /dev/null --error-logfile "$PGTMP/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$WEBPORT/request-appointment/" 2>/dev/null && break; sleep 0.2
done

echo "machine:   $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), gunicorn $WORKERS sync workers"
echo "date:      $(date -u +%Y-%m-%dT%H:%MZ)"
$PY bench/bench_appointments.py --url "http://127.0.0.1:$WEBPORT" --requests "$REQUESTS" --clients "$CLIENTS"
