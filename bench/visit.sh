#!/usr/bin/env bash
# A whole patient visit under load (run as root; issue 23 item 4): several
# simulated patients walk home -> search -> procedure -> request form ->
# submit -> thank-you through Varnish in front of `make serve`, for
# SECONDS; then the pages-only walk (home -> search -> first result) that
# bakerydemo can be measured with too, in the same run: set BAKERYDEMO_URLS to
# the address(es) of a bakerydemo you serve yourself (bench/README.md says how;
# nothing of bakerydemo is kept in this repository).
# Usage: [BAKERYDEMO_URLS="http://127.0.0.1:8121 ..."] bash bench/visit.sh [PATIENTS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
PATIENTS=${1:-10} SECONDS_=${2:-60}
# Every simulated patient posts a real request: no rate limit, no minimum fill time.
export APPOINTMENT_RATE_LIMIT=0 APPOINTMENT_MIN_FILL_SECONDS=0
source bench/front.sh
# The machine may be shared: each walk's figures carry the load they ran under.
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }

echo; echo "## The whole visit through Varnish"; echo; load; echo
$PY bench/bench_visit.py "http://127.0.0.1:$VARNISH" --patients "$PATIENTS" --seconds "$SECONDS_" --count-stored
echo; echo "## Pages only (home, search, first result) through Varnish"; echo; load; echo
$PY bench/bench_visit.py "http://127.0.0.1:$VARNISH" --patients "$PATIENTS" --seconds "$SECONDS_" --pages-only
for url in ${BAKERYDEMO_URLS:-}; do
  echo; echo "## bakerydemo, pages only (home, search for bread, first result): $url"; echo; load; echo
  $PY bench/bench_visit.py "$url" --patients "$PATIENTS" --seconds "$SECONDS_" --pages-only \
    --search-term bread --label "bakerydemo $url"
done
echo; echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
