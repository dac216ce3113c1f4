#!/usr/bin/env bash
# Site search at size (1,000 procedures, 300 conditions) on SQLite, then on a
# throwaway PostgreSQL cluster on loopback (run as root, as .ci/run does).
# Usage: bash bench/search.sh [REPEAT] [BEFORE]   See bench/README.md.
# BEFORE (a git revision): that revision's search and this tree's take turns, request by
# request, on each database (bench_search.py --before), instead of this tree's alone.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${1:-15}
BEFORE=${2:-}
ARGS=(--repeat "$REPEAT"); [ -n "$BEFORE" ] && ARGS+=(--before "$BEFORE")
PY=.venv/bin/python
WORK=$(mktemp -d /tmp/benchsearch.XXXXXX); chmod 755 "$WORK"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
PGTMP=""
cleanup() {
  if [ -n "$PGTMP" ]; then
    (cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1) || true
    rm -rf "$PGTMP"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DJANGO_DEBUG=0 DJANGO_SECURE=0 DJANGO_SECRET_KEY="bench-only-$(date +%s)-not-a-production-key-xxxxxxxxxxxx"
export DJANGO_ALLOWED_HOSTS=testserver DJANGO_LOG_LEVEL=WARNING TASKS_BACKEND=immediate
export DJANGO_MEDIA_ROOT="$WORK/media" DJANGO_STATIC_ROOT="$WORK/static"

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), Python $($PY -c 'import platform;print(platform.python_version())')"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ); tree $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- sitesearch bench || echo ' (with changes)')"

$PY manage.py collectstatic --no-input >/dev/null

echo; echo "== SQLite"
export DATABASE_URL="sqlite:///$WORK/bench.sqlite3"
# Each database its own cache on disk: the versions, vocabulary and kept parts are one site's.
export CACHE_DIR="$WORK/cache-sqlite"
$PY manage.py migrate --no-input >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
$PY bench/bench_search.py "${ARGS[@]}"

echo; echo "== PostgreSQL"
PGTMP=$(mktemp -d /tmp/pgbench.XXXXXX); chown postgres:postgres "$PGTMP"
PGPORT=$($PY -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
(cd /tmp && runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PGTMP/initdb.log" 2>&1)
# Durability settings stay at PostgreSQL's defaults: the figure includes real commits.
(cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
  -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1" start >/dev/null)
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres app
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}')"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/app" CACHE_DIR="$WORK/cache-postgresql"
$PY manage.py migrate --no-input >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
$PY bench/bench_search.py "${ARGS[@]}"
