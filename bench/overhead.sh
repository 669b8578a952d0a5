#!/usr/bin/env bash
# Per-run overhead of kxrun against its peers, on N trivial runs J at a time.
# The peers run in the same invocation, alternating, ROUNDS times; the
# medians and their ratios to xargs -P are printed, since absolute times
# on a shared machine are not comparable between invocations.
#
#   bench/overhead.sh [N] [ROUNDS]      (defaults: 1000 runs, 3 rounds, 2 jobs,
#                                        SETTLE=10 s of rest before each peer,
#                                        SETTLE_FIRST=60 s before the first)
#   BASE=<git ref> bench/overhead.sh    also runs kxrun as of that ref, as a peer
#   TRAINER=go bench/overhead.sh        the trivial trainer in Go instead of C
#
# The trivial trainer is bench/tinytrainer-c, built with cc, when there is a
# C compiler (TRAINER=c, the default then), else bench/tinytrainer in Go.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
ROUNDS=${2:-3}
J=${JOBS:-2}
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
ptmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d -p "$work")
trap 'rm -rf "$work" "$ptmp"' EXIT

go build -o "$work/kxrun" ./cmd/kxrun
TRAINER=${TRAINER:-$(command -v cc >/dev/null && echo c || echo go)}
case $TRAINER in
c) cc -O2 -o "$work/tiny" bench/tinytrainer-c/tiny.c ;;
go) go build -o "$work/tiny" ./bench/tinytrainer ;;
*) echo "TRAINER must be c or go, not $TRAINER" >&2; exit 2 ;;
esac
go build -o "$work/execloop" ./bench/execloop
{
	echo "name: overhead"
	echo "command: [$work/tiny]"
	echo "jobs: $J"
	printf 'seeds: ['; seq -s, 1 "$N" | tr -d '\n'; echo ']'
	echo "base_features: [a]"
} > "$work/plan.yaml"

peers=(kxrun xargs execloop)
command -v parallel >/dev/null && peers+=(parallel)
if [ -n "${BASE:-}" ]; then
	mkdir "$work/base"
	git archive "$BASE" | tar -x -C "$work/base"
	(cd "$work/base" && go build -o "$work/kxrun-base" ./cmd/kxrun)
	peers+=(kxrun-base)
fi

run_peer() {
	case $1 in
	# A new tracker each round, deleted only at the end: on ext4 without a
	# journal, files created within a minute after many were deleted are
	# slow to allocate, which would measure the previous round's clean-up.
	kxrun) "$work/kxrun" ablation "$work/plan.yaml" --dir "$(mktemp -d -p "$work")/exp" >/dev/null ;;
	kxrun-base) "$work/kxrun-base" ablation "$work/plan.yaml" --dir "$(mktemp -d -p "$work")/exp" >/dev/null ;;
	xargs) seq "$N" | xargs -P"$J" -n1 "$work/tiny" >/dev/null ;;
	execloop) "$work/execloop" "$N" "$J" "$work/tiny" ;;
	# parallel keeps two temporary files per job, deleted at once; on
	# tmpfs their deletion cannot slow the next peer's file creation.
	parallel) seq "$N" | parallel -j"$J" --tmpdir "$ptmp" --joblog "$work/joblog" "$work/tiny" >/dev/null; rm -f "$work/joblog" ;;
	esac
}

# Each peer starts on a settled machine: the previous peer's writes are on
# disk and the writeback it set off is over.
SETTLE=${SETTLE:-10}
# And the first waits a minute: on ext4 without a journal, files created
# within a minute after many were deleted (the trackers of an earlier
# invocation) are slow to allocate, up to 0.5 ms each.
sleep "${SETTLE_FIRST:-60}"
declare -A times
for round in $(seq "$ROUNDS"); do
	for peer in "${peers[@]}"; do
		sync
		sleep "$SETTLE"
		start=$(date +%s.%N)
		run_peer "$peer"
		end=$(date +%s.%N)
		times[$peer]+="$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}') "
	done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
base=$(echo "${times[xargs]}" | median)
printf '%d trivial runs (%s trainer), %d at a time, median of %d rounds (%s)\n' "$N" "$TRAINER" "$J" "$ROUNDS" "$(nproc) CPUs"
printf '%-10s %10s %12s %10s\n' peer "total s" "per run ms" "vs xargs"
for peer in "${peers[@]}"; do
	m=$(echo "${times[$peer]}" | median)
	awk -v p="$peer" -v m="$m" -v n="$N" -v b="$base" 'BEGIN {printf "%-10s %10.2f %12.2f %9.2fx\n", p, m, m * 1000 / n, m / b}'
done
