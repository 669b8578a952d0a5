#!/usr/bin/env bash
# slurm-cluster.sh: a single-node Slurm cluster on this machine, for kxrun's
# Slurm tests and benchmark. It needs root (slurmd runs jobs as their user)
# and no systemd: the daemons are started here and stopped by pid.
#
#   scripts/slurm-cluster.sh start    install the packages if missing, write
#                                     the configuration, start, wait until idle
#   scripts/slurm-cluster.sh stop     stop the daemons started by start
#   scripts/slurm-cluster.sh status   print sinfo, or say the cluster is down
#   scripts/slurm-cluster.sh env      print the variables the tests read
#
# Everything (slurm.conf, state, spool, logs, pid files) lives in
# $KXRUN_SLURM_STATE (default /tmp/kxrun-slurm). Clients find the
# configuration through SLURM_CONF=$KXRUN_SLURM_STATE/slurm.conf; `env`
# prints it, and the tests read KXRUN_SLURM_CONF.
set -euo pipefail

STATE=${KXRUN_SLURM_STATE:-/tmp/kxrun-slurm}
CONF=$STATE/slurm.conf
NODE=$(hostname -s)

die() { echo "slurm-cluster: $*" >&2; exit 1; }

install_packages() {
	if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null; then
		return
	fi
	[ "$(id -u)" = 0 ] || die "slurmctld/slurmd/sbatch are missing; as root: apt-get install --no-install-recommends slurmctld slurmd slurm-client"
	# The packages' postinst would start the daemons through the init
	# system; a policy-rc.d that exits 101 forbids it, and they are started
	# below instead.
	local policy=/usr/sbin/policy-rc.d made=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		made=1
	fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client >/dev/null
	[ -n "$made" ] && rm -f "$policy"
	return 0
}

write_conf() {
	mkdir -p "$STATE/ctld" "$STATE/spool" "$STATE/log"
	local cpus mem
	# At least 4 CPUs, more than a small machine has, so that a test job
	# holding a CPU (a time-limit test) does not starve the others; slurmd
	# accepts the difference with config_overrides.
	cpus=$(nproc)
	[ "$cpus" -ge 4 ] || cpus=4
	mem=$(awk '/MemTotal/ {print int($2/1024*0.9)}' /proc/meminfo)
	# Facts of this set-up: no writable cgroup tree (pgid process tracking,
	# no task plugin), no accounting, no munge (auth/none with cred/none
	# works in 22.05), and a scheduler that starts jobs as they come.
	cat >"$CONF" <<CONF
ClusterName=kxrun
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MailProg=/bin/true
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
MinJobAge=5
ReturnToService=2
SlurmdParameters=config_overrides
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
MaxArraySize=100001
MaxJobCount=100000
NodeName=$NODE CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
}

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
	install_packages
	if alive "$STATE/slurmctld.pid" && alive "$STATE/slurmd.pid"; then
		echo "slurm-cluster: already running (state in $STATE)"
		return
	fi
	stop_daemons quiet
	write_conf
	export SLURM_CONF=$CONF
	# -i: ignore saved state that a previous configuration left.
	slurmctld -f "$CONF" -i
	slurmd -f "$CONF" -N "$NODE"
	local i
	for i in $(seq 1 60); do
		if sinfo -h -N -o '%t' 2>/dev/null | grep -qx 'idle'; then
			echo "slurm-cluster: node $NODE idle (SLURM_CONF=$CONF)"
			return
		fi
		sleep 0.5
	done
	echo "slurm-cluster: the node did not become idle in 30 s:" >&2
	sinfo -N -l >&2 || true
	tail -n 20 "$STATE/log/slurmctld.log" "$STATE/log/slurmd.log" >&2 || true
	exit 1
}

# stop_daemons stops slurmd, then slurmctld, by the pids they wrote.
stop_daemons() {
	local name pidf pid i
	for name in slurmd slurmctld; do
		pidf=$STATE/$name.pid
		alive "$pidf" || continue
		pid=$(cat "$pidf")
		kill -TERM "$pid"
		for i in $(seq 1 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		rm -f "$pidf"
		[ "${1:-}" = quiet ] || echo "slurm-cluster: stopped $name (pid $pid)"
	done
}

status() {
	if ! alive "$STATE/slurmctld.pid"; then
		echo "slurm-cluster: not running (no live slurmctld pid in $STATE)"
		return 1
	fi
	SLURM_CONF=$CONF sinfo -N -l
}

case "${1:-}" in
start) start ;;
stop) stop_daemons ;;
status) status ;;
env) echo "export SLURM_CONF=$CONF KXRUN_SLURM_CONF=$CONF" ;;
*) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
