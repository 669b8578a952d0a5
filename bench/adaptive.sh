#!/usr/bin/env bash
# Adaptive against fixed sweeps, with real processes: bench/adaptive/
# trainer.py has known effects (group large +0.03, small +0.006, null1 and
# null2 nothing; per-run noise 0.0006, a per-seed offset shared by every
# variant). Each round draws new noise (SALT) and runs
#   kxrun ablation bench/adaptive/plan.yaml --adaptive   (3 to 12 seeds, looks 3, 5, 8, 12)
#   kxrun ablation <the same plan with all 12 seeds>     (the fixed max_seeds sweep)
# then counts right verdicts (large and small: helps; null1, null2: not
# helps nor hurts) over the 8 comparisons, runs and wall time, and
# recomputes the adaptive decisions from runs.csv with scipy
# (bench/adaptive/check.py).
#
#   bench/adaptive.sh [ROUNDS]      (default 5; TRAIN_SLEEP=0.1 seconds per run, JOBS=2)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
export TRAIN_SLEEP=${TRAIN_SLEEP:-0.1}
JOBS=${JOBS:-2}
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$work"' EXIT
go build -o "$work/kxrun" ./cmd/kxrun
cp bench/adaptive/trainer.py bench/adaptive/plan.yaml "$work/"
cd "$work"

verdicts() { # summary.json -> "right total" over the 8 comparisons
	/usr/bin/python3 - "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
truth = {"large": "helps", "small": "helps", "null1": None, "null2": None}
right = 0
for v in s["variants"]:
    name = v["variant"]
    if name[:1] not in "+-":
        continue
    want = truth[name[1:]]
    got = v["verdict"]
    right += (got == want) if want else (got not in ("helps", "hurts"))
print(right, " ".join(f'{v["variant"]}={v["verdict"]}' for v in s["variants"] if v["variant"][:1] in "+-"))
PY
}

printf '| round | sweep | runs | wall (s) | right verdicts (of 8) | verdicts |\n|---:|---|---:|---:|---:|---|\n'
for r in $(seq 1 "$ROUNDS"); do
	export SALT=round$r
	t0=$(date +%s.%N)
	./kxrun ablation plan.yaml --adaptive --json --jobs "$JOBS" --dir "a$r" >"a$r.json" 2>/dev/null
	t1=$(date +%s.%N)
	seeds=$(/usr/bin/python3 -c "import json; print(json.load(open('a$r.json'))['seeds'])")
	sed -e "s/^seeds: .*/seeds: $seeds/" -e '/^adaptive:/d' plan.yaml >fixed.yaml
	./kxrun ablation fixed.yaml --json --jobs "$JOBS" --dir "f$r" >"f$r.json" 2>/dev/null
	t2=$(date +%s.%N)
	check=$(/usr/bin/python3 "$OLDPWD/bench/adaptive/check.py" "a$r/runs.csv" "a$r.json")
	for kind in a f; do
		runs=$(/usr/bin/python3 -c "import json; print(json.load(open('$kind$r.json'))['runs_total'])")
		read -r right detail < <(verdicts "$kind$r.json")
		if [ $kind = a ]; then name=adaptive; wall=$(echo "$t1 - $t0" | bc); else name="fixed 12 seeds"; wall=$(echo "$t2 - $t1" | bc); fi
		printf '| %d | %s | %d | %.1f | %d | %s |\n' "$r" "$name" "$runs" "$wall" "$right" "$detail"
	done
	echo "round $r: $check" >&2
done
