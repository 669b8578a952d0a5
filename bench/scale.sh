#!/usr/bin/env bash
# Tracker scale: runs 1..N logged into one tracker, and the commands that
# read a long history.
#
# The first and the last CLI runs (1,000 each) are logged by `kxrun log`,
# one process per run, as a user logs one (scores, features, params, a seed,
# sometimes an LB score, notes or a small OOF array); the runs between are
# committed in-process by bench/fill with tracker.Commit (sweeps with
# failures and cancellations, manual logs, LB scores), so that the whole
# takes minutes. The last logs alternate with logs into a fresh tracker:
# the same work under the same noise. Then report, report --json, compare
# (two runs with OOF arrays, by name), show (a name, and a typo with its
# suggestions) and ablation (a fresh sweep of 12 tiny runs, and a plan
# whose 12 runs are all cached) run REPS times each on the N-run tracker,
# alternating, for medians and the peak RSS (GNU time).
#
# BASE=<git ref> also builds kxrun as of that ref and times its commands
# beside the working tree's, on the same tracker. When /usr/bin/python3 has
# pandas, the usual pandas way of logging (read the whole CSV, add a row,
# write it back) is timed at 100, 3,000 and N rows.
#
#   bench/scale.sh [N] [REPS]      (defaults: 100000 runs, 5 repetitions)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
REPS=${2:-5}
CLI=${CLI:-1000}
if ((N < 2 * CLI)); then
	echo "N must be at least $((2 * CLI))" >&2
	exit 2
fi
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$work"' EXIT

go build -o "$work/kxrun" ./cmd/kxrun
go build -o "$work/fill" ./bench/fill
go build -o "$work/tiny" ./bench/tinytrainer
bins=(new)
if [ -n "${BASE:-}" ]; then
	mkdir "$work/base"
	git archive "$BASE" | tar -x -C "$work/base"
	(cd "$work/base" && go build -o "$work/kxrun-base" ./cmd/kxrun)
	bins+=(base)
fi
exp=$work/exp
printf 'tracker scale: %d runs (%s CPUs, load average %s)\n\n' "$N" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"

# Logging. fill prints: label runs total_s ms_per_run median_ms p90_ms max_rss_kib
# (the RSS column is the largest of the runs).
read -r _ _ _ first_ms first_med first_p90 first_rss < <(
	"$work/fill" logs -kxrun "$work/kxrun" -dir "$exp" -n "$CLI" -start 1 -oof-list "$work/oof.txt")
read -r _ _ mid_s mid_ms < <("$work/fill" runs -dir "$exp" -n $((N - 2 * CLI)) -start $((CLI + 1)))
{
	read -r _ _ _ last_ms last_med last_p90 last_rss
	read -r _ _ _ fresh_ms fresh_med fresh_p90 fresh_rss
} < <("$work/fill" logs -kxrun "$work/kxrun" -dir "$exp" -n "$CLI" -start $((N - CLI + 1)) -alt "$work/fresh" -oof-list "$work/oof.txt")

row() { awk -v l="$1" -v n="$2" -v m="$3" -v md="$4" -v p="$5" -v r="$6" 'BEGIN {printf "%-44s %7d %8.2f %8.2f %8.2f %8.1f\n", l, n, m, md, p, r / 1024}'; }
printf '%-44s %7s %8s %8s %8s %8s\n' logging runs "ms/run" median p90 "RSS MB"
row "kxrun log, runs 1..$CLI" "$CLI" "$first_ms" "$first_med" "$first_p90" "$first_rss"
printf '%-44s %7d %8.2f   (%.0f s in all)\n' "fill: tracker.Commit, runs $((CLI + 1))..$((N - CLI))" $((N - 2 * CLI)) "$mid_ms" "$mid_s"
row "kxrun log, runs $((N - CLI + 1))..$N" "$CLI" "$last_ms" "$last_med" "$last_p90" "$last_rss"
row "  alternating with: a fresh tracker, 1..$CLI" "$CLI" "$fresh_ms" "$fresh_med" "$fresh_p90" "$fresh_rss"
awk -v f="$first_ms" -v l="$last_ms" -v a="$fresh_ms" 'BEGIN {printf "last/first %.2fx (target <= 1.2); last/fresh tracker, alternated: %.2fx\n\n", l / f, l / a}'

