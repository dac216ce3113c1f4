#!/usr/bin/env bash
# Before and after a change, side by side in one run (run as root): the demo
# site at an older commit and at this checkout, each served by its own
# deploy/serve.sh (what `make serve` runs: gunicorn, debug off, SQLite, its
# own database; not make itself, which could reinstall the shared venv from
# the old commit's lock) on its own port, then wrk
# on the same procedure page taking turns (old, new, old, new, ...), first
# with the page cache off, then on. Taking turns spreads the shared machine's
# noise over both sides instead of giving it to whichever ran second.
# Usage: bash bench/ab.sh OLD_COMMIT [DURATION] [ROUNDS]   See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD_REF=${1:?usage: bash bench/ab.sh OLD_COMMIT [DURATION] [ROUNDS]}
DURATION=${2:-15s}
ROUNDS=${3:-3}
ROOT=$(pwd)
PY=$ROOT/.venv/bin/python
WORK=$(mktemp -d /tmp/benchab.XXXXXX); chmod 755 "$WORK"
OLD_PORT=8201 NEW_PORT=8202
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill -- -"$pid" 2>/dev/null || true; done
  sleep 1
  git -C "$ROOT" worktree remove --force "$WORK/old" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

# The old commit in a worktree of its own; it runs on this checkout's venv
# (the newer venv is a superset of what the old code imports).
git -C "$ROOT" worktree add --detach --quiet "$WORK/old" "$OLD_REF"
ln -s "$ROOT/.venv" "$WORK/old/.venv"
mkdir -p "$WORK/new-side" "$WORK/old-side"

export DJANGO_DEBUG=0 DJANGO_SECURE=0 DJANGO_SECRET_KEY="bench-only-$(date +%s)-not-a-production-key-xxxxxxxxxxxx"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver DJANGO_LOG_LEVEL=WARNING

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), Python $($PY -c 'import platform;print(platform.python_version())'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "old:     $(git -C "$WORK/old" log -1 --format='%h %s')"
echo "new:     $(git -C "$ROOT" log -1 --format='%h %s')$(git -C "$ROOT" diff --quiet HEAD || echo ' (and uncommitted changes)')"

side_env() {  # SIDE: the environment each side's commands run in
  echo "DJANGO_MEDIA_ROOT=$WORK/$1-side/media DJANGO_STATIC_ROOT=$WORK/$1-side/static DATABASE_URL=sqlite:///$WORK/$1-side/site.sqlite3"
}
checkout_of() { if [ "$1" = old ]; then echo "$WORK/old"; else echo "$ROOT"; fi; }
port_of() { if [ "$1" = old ]; then echo $OLD_PORT; else echo $NEW_PORT; fi; }

for side in old new; do
  (cd "$(checkout_of $side)" && env $(side_env $side) TASKS_BACKEND=immediate .venv/bin/python manage.py migrate --no-input >/dev/null \
    && env $(side_env $side) TASKS_BACKEND=immediate .venv/bin/python manage.py load_demo >/dev/null \
    && env $(side_env $side) .venv/bin/python manage.py collectstatic --no-input --verbosity 0)
done

# One request at a time in process first (queries, render and CPU time: the
# CPU column is what to compare on a shared machine), twice each, taking turns.
echo; echo "## One request at a time (in process, page cache off), taking turns"
for round in 1 2; do
  for side in old new; do
    echo; echo "$side, round $round:"; echo
    (cd "$(checkout_of $side)" && env $(side_env $side) TASKS_BACKEND=immediate .venv/bin/python bench/bench_render.py --repeat 100)
  done
done
URL=$(cd "$ROOT" && env $(side_env new) TASKS_BACKEND=immediate $PY bench/bench_render.py --urls \
  | $PY -c 'import json,sys; print(json.load(sys.stdin)["procedure"])')
echo "page:    $URL"

# Instructions per uncached view (valgrind's count, not a timing: the machine's load
# does not change it). The old commit may predate bench_instructions.py and config/:
# both sides run this checkout's script, each with its own settings module.
if command -v valgrind >/dev/null; then
  VIEWS=20
  instructions() {  # SIDE VIEWS
    (cd "$(checkout_of "$1")" && settings=config.settings && { [ -d config ] || settings=practice.settings; } \
      && env $(side_env "$1") CACHE_DIR="$WORK/$1-side/cache-$2" DJANGO_SETTINGS_MODULE=$settings PYTHONHASHSEED=0 \
        valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        .venv/bin/python "$ROOT/bench/bench_instructions.py" "$URL" "$2" 2>&1 \
      | awk '/I *refs/ { gsub(",", "", $NF); print $NF }')
  }
  echo; echo "## Instructions per uncached view of $URL (cachegrind, $VIEWS views)"; echo
  echo "| commit | instructions per view |"
  echo "| --- | --- |"
  for side in old new; do
    instructions "$side" 0 >"$WORK/instr-$side-0" & instructions "$side" "$VIEWS" >"$WORK/instr-$side-n"; wait
    echo "| $side | $(( ($(cat "$WORK/instr-$side-n") - $(cat "$WORK/instr-$side-0")) / VIEWS )) |"
  done
fi

wait_for() {  # URL
  for _ in $(seq 1 240); do curl -fs -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "not answering: $1" >&2; return 1
}

serve_both() {  # PAGE_CACHE_SECONDS
  for side in old new; do
    # exec: the background job's pid is setsid's, so it leads the server's own process
    # group and `kill -- -pid` stops gunicorn too (without exec the group was another).
    (cd "$(checkout_of $side)" && exec env $(side_env $side) PAGE_CACHE_SECONDS=$1 HOST=127.0.0.1 PORT=$(port_of $side) \
      setsid bash deploy/serve.sh >"$WORK/serve-$side.log" 2>&1) &
    PIDS+=($!)
  done
  # Not /healthz: the old commit may not have it.
  for side in old new; do wait_for "http://127.0.0.1:$(port_of $side)$URL"; done
}

stop_both() {
  for pid in "${PIDS[@]}"; do kill -- -"$pid" 2>/dev/null || true; done
  PIDS=()
  for side in old new; do
    for _ in $(seq 1 40); do curl -fs -o /dev/null "http://127.0.0.1:$(port_of $side)/" || break; sleep 0.25; done
  done
}

load() {  # SIDE LABEL ROUND
  local url="http://127.0.0.1:$(port_of "$1")$URL"
  for _ in 1 2 3 4 5; do curl -fs -o /dev/null -H "Accept-Encoding: gzip" "$url"; done
  wrk -t2 -c20 -d"$DURATION" --latency -H "Accept-Encoding: gzip" "$url" | awk -v side="$1" -v label="$2" -v round="$3" '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 }
    /^ +99%/ { p99 = $2 }
    /Non-2xx/ { errors += $NF }
    /Socket errors/ { errors += 1 }
    END { printf "| %s | %s | %s | %.0f | %s | %s | %d |\n", label, round, side, rps, p50, p99, errors }'
}

echo; echo "## wrk -t2 -c20 -d$DURATION --latency -H 'Accept-Encoding: gzip', taking turns"; echo
echo "| served by | round | commit | requests/s | p50 | p99 | errors |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for cache in 0 600; do
  label="app, uncached"; [ "$cache" = 0 ] || label="app page cache (the CACHES backend each commit configures)"
  serve_both "$cache"
  for round in $(seq 1 "$ROUNDS"); do
    # Alternate who goes first, so neither side always follows the other's load.
    if [ $((round % 2)) = 1 ]; then order="old new"; else order="new old"; fi
    for side in $order; do load "$side" "$label" "$round"; done
  done
  stop_both
done
echo; echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
