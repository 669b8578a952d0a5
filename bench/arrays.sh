#!/usr/bin/env bash
# Array throughput of kxrun against numpy.load of the same files: validating
# and moving a run's OOF array, and the OOF correlation of `kxrun compare`.
# The peers run in the same invocation, alternating, ROUNDS times; medians
# and ratios to numpy are printed, since absolute times on a shared machine
# are not comparable between invocations. The page cache is warm for every
# peer (the files are read once before the first round); COLD=1 adds a
# cold-cache table, which needs root to drop the caches (all of them: it
# disturbs anything else running).
#
# numpy is timed inside Python around np.load (and np.corrcoef) only, so
# interpreter start-up is excluded; bench/arraytime times kxrun's own
# functions the same way. End to end, a `kxrun ablation` whose trainer
# hard-links a pre-made array into its run directory (so producing it costs
# nothing) is timed against the same ablation whose trainer links it under
# a name kxrun ignores: the difference is what the array costs kxrun
# (validation with its sha256, the rename into artifacts/, the commit).
#
#   bench/arrays.sh [K] [ROUNDS]     (defaults: 10 arrays per kxrun invocation, 5 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
K=${1:-10}
ROUNDS=${2:-5}
PY=/usr/bin/python3 # Debian's python, where python3-numpy installs
if ! "$PY" -c 'import numpy' 2>/dev/null; then
	echo "bench/arrays.sh: $PY has no numpy: apt-get install python3-numpy" >&2
	exit 1
fi
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$work"' EXIT

go build -o "$work/kxrun" ./cmd/kxrun
go build -o "$work/arraytime" ./bench/arraytime

# Two correlated arrays per case, 10M values each: NAME.1.npy and NAME.2.npy.
cases=(f8 f4 f8F)
declare -A label=([f8]="float64 (10M,)" [f4]="float32 (10M,)" [f8F]="float64 (5M,2) F")
mkdir "$work/arrays"
"$PY" - "$work/arrays" <<'EOF'
import sys
import numpy as np
out = sys.argv[1]
rng = np.random.default_rng(0)
x = rng.random(10_000_000)
y = 0.9 * x + 0.1 * rng.random(x.size)
for i, a in enumerate((x, y), 1):
    np.save(f"{out}/f8.{i}.npy", a)
    np.save(f"{out}/f4.{i}.npy", a.astype(np.float32))
    np.save(f"{out}/f8F.{i}.npy", np.asfortranarray(a.reshape(-1, 2)))
EOF
declare -A mb
for c in "${cases[@]}"; do
	mb[$c]=$(stat -c %s "$work/arrays/$c.1.npy" | awk '{printf "%.1f", $1 / 1e6}')
