#!/usr/bin/env bash
# The busiest pages under load, side by side in one run (run as root):
#   1. queries and render time, one request at a time (bench/bench_render.py);
#   2. wrk -t2 -c20 -d15s --latency against `make serve` (gunicorn, debug off,
#      the demo site): uncached (PAGE_CACHE_SECONDS=0; with the default
#      workers, then WEB_CONCURRENCY=2) and with the app's page cache (on
#      disk, each database its own), each on SQLite and then at once on PostgreSQL (a throwaway
#      cluster on loopback, as bench/run.sh starts it), then the page cache in
#      Redis, through Varnish with the project's VCL; then the ceilings: nginx
#      serving saved copies of the same pages, and the same Varnish with a
#      default VCL in front of nginx.
# Usage: bash bench/site.sh [DURATION]   See bench/README.md.
#   SITE_ROWS=pg-ratio [ROUNDS=3] bash bench/site.sh [DURATION]: only the uncached
#   procedure page, SQLite and PostgreSQL (who goes first alternates by round), ROUNDS times over (4 workers, then 2),
#   with each server's CPU per request and the ratio of each pair (issue 23 item 2).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-15s}
SITE_ROWS=${SITE_ROWS:-all} ROUNDS=${ROUNDS:-3}
PY=.venv/bin/python
ROOT=$(pwd)
WORK=$(mktemp -d /tmp/benchsite.XXXXXX); chmod 755 "$WORK"
APP=8101 VARNISH=8103 NGINX=8104 VARNISH_NGINX=8105 REDIS=8106
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  pkill -f "varnishd.*$WORK" 2>/dev/null || true
  [ -n "${PGBIN:-}" ] && (cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null 2>&1) || true
  sleep 1; rm -rf "$WORK"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk; need nginx nginx-light; need varnishd varnish; need redis-server redis-server

export DJANGO_DEBUG=0 DJANGO_SECURE=0 DJANGO_SECRET_KEY="bench-only-$(date +%s)-not-a-production-key-xxxxxxxxxxxx"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver DJANGO_LOG_LEVEL=WARNING
export DJANGO_MEDIA_ROOT="$WORK/media" DJANGO_STATIC_ROOT="$WORK/static"
SQLITE_URL="sqlite:///$WORK/site.sqlite3"
export DATABASE_URL=$SQLITE_URL
# Each database its own cache on disk (make serve's without Redis): the kept parts of
# pages, the page cache and the versions are one site's, never the other's.
cache_of() { [ "$1" = "$SQLITE_URL" ] && echo "$WORK/cache-sqlite" || echo "$WORK/cache-postgresql"; }
export CACHE_DIR=$WORK/cache-sqlite

