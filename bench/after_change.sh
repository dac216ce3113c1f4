#!/usr/bin/env bash
# The first view after a change, behind Varnish (run as root; issue 23 item 3):
# wrk at the cached rate on the procedure page through Varnish with the
# project's VCL, once steady and once while an editor renames a menu page
# every 5 s for a minute; then how long each rename took to show on every page.
# Usage: bash bench/after_change.sh [STEADY_SECONDS] [CHANGE_SECONDS]   See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
STEADY=${1:-30} CHANGING=${2:-60}
source bench/front.sh

$PY bench/bench_after_change.py "http://127.0.0.1:$VARNISH" "$STEADY" "$CHANGING"
echo; echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
