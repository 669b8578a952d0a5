#!/usr/bin/env bash
# Hill climbing (kxrun ensemble's default method) against the same
# algorithm written in numpy (bench/hill_numpy.py): C candidates of N rows,
# seeded synthetic scores, M additions, for AUC and RMSE. Both must pick the
# same candidates in the same order; the script says so and prints each
# one's seconds (the climb only, loading excluded), the ratio and the peak
# resident memory of each process.
#
#   bench/ensemble.sh [C] [N] [M]     (defaults: 100 candidates, 100,000 rows, 10 additions)
#   bench/ensemble.sh 100 1000000 10  the full size of docs/performance.md (about 800 MB of
#                                     candidates; numpy needs minutes for AUC)
set -euo pipefail
cd "$(dirname "$0")/.."
C=${1:-100}
N=${2:-100000}
M=${3:-10}
PY=/usr/bin/python3
if ! "$PY" -c 'import numpy' 2>/dev/null; then
	echo "bench/ensemble.sh: $PY has no numpy: apt-get install python3-numpy" >&2
	exit 1
fi
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$work"' EXIT
go build -o "$work/hilltime" ./bench/hilltime
"$PY" - "$work" "$C" "$N" <<'PY'
import sys
import numpy as np
work, c, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(2026)
y = (rng.random(n) < 0.3).astype(np.float64)
np.save(f"{work}/y.npy", y)
cands = np.empty((c, n))
for i in range(c):
    signal = rng.uniform(0.2, 1.0)
    cands[i] = 1 / (1 + np.exp(-(signal * (2 * y - 1) + rng.normal(0, 1, n))))
np.save(f"{work}/cands.npy", cands)
PY
echo "hill climbing: $C candidates x $N rows, $M additions ($(nproc) CPUs)"
printf '%-6s %12s %12s %8s %14s %14s %s\n' metric kxrun_s numpy_s ratio kxrun_rss_mb numpy_rss_mb same_picks
for metric in auc rmse; do
	kx=$("$work/hilltime" "$work/y.npy" "$work/cands.npy" "$metric" "$M")
	np=$("$PY" bench/hill_numpy.py "$work/y.npy" "$work/cands.npy" "$metric" "$M")
	"$PY" - "$metric" "$kx" "$np" <<'PY'
import json, sys
metric, kx, np_ = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
same = kx["path"] == np_["path"] and kx["kept"] == np_["kept"]
print(f"{metric:<6} {kx['seconds']:12.2f} {np_['seconds']:12.2f} {np_['seconds'] / kx['seconds']:7.1f}x "
      f"{kx['max_rss_mb']:14.0f} {np_['max_rss_mb']:14.0f} {'yes' if same else 'NO: ' + str(kx['path']) + ' vs ' + str(np_['path'])}")
PY
done