done
sync # the arrays' pages must be clean, or the commits' syncfs would write them
cat "$work"/arrays/*.npy >/dev/null

# The trainer's array is a hard link to a pre-made file: seed s takes
# CASE.((s-1) % NFILES + 1).npy, linked as DEST in the run directory.
cat >"$work/trainer.sh" <<'EOF'
#!/bin/sh
ln "$SRC/$CASE.$(( (KXRUN_SEED - 1) % NFILES + 1 )).npy" "$KXRUN_RUN_DIR/$DEST" || exit 1
echo '{"cv_scores": [0.8]}'
EOF
chmod +x "$work/trainer.sh"
plan() { # plan CASE DEST NFILES SEEDS
	cat <<EOF
name: arrays
command: [$work/trainer.sh]
env: {SRC: $work/arrays, CASE: $1, DEST: $2, NFILES: "$3"}
jobs: 1
seeds: [$4]
base_features: [a]
EOF
}
seeds=$(seq -s, 1 "$K")
for c in "${cases[@]}"; do
	plan "$c" oof.npy 1 "$seeds" >"$work/move_$c.yaml"
	plan "$c" ignored.bin 1 "$seeds" >"$work/none_$c.yaml"
	# Two runs with the case's two arrays, for compare.
	plan "$c" oof.npy 2 1,2 >"$work/cmp.yaml"
	"$work/kxrun" ablation "$work/cmp.yaml" --dir "$work/cmp_$c" >/dev/null 2>&1
done
plan f8 ignored.bin 2 1,2 >"$work/cmp.yaml"
"$work/kxrun" ablation "$work/cmp.yaml" --dir "$work/cmp_none" >/dev/null 2>&1

# numpy peers: the seconds of each repetition on one line.
cat >"$work/np.py" <<'EOF'
import hashlib, sys, time
import numpy as np
mode, k, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
times = []
for _ in range(k):
    t = time.perf_counter()
    if mode == "load":
        a = np.load(files[0])
    elif mode == "load_sha":
        a = np.load(files[0])
        h = hashlib.sha256()
        with open(files[0], "rb", buffering=0) as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        h.hexdigest()
    else:  # corr: what compare computes, in C order as compare pairs values
        a, b = np.load(files[0]), np.load(files[1])
        r = np.corrcoef(a.ravel(), b.ravel())[0, 1]
    times.append(time.perf_counter() - t)
    a = b = None
print(" ".join(f"{t:.6f}" for t in times))
if mode == "corr":
    print(f"r={r:.12f}", file=sys.stderr)
EOF

sum() { tr ' ' '\n' | awk 'NF {s += $1} END {printf "%.6f", s}'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
elapsed() { # elapsed COMMAND...: wall seconds of the command
	local start=$EPOCHREALTIME
	"$@" >/dev/null 2>&1
	awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.6f", b - a}'
}
ablation() { "$work/kxrun" ablation "$1" --dir "$(mktemp -d -p "$work")/exp"; }
compares() { # compares DIR: K compares of its two runs
	for _ in $(seq "$K"); do "$work/kxrun" compare run_001 run_002 --dir "$1" || return; done
}

declare -A t # per round, space separated; per-array figures divide by K
for round in $(seq "$ROUNDS"); do
	for c in "${cases[@]}"; do
		a=$work/arrays/$c.1.npy b=$work/arrays/$c.2.npy
		t[load_$c]+="$("$PY" "$work/np.py" load "$K" "$a" | sum) "
		t[sha_$c]+="$("$PY" "$work/np.py" load_sha "$K" "$a" | sum) "
		t[inspect_$c]+="$("$work/arraytime" inspect "$a" "$K" | sum) "
		with=$(elapsed ablation "$work/move_$c.yaml")
		without=$(elapsed ablation "$work/none_$c.yaml")
		t[e2e_$c]+="$(awk -v a="$with" -v b="$without" 'BEGIN {print a - b}') "
		t[npcorr_$c]+="$("$PY" "$work/np.py" corr "$K" "$a" "$b" 2>"$work/r_np_$c" | sum) "
		t[cmp_$c]+="$("$work/arraytime" compare "$a" "$b" "$K" 2>"$work/r_kx_$c" | sum) "
		with=$(elapsed compares "$work/cmp_$c")
		without=$(elapsed compares "$work/cmp_none")
		t[cmpe2e_$c]+="$with "
		t[cmpdelta_$c]+="$(awk -v a="$with" -v b="$without" 'BEGIN {print a - b}') "
	done
done

row() { # row CASE MB_SHOWN PEER KEY BASE_KEY MB: per-array ms and MB/s of MB per array
	local m base
	m=$(echo "${t[$4]}" | median)
	base=$(echo "${t[$5]}" | median)
	awk -v l="$1" -v shown="$2" -v p="$3" -v m="$m" -v k="$K" -v b="$base" -v mb="$6" \
		'BEGIN {printf "%-17s %6s  %-44s %8.1f %8.0f %9.2fx\n", l, shown, p, m * 1000 / k, mb * k / m, m / b}'
}
header() { printf '%-17s %6s  %-44s %8s %8s %10s\n' case MB peer "$1" "MB/s" "vs numpy"; }

printf 'Validate + move one OOF array: %d arrays per kxrun invocation, median of %d rounds, warm page cache (%s CPUs)\n' "$K" "$ROUNDS" "$(nproc)"
header "ms/array"
for c in "${cases[@]}"; do
	m=${mb[$c]}
	row "${label[$c]}" "$m" "numpy.load" "load_$c" "load_$c" "$m"
	row "" "" "numpy.load + hashlib.sha256 of the file" "sha_$c" "load_$c" "$m"
	row "" "" "kxrun npyfile.Inspect, in process" "inspect_$c" "load_$c" "$m"
	row "" "" "kxrun ablation, end to end, minus no array" "e2e_$c" "load_$c" "$m"
done
echo
printf 'OOF correlation of two runs (compare): median of %d rounds of %d, warm page cache; MB is both arrays\n' "$ROUNDS" "$K"
header "ms"
for c in "${cases[@]}"; do
	m=$(awk -v m="${mb[$c]}" 'BEGIN {print 2 * m}')
	row "${label[$c]}" "$m" "numpy.load x2 + np.corrcoef" "npcorr_$c" "npcorr_$c" "$m"
	row "" "" "kxrun report.Compare, in process" "cmp_$c" "npcorr_$c" "$m"
	row "" "" "kxrun compare, end to end" "cmpe2e_$c" "npcorr_$c" "$m"
	row "" "" "kxrun compare, end to end, minus no arrays" "cmpdelta_$c" "npcorr_$c" "$m"
	printf '%-17s %6s  r: numpy %s, kxrun %s\n' "" "" "$(cut -d= -f2 "$work/r_np_$c")" "$(cut -d= -f2 "$work/r_kx_$c")"
done

[[ ${COLD:-} == 1 ]] || exit 0
echo
if ! { sync && echo 3 >/proc/sys/vm/drop_caches; } 2>/dev/null; then
	echo "COLD=1: cannot drop the page cache (needs root and a writable /proc/sys/vm/drop_caches)"
	exit 0
fi
# One load per drop, timed inside the tool as above (python imports numpy
# before its clock starts). Only the plain read paths: arraytime compare
# reads both arrays to set up before its clock starts.
declare -A c
for round in $(seq "$ROUNDS"); do
	a=$work/arrays/f8.1.npy
	sync && echo 3 >/proc/sys/vm/drop_caches
	c[load]+="$("$PY" "$work/np.py" load 1 "$a") "
	sync && echo 3 >/proc/sys/vm/drop_caches
	c[inspect]+="$("$work/arraytime" inspect "$a" 1) "
done
printf 'Cold page cache (dropped before each), %s, median of %d\n' "${label[f8]}" "$ROUNDS"
for k in load inspect; do
	m=$(echo "${c[$k]}" | median)
	awk -v p="$k" -v m="$m" -v mb="${mb[f8]}" 'BEGIN {printf "%-10s %8.1f ms %8.0f MB/s\n", (p == "load") ? "numpy.load" : "Inspect", m * 1000, mb / m}'
done