# PostgreSQL: a throwaway cluster on loopback as bench/run.sh starts it (default
# durability), with the server settings docs/deploy.md names for the site.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
[ -x "$PGBIN/initdb" ] || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1); }
mkdir -p "$WORK/pg"; chown postgres:postgres "$WORK/pg"
PGPORT=$($PY -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
(cd /tmp && runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$WORK/pg/initdb.log" 2>&1)
(cd /tmp && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/server.log" -w -t 60 \
  -o "-p $PGPORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=100 -c shared_buffers=256MB -c jit=off" start >/dev/null)
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres app
PG_URL="postgres://postgres@127.0.0.1:$PGPORT/app"

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), Python $($PY -c 'import platform;print(platform.python_version())'), $(varnishd -V 2>&1 | head -1 | cut -d' ' -f2 | tr -d '()'), nginx $(nginx -v 2>&1 | cut -d/ -f2), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "database: SQLite $($PY -c 'import sqlite3;print(sqlite3.sqlite_version)') and PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') (CONN_MAX_AGE ${DATABASE_CONN_MAX_AGE:-60} s)"

# Tasks run inline while loading: the worker starts with an empty queue (a
# worker busy writing to SQLite would hold up readers and skew the figures).
for url in "$SQLITE_URL" "$PG_URL"; do
  DATABASE_URL=$url CACHE_DIR=$(cache_of "$url") TASKS_BACKEND=immediate $PY manage.py migrate --no-input >/dev/null
  DATABASE_URL=$url CACHE_DIR=$(cache_of "$url") TASKS_BACKEND=immediate $PY manage.py load_demo >/dev/null
done
$PY manage.py collectstatic --no-input --verbosity 0

if [ "$SITE_ROWS" = all ]; then
  echo; echo "## One request at a time (in process, page cache off): SQLite"; echo
  TASKS_BACKEND=immediate $PY bench/bench_render.py
  echo; echo "## One request at a time (in process, page cache off): PostgreSQL"; echo
  DATABASE_URL=$PG_URL CACHE_DIR=$(cache_of "$PG_URL") TASKS_BACKEND=immediate $PY bench/bench_render.py
fi
URLS=$(TASKS_BACKEND=immediate $PY bench/bench_render.py --urls)
PAGES=$($PY -c 'import json,sys; print(" ".join(json.loads(sys.argv[1])))' "$URLS")
url_of() { $PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$URLS" "$1"; }

wait_for() {  # URL [PID]
  # make serve checks, migrates and collects static first: minutes on a busy machine.
  # Given the server's process, stop waiting as soon as it has exited.
  for _ in $(seq 1 1200); do
    curl -fs --max-time 10 -o /dev/null "$1" && return 0
    if [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null; then echo "exited before answering: $1" >&2; return 1; fi
    sleep 0.5
  done
  echo "not answering: $1" >&2; return 1
}

serve() {  # PAGE_CACHE_SECONDS [REDIS_URL] [WEB_CONCURRENCY]
  # WEB_CONCURRENCY only when given: make serve's default otherwise.
  env PAGE_CACHE_SECONDS="$1" REDIS_URL="${2:-}" HOST=127.0.0.1 PORT=$APP ${3:+WEB_CONCURRENCY=$3} \
    setsid make --no-print-directory serve >"$WORK/serve-$APP.log" 2>&1 &
  PIDS+=($!)
  wait_for "http://127.0.0.1:$APP/healthz" "$!" || { tail -n 30 "$WORK/serve-$APP.log" >&2; return 1; }
}

stop_serving() {
  local pid=${PIDS[-1]}; unset 'PIDS[-1]'
  kill -- -"$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do curl -fs -o /dev/null "http://127.0.0.1:$APP/healthz" || return 0; sleep 0.25; done
}

HEADER="| page | served by | requests/s | p50 | p99 | errors |"
RULE="| --- | --- | --- | --- | --- | --- |"

load() {  # PAGE LABEL BASE_URL
  local url; url="$3$(url_of "$1")"
  for _ in 1 2 3 4 5; do curl -fs -o /dev/null "$url"; done
  # As every browser does: the app gzips, Varnish keeps and sends the gzipped copy.
  wrk -t2 -c20 -d"$DURATION" --latency -H "Accept-Encoding: gzip" "$url" | awk -v page="$1" -v label="$2" '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 }
    /^ +99%/ { p99 = $2 }
    /Non-2xx/ { errors += $NF }
    # "Socket errors: connect 0, read 0, write 0, timeout 3": the sum of the four.
    /Socket errors/ { for (i = 3; i <= NF; i++) errors += $i + 0 }
    END { printf "| %s | %s | %.0f | %s | %s | %d |\n", page, label, rps, p50, p99, errors }'
}

# CPU seconds so far (user + system) of the app server (its session: make, gunicorn,
# the db_worker) and of PostgreSQL (the postmaster with the backends it has reaped,
# and those alive), for the CPU per request each spends.
cpu_ticks() {  # SESSION_ID | postgres
  if [ "$1" = postgres ]; then
    local pm; pm=$(head -n1 "$WORK/pg/data/postmaster.pid")
    { awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pm/stat"
      for p in $(pgrep -P "$pm"); do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null; done; } | awk '{ t += $1 } END { print t }'
  else
    ps -eo sid=,pid= | awk -v s="$1" '$1 == s { print $2 }' | while read -r p; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null; done | awk '{ t += $1 } END { print t + 0 }'
  fi
}

if [ "$SITE_ROWS" = pg-ratio ]; then
  # The uncached procedure page only, SQLite and PostgreSQL, ROUNDS times over:
  # pairs a few seconds apart, so each ratio sees the same machine.
  echo; echo "## Uncached procedure page, SQLite and PostgreSQL taking turns, $ROUNDS rounds: wrk -t2 -c20 -d$DURATION --latency -H 'Accept-Encoding: gzip'"; echo
  echo "| round | workers | database | requests/s | p50 | p99 | errors | app CPU ms/request | PostgreSQL CPU ms/request | PostgreSQL / SQLite |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  HZ=$(getconf CLK_TCK)
  for round in $(seq 1 "$ROUNDS"); do
    # Who goes first alternates by round: on a machine whose load rises or falls, the
    # second of a pair would otherwise always meet the other load.
    if [ $((round % 2)) = 1 ]; then order="SQLite PostgreSQL"; else order="PostgreSQL SQLite"; fi
    for workers in "" 2; do
      declare -A rps_of=() line_of=()
      for db in $order; do
        url=$SQLITE_URL; [ "$db" = PostgreSQL ] && url=$PG_URL
        DATABASE_URL=$url CACHE_DIR=$(cache_of "$url") serve 0 "" "$workers"
        sid=$(ps -o sid= -p "${PIDS[-1]}" | tr -d ' ')
        a0=$(cpu_ticks "$sid"); p0=$(cpu_ticks postgres)
        row=$(load procedure "x" "http://127.0.0.1:$APP")
        a1=$(cpu_ticks "$sid"); p1=$(cpu_ticks postgres)
        stop_serving
        rps=$(echo "$row" | awk -F' [|] ' '{ print $3 }')
        requests=$(awk -v r="$rps" -v d="${DURATION%s}" 'BEGIN { print r * d }')
        pg_cpu="–"; [ "$db" = PostgreSQL ] && pg_cpu=$(awk -v t=$((p1 - p0)) -v n="$requests" -v hz="$HZ" 'BEGIN { printf "%.2f", 1000 * t / hz / n }')
        rps_of[$db]=$rps
        line_of[$db]=$(echo "$row" | awk -F' [|] ' -v r="$round" -v w="${workers:-default}" -v db="$db" -v ac="$(awk -v t=$((a1 - a0)) -v n="$requests" -v hz="$HZ" 'BEGIN { printf "%.2f", 1000 * t / hz / n }')" -v pc="$pg_cpu" \
          '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |", r, w, db, $3, $4, $5, $6 + 0, ac, pc }')
      done
      ratio=$(awk -v p="${rps_of[PostgreSQL]}" -v s="${rps_of[SQLite]}" 'BEGIN { printf "**%.2f×**", p / s }')
      for db in $order; do
        if [ "$db" = PostgreSQL ]; then echo "${line_of[$db]} $ratio |"; else echo "${line_of[$db]}  |"; fi
      done
    done
  done
  echo; echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

echo; echo "## Under load: wrk -t2 -c20 -d$DURATION --latency -H 'Accept-Encoding: gzip'"; echo
echo "$HEADER"; echo "$RULE"

# Each row on SQLite, then at once the same on PostgreSQL: side by side on a shared machine.
both() {  # LABEL PAGE_CACHE_SECONDS [WEB_CONCURRENCY]
  local db url
  for db in SQLite PostgreSQL; do
    url=$SQLITE_URL; [ "$db" = PostgreSQL ] && url=$PG_URL
    DATABASE_URL=$url CACHE_DIR=$(cache_of "$url") serve "$2" "" "${3:-}"
    for page in $PAGES; do load "$page" "$1, $db" "http://127.0.0.1:$APP"; done
    stop_serving
  done
}
both "app, uncached" 0
# The issue's own starting point used 2 workers: on 2 cores, one per core.
both "app, uncached, 2 workers" 0 2
both "app page cache (on disk)" 600

serve 600
# Varnish with the project's VCL, its backend this app.
sed "s/.port = \"8000\";/.port = \"$APP\";/" deploy/varnish.vcl >"$WORK/site.vcl"
mkdir -p "$WORK/varnish-site" "$WORK/varnish-nginx"; chmod 755 "$WORK"/varnish-*; chmod 644 "$WORK/site.vcl"
varnishd -a "127.0.0.1:$VARNISH" -f "$WORK/site.vcl" -n "$WORK/varnish-site" -s malloc,256m >/dev/null
wait_for "http://127.0.0.1:$VARNISH/healthz"
hits() { varnishstat -n "$1" -1 -f MAIN.cache_hit -f MAIN.cache_miss -f MAIN.cache_hitpass -f MAIN.cache_hitmiss -f MAIN.s_pass | awk '{s[$1]=$2} END {print s["MAIN.cache_hit"]+0, s["MAIN.cache_miss"]+s["MAIN.cache_hitpass"]+s["MAIN.cache_hitmiss"]+s["MAIN.s_pass"]}'; }
VARNISH_ROWS=""
for page in $PAGES; do
  read -r h0 m0 < <(hits "$WORK/varnish-site")
  row=$(load "$page" "Varnish (deploy/varnish.vcl)" "http://127.0.0.1:$VARNISH")
  read -r h1 m1 < <(hits "$WORK/varnish-site")
  echo "$row"
  VARNISH_ROWS+="| $page | $((h1 - h0)) | $((m1 - m0)) | $(awk -v h=$((h1 - h0)) -v m=$((m1 - m0)) 'BEGIN { printf "%.3f%%", 100 * h / (h + m) }') |"$'\n'
done

# The ceiling: the same pages saved as files, served by nginx ...
for page in $PAGES; do
  url=$(url_of "$page"); path=${url%%\?*}
  mkdir -p "$WORK/html$path"; curl -fs "http://127.0.0.1:$APP$url" >"$WORK/html$path/index.html"
done
chmod -R a+rX "$WORK/html"
stop_serving

redis-server --port "$REDIS" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
sleep 0.5
serve 600 "redis://127.0.0.1:$REDIS/0"
for page in $PAGES; do load "$page" "app page cache (Redis)" "http://127.0.0.1:$APP"; done
stop_serving

cat >"$WORK/nginx.conf" <<EOF
worker_processes auto;
user root;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$NGINX;
    root $WORK/html;
    location / { try_files \$uri \$uri/index.html =404; }
  }
}
EOF
nginx -c "$WORK/nginx.conf" -p "$WORK"
wait_for "http://127.0.0.1:$NGINX/"
for page in $PAGES; do load "$page" "nginx, saved copy (ceiling)" "http://127.0.0.1:$NGINX"; done

# ... and the same Varnish with a default VCL in front of that nginx.
printf 'vcl 4.1;\nbackend default { .host = "127.0.0.1"; .port = "%s"; }\n' "$NGINX" >"$WORK/default.vcl"
chmod 644 "$WORK/default.vcl"
varnishd -a "127.0.0.1:$VARNISH_NGINX" -f "$WORK/default.vcl" -n "$WORK/varnish-nginx" -s malloc,256m >/dev/null
wait_for "http://127.0.0.1:$VARNISH_NGINX/"
for page in $PAGES; do load "$page" "Varnish (default VCL) over nginx (ceiling)" "http://127.0.0.1:$VARNISH_NGINX"; done

echo; echo "## Varnish hits during its runs (project VCL)"; echo
echo "| page | hits | misses and passes | hit ratio |"; echo "| --- | --- | --- | --- |"
printf '%s' "$VARNISH_ROWS"
echo; echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
