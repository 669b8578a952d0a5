#!/usr/bin/env bash
# Dashboard speed on a large tracker: bench/fill commits N runs (sweeps
# with failures, manual logs, LB scores; some 6 minutes for 100,000 on 2
# cores), then the Go benchmarks of ./ui time the server's side of each
# page (handler from request to last byte), the one full read at start
# and the follow of an unchanged file, and headless Chromium times each
# page's load event (navigation start to the end of the load event,
# figures included) against a server on that tracker.
#
#   bench/ui.sh [N] [BENCHTIME]     (defaults: 100000 runs, 20x)
#
# KXRUN_UI_TRACKER=DIR reuses a tracker made before instead of filling one.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
BENCHTIME=${2:-20x}
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$work"' EXIT
if [ -z "${KXRUN_UI_TRACKER:-}" ]; then
	go build -o "$work/fill" ./bench/fill
	"$work/fill" runs -dir "$work/exp" -n "$N" -start 1 >/dev/null
	export KXRUN_UI_TRACKER=$work/exp
fi
printf 'kxrun ui on %s (%d runs, %s CPUs, load average %s)\n' "$KXRUN_UI_TRACKER" \
	"$(($(wc -l <"$KXRUN_UI_TRACKER/runs.csv") - 1))" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
go test -run XXX -bench 'Open|Pages|Follow|ChromiumLoad' -benchtime "$BENCHTIME" ./ui
if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
	/usr/bin/python3 bench/ui_pandas.py "$KXRUN_UI_TRACKER" 5
fi
