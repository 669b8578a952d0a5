#!/usr/bin/env bash
# Concurrency efficiency: N CPU-bound runs (bench/cputrainer, a fixed
# amount of work calibrated to about 1 s here) J at a time through kxrun,
# against the ideal, the serial time of the same runs divided by J. xargs -P
# with the same trainer is the floor a runner can reach on this machine.
# The peers run in the same invocation, alternating, ROUNDS times;
# efficiency is ideal / wall per round (each round's own serial time), and
# the medians are printed, since absolute times on a shared machine are not
# comparable between invocations.
#
# The machine may be shared: a parallel run cannot reach serial / J while
# something else holds part of a CPU. So the CPU time other processes used
# during each peer is reported with it (in CPUs: all CPUs' busy time in
# /proc/stat minus this script's children's), and the medians are repeated
# over the quiet rounds only, those where others used less than QUIET CPUs
# (default 0.1) during every peer.
#
#   bench/concurrency.sh [N] [ROUNDS]      (defaults: 20 runs, 3 rounds, 2 jobs)
#   VERBOSE=1 prints every round; RUN_TIME=2s, JOBS=4, QUIET=0.2 change the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20}
ROUNDS=${2:-3}
J=${JOBS:-2}
QUIET=${QUIET:-0.1}
work=$(mktemp -d -p "${TMPDIR:-/tmp}")
trap 'rm -rf "$work"' EXIT

go build -o "$work/kxrun" ./cmd/kxrun
go build -o "$work/cputrainer" ./bench/cputrainer
steps=$("$work/cputrainer" -calibrate "${RUN_TIME:-1s}")
{
	echo "name: concurrency"
	echo "command: [$work/cputrainer, -work, \"$steps\"]"
	echo "jobs: $J"
	printf 'seeds: ['; seq -s, 1 "$N" | tr -d '\n'; echo ']'
	echo "base_features: [a]"
} >"$work/plan.yaml"

run_peer() {
	case $1 in
	serial) for _ in $(seq "$N"); do "$work/cputrainer" -work "$steps"; done >/dev/null ;;
	# A new tracker each round (see bench/overhead.sh).
	kxrun) "$work/kxrun" ablation "$work/plan.yaml" --dir "$(mktemp -d -p "$work")/exp" >/dev/null 2>&1 ;;
	xargs) seq "$N" | xargs -P"$J" -n1 "$work/cputrainer" -work "$steps" >/dev/null ;;
	esac
}

hz=$(getconf CLK_TCK)
busy() { awk -v hz="$hz" '/^cpu / {print ($2 + $3 + $4 + $7 + $8 + $9) / hz}' /proc/stat; }
# The CPU time of this shell's waited-for children (the peers' processes).
own() { awk -v hz="$hz" '{print ($16 + $17) / hz}' "/proc/$$/stat"; }

peers=(serial kxrun xargs)
declare -A wall others eff # by peer,round
for round in $(seq "$ROUNDS"); do
	for peer in "${peers[@]}"; do
		b0=$(busy) o0=$(own) start=$EPOCHREALTIME
		run_peer "$peer"
		end=$EPOCHREALTIME b1=$(busy) o1=$(own)
		wall[$peer,$round]=$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')
		others[$peer,$round]=$(awk -v w="${wall[$peer,$round]}" -v o0="$o0" -v o1="$o1" -v b0="$b0" -v b1="$b1" \
			'BEGIN {x = ((b1 - b0) - (o1 - o0)) / w; print (x < 0) ? 0 : x}')
	done
	for peer in kxrun xargs; do
		eff[$peer,$round]=$(awk -v s="${wall[serial,$round]}" -v w="${wall[$peer,$round]}" -v j="$J" 'BEGIN {print s / j / w}')
	done
	if [[ -n ${VERBOSE:-} ]]; then
		for peer in "${peers[@]}"; do
			printf 'round %d %-7s wall %7.2f s  others %.2f CPUs  efficiency %s\n' "$round" "$peer" \
				"${wall[$peer,$round]}" "${others[$peer,$round]}" "${eff[$peer,$round]:--}"
		done
	fi
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# pick ARRAY PEER ROUNDS...: the peer's values in those rounds
pick() {
	local -n a=$1
	local peer=$2 r
	shift 2
	for r in "$@"; do printf '%s ' "${a[$peer,$r]}"; done
}
table() { # table ROUNDS...
	local serial x
	serial=$(pick wall serial "$@" | median)
	x=$(pick wall xargs "$@" | median)
	printf '%-8s %8s %9s %11s %10s %14s\n' peer "wall s" "ideal s" efficiency "vs xargs" "others' CPUs"
	printf '%-8s %8.2f %9s %11s %10s %14.2f\n' serial "$serial" "" "" "" "$(pick others serial "$@" | median)"
	for peer in kxrun xargs; do
		awk -v p="$peer" -v w="$(pick wall "$peer" "$@" | median)" -v s="$serial" -v j="$J" -v x="$x" \
			-v e="$(pick eff "$peer" "$@" | median)" -v o="$(pick others "$peer" "$@" | median)" \
			'BEGIN {printf "%-8s %8.2f %9.2f %10.1f%% %9.3fx %14.2f\n", p, w, s / j, 100 * e, w / x, o}'
	done
}

all=$(seq "$ROUNDS")
quiet=()
for r in $all; do
	if awk -v q="$QUIET" -v a="${others[serial,$r]}" -v b="${others[kxrun,$r]}" -v c="${others[xargs,$r]}" \
		'BEGIN {exit !(a < q && b < q && c < q)}'; then
		quiet+=("$r")
	fi
done
printf '%d CPU-bound runs of %.2f s each (median serial run), %d at a time on %s CPUs, median of %d rounds\n' \
	"$N" "$(pick wall serial $all | median | awk -v n="$N" '{print $1 / n}')" "$J" "$(nproc)" "$ROUNDS"
# shellcheck disable=SC2086
table $all
echo
if ((${#quiet[@]} > 0)); then
	printf 'The %d quiet rounds (others used < %s CPUs during every peer):\n' "${#quiet[@]}" "$QUIET"
	table "${quiet[@]}"
else
	printf 'No quiet round: others used %s CPUs or more during every round.\n' "$QUIET"
fi
