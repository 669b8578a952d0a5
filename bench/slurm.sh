#!/usr/bin/env bash
# kxrun on Slurm against one sbatch per run, with the local executor as the
# floor: N trivial runs, J at a time, on the cluster SLURM_CONF names (the
# single-node one of scripts/slurm-cluster.sh: start it first).
#
#   bench/slurm.sh [N]          (default 200 runs; JOBS=2; POLL=1 s between
#                                the naive peer's squeue calls; PEERS to pick
#                                some of: local workers array sbatch)
#
# Peers, one invocation each:
#   local    kxrun, executor local
#   workers  kxrun, executor slurm, mode workers (J worker jobs)
#   array    kxrun, executor slurm, mode array (one array, %J)
#   sbatch   one sbatch per run, at most J submitted at once, squeue polled
#            every POLL seconds to see which ended (how most runners do it)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200}
J=${JOBS:-2}
POLL=${POLL:-1}
if ! sinfo --noheader >/dev/null 2>&1; then
	echo "bench/slurm.sh: no Slurm cluster answers: sudo scripts/slurm-cluster.sh start; eval \"\$(scripts/slurm-cluster.sh env)\"" >&2
	exit 1
fi
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$work"' EXIT

go build -o "$work/kxrun" ./cmd/kxrun
if command -v cc >/dev/null; then
	cc -O2 -o "$work/tiny" bench/tinytrainer-c/tiny.c
else
	go build -o "$work/tiny" ./bench/tinytrainer
fi
plan() {
	echo "name: slurmbench"
	echo "command: [$work/tiny]"
	echo "jobs: $J"
	printf 'seeds: ['; seq -s, 1 "$N" | tr -d '\n'; echo ']'
	echo "base_features: [a]"
	echo "slurm: {mode: $1, workers: $J}"
}
plan array >"$work/array.yaml"
plan workers >"$work/workers.yaml"

# naive: one job per run, polled.
naive() {
	local submitted=0 active=() id left
	while [ "$submitted" -lt "$N" ] || [ "${#active[@]}" -gt 0 ]; do
		while [ "$submitted" -lt "$N" ] && [ "${#active[@]}" -lt "$J" ]; do
			id=$(sbatch --parsable --job-name=naive --output=/dev/null --wrap "$work/tiny")
			active+=("$id")
			submitted=$((submitted + 1))
		done
		sleep "$POLL"
		left=$(squeue --noheader --jobs="$(IFS=,; echo "${active[*]}")" --format=%i 2>/dev/null || true)
		local still=()
		for id in "${active[@]}"; do
			grep -qx "$id" <<<"$left" && still+=("$id")
		done
		active=("${still[@]}")
	done
}

run_peer() {
	case $1 in
	local) "$work/kxrun" ablation "$work/array.yaml" --executor local --dir "$work/exp-local" >/dev/null ;;
	workers) "$work/kxrun" ablation "$work/workers.yaml" --executor slurm --dir "$work/exp-workers" >/dev/null ;;
	array) "$work/kxrun" ablation "$work/array.yaml" --executor slurm --dir "$work/exp-array" >/dev/null ;;
	sbatch) naive ;;
	esac
}

PEERS=${PEERS:-local workers array sbatch}
declare -A times
for peer in $PEERS; do
	sleep 2
	start=$(date +%s.%N)
	run_peer "$peer"
	end=$(date +%s.%N)
	times[$peer]=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}')
	echo "$peer: ${times[$peer]} s" >&2
done
for d in local workers array; do
	[ -d "$work/exp-$d" ] || continue
	ok=$(grep -c ',ok,' "$work/exp-$d/runs.csv" || true)
	[ "$ok" = "$N" ] || { echo "bench/slurm.sh: $d logged $ok ok runs, not $N" >&2; exit 1; }
done

echo
echo "$N trivial runs, $J at a time, single-node Slurm cluster"
printf '%-8s %9s %11s %14s\n' peer "time (s)" "per run" "vs sbatch"
for peer in $PEERS; do
	awk -v p="$peer" -v t="${times[$peer]}" -v s="${times[sbatch]:-0}" -v n="$N" \
		'BEGIN {r = s > 0 ? sprintf("%.1fx", s / t) : "-"; printf "%-8s %9.2f %9.1f ms %14s\n", p, t, 1000 * t / n, r}'
done
if [ -n "${times[workers]:-}" ] && [ -n "${times[local]:-}" ]; then
	awk -v w="${times[workers]}" -v l="${times[local]}" 'BEGIN {printf "workers - local: %.2f s\n", w - l}'
fi