# Commands on the N-run tracker.
a=$(head -1 "$work/oof.txt")
b=$(tail -1 "$work/oof.txt")
plan() {
	printf 'name: scale\ncommand: [%s]\njobs: 2\nseeds: [%s]\nbase_features: [a, b]\nfeature_groups:\n  family: [c, d]\n  title: [e]\n' "$work/tiny" "$2" >"$1"
}
plan "$work/cached.yaml" 1,2,3
"$work/kxrun" ablation "$work/cached.yaml" --dir "$exp" >/dev/null # the runs the cached sweeps find
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -f %M -o "$work/rss")
declare -A wall rss
sweeps=0
run() { # label bin expected-status args...
	local label=$1 bin=$2 want=$3 exe=$work/kxrun s e status=0
	shift 3
	[ "$bin" = base ] && exe=$work/kxrun-base
	echo 0 >"$work/rss"
	s=$(date +%s%N)
	"${timer[@]}" "$exe" "$@" --dir "$exp" >/dev/null 2>"$work/err" || status=$?
	e=$(date +%s%N)
	if [ "$status" != "$want" ]; then
		echo "kxrun ($bin) $*: exit status $status, want $want" >&2
		cat "$work/err" >&2
		exit 1
	fi
	wall[$label/$bin]+="$(((e - s) / 1000000)) "
	rss[$label/$bin]+="$(tail -1 "$work/rss") "
}
labels=("report" "report --json" "compare A B (names, OOF)" "show A" "show, a typo: suggestions" "ablation, fresh (12 runs)" "ablation, all cached (12)")
for _ in $(seq "$REPS"); do
	for bin in "${bins[@]}"; do
		sweeps=$((sweeps + 1))
		plan "$work/fresh.yaml" "$((1000 + 10 * sweeps + 1)),$((1000 + 10 * sweeps + 2)),$((1000 + 10 * sweeps + 3))"
		run "${labels[0]}" "$bin" 0 report
		run "${labels[1]}" "$bin" 0 report --json
		run "${labels[2]}" "$bin" 0 compare "$a" "$b"
		run "${labels[3]}" "$bin" 0 show "$a"
		run "${labels[4]}" "$bin" 2 show "${a}x"
		run "${labels[5]}" "$bin" 0 ablation "$work/fresh.yaml"
		run "${labels[6]}" "$bin" 0 ablation "$work/cached.yaml"
	done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
most() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -1; }
printf '%d-run tracker, median of %d, alternating\n' "$N" "$REPS"
if [ -n "${BASE:-}" ]; then
	printf '%-30s %9s %8s %8s   %9s %8s %8s\n' command "median ms" "min ms" "RSS MB" "base ms" "RSS MB" speed-up
else
	printf '%-30s %9s %8s %8s\n' command "median ms" "min ms" "RSS MB"
fi
for l in "${labels[@]}"; do
	m=$(echo "${wall[$l/new]}" | median)
	lo=$(echo "${wall[$l/new]}" | tr ' ' '\n' | grep -v '^$' | sort -g | head -1)
	r=$(echo "${rss[$l/new]}" | most)
	if [ -n "${BASE:-}" ]; then
		bm=$(echo "${wall[$l/base]}" | median)
		br=$(echo "${rss[$l/base]}" | most)
		awk -v l="$l" -v m="$m" -v lo="$lo" -v r="$r" -v bm="$bm" -v br="$br" 'BEGIN {printf "%-30s %9d %8d %8.0f   %9d %8.0f %7.1fx\n", l, m, lo, r / 1024, bm, br / 1024, bm / m}'
	else
		awk -v l="$l" -v m="$m" -v lo="$lo" -v r="$r" 'BEGIN {printf "%-30s %9d %8d %8.0f\n", l, m, lo, r / 1024}'
	fi
done

# The pandas peer of logging.
if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
	printf '\npandas peer of logging: read_csv + concat + to_csv of the whole table per run (in-process, no fsync)\n'
	printf '%-10s %10s\n' rows "ms/run"
	for spec in "100 50" "3000 20" "$N 3"; do
		read -r rows appends <<<"$spec"
		/usr/bin/python3 bench/pandas_append.py "$exp/runs.csv" "$rows" "$appends" "$work/pandas.csv" |
			awk '{printf "%-10d %10.2f\n", $1, $2}'
	done
fi
