#!/usr/bin/env bash
# Bytes and queries of every public page type at demo size, then at 1,000
# procedures and 300 conditions: on SQLite, then (run as root, as .ci/run
# does) on a throwaway PostgreSQL cluster on loopback. Production settings,
# page cache off. Exit status 1 when a grown page is 60 KB or more, or its
# queries grew (see bench/bench_growth.py).
# Usage: bash bench/growth.sh [--sample N] [--sqlite-only]   See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ARGS=() SQLITE_ONLY=0
for arg in "$@"; do
  if [ "$arg" = "--sqlite-only" ]; then SQLITE_ONLY=1; else ARGS+=("$arg"); fi
done
PY=.venv/bin/python
WORK=$(mktemp -d /tmp/benchgrowth.XXXXXX); chmod 755 "$WORK"
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
export DJANGO_MEDIA_ROOT="$WORK/media" DJANGO_STATIC_ROOT="$WORK/static" PAGE_CACHE_SECONDS=0

$PY manage.py collectstatic --no-input >/dev/null
STATUS=0
# Others may be editing the tree: say what was measured.
echo "tree: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench' || echo ' + uncommitted changes outside bench/')"

echo "== SQLite"
export DATABASE_URL="sqlite:///$WORK/bench.sqlite3"
$PY manage.py migrate --no-input >/dev/null
$PY bench/bench_growth.py "${ARGS[@]}" || STATUS=$?

if [ "$SQLITE_ONLY" = 1 ]; then exit "$STATUS"; fi
echo; echo "== PostgreSQL"
PGTMP=$(mktemp -d /tmp/pgbench.XXXXXX); chown postgres:postgres "$PGTMP"
PGPORT=$($PY -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
(cd /tmp && runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PGTMP/initdb.log" 2>&1)
(cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
  -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1" start >/dev/null)
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres app
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}')"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/app"
$PY manage.py migrate --no-input >/dev/null
$PY bench/bench_growth.py "${ARGS[@]}" || STATUS=$?
exit "$STATUS"
