# Sourced by bench scripts: the demo site as `make serve` runs it (gunicorn,
# debug off, SQLite, the page cache on disk), with Varnish and the project's
# VCL in front, purged by the app on its own listener. Sets WORK, PY, APP,
# VARNISH, PURGE, PIDS and a cleanup trap; extra environment through the caller.
PY=.venv/bin/python
WORK=$(mktemp -d /tmp/benchfront.XXXXXX); chmod 755 "$WORK"
APP=${APP:-8111} VARNISH=${VARNISH:-8113} PURGE=${PURGE:-8114}
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  pkill -f "varnishd.*$WORK" 2>/dev/null || true
  sleep 1; rm -rf "$WORK"
}
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk; need varnishd varnish

export DJANGO_DEBUG=0 DJANGO_SECURE=0 DJANGO_SECRET_KEY="bench-only-$(date +%s)-not-a-production-key-xxxxxxxxxxxx"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_LOG_LEVEL=WARNING
export DJANGO_MEDIA_ROOT="$WORK/media" DJANGO_STATIC_ROOT="$WORK/static" CACHE_DIR="$WORK/cache"
export DATABASE_URL=${DATABASE_URL:-"sqlite:///$WORK/site.sqlite3"} PAGE_CACHE_SECONDS=600

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), Python $($PY -c 'import platform;print(platform.python_version())'), $(varnishd -V 2>&1 | head -1 | cut -d' ' -f2 | tr -d '()'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

TASKS_BACKEND=immediate $PY manage.py migrate --no-input >/dev/null
TASKS_BACKEND=immediate $PY manage.py load_demo >/dev/null
$PY manage.py collectstatic --no-input --verbosity 0
# Pages' full URLs are Varnish's, so the app's PURGE and BAN name the right host.
$PY manage.py shell -c "from wagtail.models import Site; s = Site.objects.get(is_default_site=True); s.hostname, s.port = '127.0.0.1', $VARNISH; s.save()"

wait_for() {
  # make serve checks, migrates and collects static first: minutes on a busy machine.
  for _ in $(seq 1 1200); do curl -fs --max-time 10 -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "not answering: $1" >&2; return 1
}

# From here on the app purges Varnish (not while the demo was loaded, before it ran).
export FRONTEND_CACHE_URL="http://127.0.0.1:$PURGE"
HOST=127.0.0.1 PORT=$APP setsid make --no-print-directory serve >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$APP/healthz"

sed "s/.port = \"8000\";/.port = \"$APP\";/" deploy/varnish.vcl >"$WORK/site.vcl"; chmod 644 "$WORK/site.vcl"
mkdir -p "$WORK/varnish"; chmod 755 "$WORK/varnish"
varnishd -a "127.0.0.1:$VARNISH" -a "purge=127.0.0.1:$PURGE" -f "$WORK/site.vcl" -n "$WORK/varnish" -s malloc,256m >/dev/null
wait_for "http://127.0.0.1:$VARNISH/healthz"
