#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# P7, data-path cost: Debian's dpdk-testpmd forwarding through the
# fail-safe port of our driver, against the same VF PMD used bare (testpmd
# on the VF's own port: no fail-safe, no vdev_netvsc), in txonly and io
# modes, one forwarding core (-l 0-1 --nb-cores=1). The VF is the fake VF
# PMD with FAKE_VF_SINK=1: its Tx counts and drops, its Rx hands out full
# bursts of 64-byte mbufs, so what costs is the layers above it.
#
# Cells, per mode: bare; through the port with the VF present at start
# (start) or attached after testpmd started (late: the VF's netdevice and
# PCI device appear once forwarding runs; fail-safe's default hotplug_poll),
# each with the distro's fail-safe (stock) and with ours (failsafe/, ours).
# Two simulated guests (app/test/sim/simguest), one per fail-safe; bare
# runs in ours'. Each round runs every cell once, in an order shuffled per
# round, so that the drift of this shared machine falls on all alike.
#
# A sample is one run: after a warm-up, testpmd's TX-packets of the
# forwarding port ("show port stats") over P7_SECONDS, divided by the CPU
# time the forwarding lcore's thread got meanwhile (schedstat), in Mpps per
# core-second: other processes taking the core from it (two cores, shared)
# then cost no packets. One long window rather than many short ones: when
# testpmd's main lcore answers a command late, only the two ends of the
# window move. The wall-clock rate of the same window is kept too (p7wall).
#
#   bash datapath.sh [OUTDIR]   (root; appends to OUTDIR/samples.csv, the
#                               benchmark's; logs in OUTDIR/logs/p7-*)
#
# Environment: VSC_PLUGIN, FAKE_VF_PLUGIN, FAILSAFE_PLUGIN, SIMGUEST (paths),
# P7_ROUNDS (runs per cell, 6), P7_SECONDS (the measured window, 4),
# P7_WARMUP (s, 2), P7_MODES ("txonly io"), BENCH_QUICK=1 (1 round of 2 s),
# P7_HUGE (1: 2 MB hugepages, as DPDK applications run; 0: --no-huge),
# FS_COST (the fs_cost program, "" to skip it), P7_ALT_RUNS (its runs per
# fail-safe and mode, 3).
#
# Hugepages matter here: with --no-huge every mbuf sits on its own 4 kB
# page, and in this machine's VM a pass over a burst's mbufs then costs
# a third of the bare VF's io rate, whoever makes it (fail-safe rewriting
# m->port, or the same loop added to the fake VF's own Rx); on hugepages
# bare io runs about four times as fast and such a pass costs little.
# Exit status: 0 measured, 1 error, 77 cannot run here.

set -u
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

source "$(dirname "${BASH_SOURCE[0]}")/paths.sh"
HERE=$BENCH_HERE TOP=$BENCH_TOP
: "${TESTPMD:=dpdk-testpmd}"
OUT=${1:-$BENCH_OUT}
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	: "${P7_ROUNDS:=1}" "${P7_SECONDS:=2}" "${P7_WARMUP:=1}"
fi
: "${P7_ROUNDS:=6}" "${P7_SECONDS:=4}" "${P7_WARMUP:=2}"
: "${P7_MODES:=txonly io}" "${P7_HUGE:=1}" "${P7_ALT_RUNS:=3}"
PCI=7870:00:02.0
VF=enP30832s1
# the EAL's memory: the guest's hugetlbfs, or none
if [ "$P7_HUGE" = 1 ]; then
	MEM_EAL=(--huge-dir /run/dpdk/hugepages)
else
	MEM_EAL=(--no-huge)
fi
# fs_cost's bare port: a second NetVSC's VF
PCI2=7870:00:03.0
VF2=enP30832s2

say() { printf 'p7: %s\n' "$*"; }
warn() { printf 'p7: warning: %s\n' "$*" >&2; }
skip() { printf 'p7: SKIP: %s\n' "$*"; exit 77; }
die() { printf 'p7: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root"
command -v "$TESTPMD" >/dev/null || skip "no $TESTPMD (Debian package dpdk)"
for f in "$VSC_PLUGIN" "$FAKE_VF_PLUGIN" "$FAILSAFE_PLUGIN"; do
	[ -f "$f" ] || skip "not built: $f"
done
# the guests are destroyed by cleanup() below, not by simguest's traps
export SG_NO_TRAP=1
# shellcheck source=../sim/simguest
source "$SIMGUEST"
r=$(sg_check) || skip "$r"
# a write to a testpmd that died fails, rather than kill us
trap "" PIPE

mkdir -p "$OUT/logs" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)
LOG=$OUT/logs
SAMPLES=$OUT/samples.csv
[ -s "$SAMPLES" ] || echo "phase,driver,param,rep,value" > "$SAMPLES"
# copies of the plugins: others may relink build/ during the run, and
# every cell must run the same files
PLUG=$OUT/plugins
rm -rf "$PLUG" && mkdir -p "$PLUG" || die "cannot create $PLUG"
cp "$(readlink -f "$VSC_PLUGIN")" "$PLUG/librte_net_vdev_netvsc.so" &&
	cp "$(readlink -f "$FAKE_VF_PLUGIN")" "$PLUG/librte_net_fake_vf.so" &&
	cp "$(readlink -f "$FAILSAFE_PLUGIN")" "$PLUG/librte_net_failsafe.so.23.0" ||
	die "cannot copy the plugins"

GO="" GS="" TP=""
cleanup() {
	local rc=$? g
	trap - EXIT INT TERM HUP
	[ -n "$TP" ] && kill -KILL "$TP" 2>/dev/null
	for g in "$GO" "$GS"; do
		[ -n "$g" ] && [ -d "$SG_RUN/$g" ] && (sg_use "$g" && sg_destroy)
	done
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# a guest with NetVSC eth1 and its VF (and hugetlbfs, 600 2 MB pages
# reserved: one testpmd of 512 MB runs at a time)
guest() {
	sg_create "$@" >/dev/null || return 1
	if [ "$P7_HUGE" = 1 ]; then
		sg_hugepages 600 || return 1
	fi
	sg_add_netvsc eth1 && sg_add_vf eth1 $PCI --name $VF
}
sg_destroy_all --stale
guest --failsafe "$PLUG/librte_net_failsafe.so.23.0" || die "cannot create the guest with our fail-safe"
GO=$SG_ID
guest || die "cannot create the guest with the distro's fail-safe"
GS=$SG_ID
declare -A VF_ON=(["$GO"]=1 ["$GS"]=1)

# vf_state GUEST 0|1: the VF's netdevice and PCI device gone or there
vf_state() {
	sg_use "$1"
	[ "${VF_ON[$1]}" = "$2" ] && return 0
	if [ "$2" = 1 ]; then
		sg_add_vf eth1 $PCI --name $VF || return 1
	else
		sg_del_vf $VF || return 1
	fi
	VF_ON[$1]=$2
}

# worker_tid PID: the forwarding lcore's thread (rte-worker-1 in 22.11,
# dpdk-worker1 later)
worker_tid() {
	local t
	for t in /proc/"$1"/task/*; do
		case $(cat "$t/comm" 2>/dev/null) in *worker*) echo "${t##*/}"; return 0 ;; esac
	done
	return 1
}

# wait_out REGEX SECONDS: until testpmd's output matches, or it ended
wait_out() {
	local end=$((SECONDS + $2))
	while [ $SECONDS -le $end ]; do
		grep -Eq -- "$1" "$OUTF" && return 0
		kill -0 "$TP" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

RUN=0
# cell MODE LAYOUT ROUND: one testpmd run, one sample
cell() {
	local mode=$1 layout=$2 round=$3 g fs eal=() port tid k
	local cpu=() wall=() ok=1
	RUN=$((RUN + 1))
	case $layout in
	*-stock) g=$GS fs=stock ;;
	*) g=$GO fs=ours ;;
	esac
	OUTF=$LOG/p7-$RUN-$mode-$layout.out
	eal=(-l 0-1 -m 512 --no-shconf --no-telemetry
	     --file-prefix "p7-$$-$RUN" --log-level=pmd.net.failsafe:info
	     -d "$PLUG/librte_net_fake_vf.so")
	eal+=("${MEM_EAL[@]}")
	case $layout in
	bare) vf_state "$g" 1 && eal+=(-a $PCI) ;;
	start-*) vf_state "$g" 1 &&
		eal+=(-d "$PLUG/librte_net_vdev_netvsc.so" --vdev=net_vdev_netvsc0,iface=eth1,force=1 -b $PCI) ;;
	late-*) vf_state "$g" 0 &&
		eal+=(-d "$PLUG/librte_net_vdev_netvsc.so" --vdev=net_vdev_netvsc0,iface=eth1,force=1 -b $PCI) ;;
	esac || { warn "$layout: cannot set the VF up"; return 1; }
	sg_use "$g"
	rm -f "$SG_DIR/p7.in"
	mkfifo "$SG_DIR/p7.in"
	echo "=== round $round $mode $layout ($fs fail-safe): $TESTPMD ${eal[*]}" > "$OUTF"
	nsenter --net="/run/netns/$SG_GNS" --mount="$SG_DIR/mnt" -- \
		env FAKE_VF_SINK=1 stdbuf -oL "$TESTPMD" "${eal[@]}" -- -i -a \
		--total-num-mbufs=8192 --txd=256 --rxd=256 --tx-offloads=0x0 \
		--forward-mode="$mode" --nb-cores=1 < "$SG_DIR/p7.in" >> "$OUTF" 2>&1 &
	TP=$!
	exec 8> "$SG_DIR/p7.in"
	if ! wait_out 'Start automatic packet forwarding' 120; then
		warn "$mode $layout: testpmd did not start (see $OUTF)"
		ok=0
	fi
	# the port testpmd forwards on: the first it configured (ports a
	# fail-safe owns are not testpmd's)
	port=$(sed -n 's/^Configuring Port \([0-9]*\).*/\1/p' "$OUTF" | head -1)
	if [ $ok = 1 ] && [ "${layout%-*}" = late ]; then
		vf_state "$g" 1 || ok=0
		wait_out "fake_vf $PCI on" 30 ||
			{ warn "$mode $layout: the VF was not attached (see $OUTF)"; ok=0; }
	fi
	tid=$(worker_tid "$TP")
	[ -n "$tid" ] || ok=0
	if [ $ok = 1 ]; then
		sleep "$P7_WARMUP"
		for k in 0 1; do
			[ "$k" = 0 ] || sleep "$P7_SECONDS"
			# the thread's CPU time and the clock, then the counters
			# at once
			read -r 'cpu[k]' _ < "/proc/$TP/task/$tid/schedstat" || { ok=0; break; }
			wall[k]=${EPOCHREALTIME/./}
			printf 'show port stats %s\n' "$port" >&8
		done
		sleep 0.5
	fi
	printf 'stop\nquit\n' >&8 2>/dev/null
	for k in $(seq 100); do kill -0 "$TP" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$TP" 2>/dev/null
	wait "$TP" 2>/dev/null
	TP=""
	exec 8>&-
	[ $ok = 1 ] || return 1
	# TX-packets of each "show port stats", in order
	local tx
	mapfile -t tx < <(awk -v p="$port" '
		/NIC statistics for port/ { cur = $(NF - 1) }
		/TX-packets:/ && cur == p { print $2 }' "$OUTF")
	if [ ${#tx[@]} -lt 2 ]; then
		warn "$mode $layout: ${#tx[@]} counter readings of 2 (see $OUTF)"
		return 1
	fi
	# a window the thread hardly ran in says little (and nothing when it
	# did not run at all): left out
	if [ $(( (cpu[1] - cpu[0]) * 5 )) -lt $(( (wall[1] - wall[0]) * 1000 )) ]; then
		SHORT=$((SHORT + 1))
		return 0
	fi
	{
		echo "p7,$layout,$mode,$round,$(awk -v n=$((tx[1] - tx[0])) \
			-v c=$((cpu[1] - cpu[0])) 'BEGIN { printf "%.4f", n / c * 1000 }')"
		echo "p7wall,$layout,$mode,$round,$(awk -v n=$((tx[1] - tx[0])) \
			-v w=$((wall[1] - wall[0])) 'BEGIN { printf "%.4f", n / w }')"
		echo "p7share,$layout,$mode,$round,$(awk -v c=$((cpu[1] - cpu[0])) \
			-v w=$((wall[1] - wall[0])) 'BEGIN { printf "%.4f", c / w / 1000 }')"
	} >> "$SAMPLES"
}

LAYOUTS="bare start-stock start-ours late-stock late-ours"
say "$P7_ROUNDS runs per cell of $P7_SECONDS s each, in rounds, modes: $P7_MODES"
{
	echo "p7_rounds $P7_ROUNDS"
	echo "p7_seconds $P7_SECONDS"
	echo "p7_huge $P7_HUGE"
} >> "$OUT/meta.txt"
fails=0 SHORT=0
for round in $(seq "$P7_ROUNDS"); do
	# every cell once per round, in an order of its own
	cells=$(for m in $P7_MODES; do for l in $LAYOUTS; do echo "$m $l"; done; done |
		shuf --random-source=<(yes "$round" 2>/dev/null))
	while read -r m l; do
		[ -d "$SG_RUN/$GO" ] && [ -d "$SG_RUN/$GS" ] ||
			die "a guest was destroyed by something else during the run"
		cell "$m" "$l" "$round" || fails=$((fails + 1))
	done <<< "$cells"
	say "round $round of $P7_ROUNDS done"
done

# The second measure: fs_cost (fs_cost.c), the fail-safe port and a bare
# port of the same VF PMD in one process, bursts alternating in rounds of
# a few milliseconds, so that a busy neighbour slows both alike. Each
# guest gets a second NetVSC, eth2, whose VF is the bare port; the
# fail-safe port is our driver's on eth1, its VF there at start.
alt() {
	local g=$1 fs=$2 mode=$3 run=$4 eal line
	sg_use "$g"
	OUTF=$LOG/p7alt-$run-$mode-$fs.out
	eal=(-l 1 -m 512 --no-shconf --no-telemetry --file-prefix "p7alt-$$"
	     -d "$PLUG/librte_net_fake_vf.so" -d "$PLUG/librte_net_vdev_netvsc.so"
	     --vdev=net_vdev_netvsc0,iface=eth1,force=1 -a $PCI2)
	eal+=("${MEM_EAL[@]}")
	echo "=== run $run $mode ($fs fail-safe): $FS_COST ${eal[*]}" > "$OUTF"
	nsenter --net="/run/netns/$SG_GNS" --mount="$SG_DIR/mnt" -- \
		env FAKE_VF_SINK=1 timeout 120 "$FS_COST" "${eal[@]}" -- "$mode" \
		>> "$OUTF" 2>&1
	line=$(grep '^fs_cost ' "$OUTF") || { warn "fs_cost $mode $fs: no result (see $OUTF)"; return 1; }
	set -- $line
	# fs_cost MODE rounds N bare_mpps X fs_mpps Y ratio R median M
	{
		echo "p7alt,$fs,$mode,$run,${10}"
		echo "p7altbare,$fs,$mode,$run,$6"
		echo "p7altfs,$fs,$mode,$run,$8"
	} >> "$SAMPLES"
}
if [ -n "${FS_COST:-}" ] && [ -x "$FS_COST" ] && [ "$P7_ALT_RUNS" -gt 0 ]; then
	for g in "$GO" "$GS"; do
		vf_state "$g" 1 && sg_add_netvsc eth2 && sg_add_vf eth2 $PCI2 --name $VF2 ||
			die "cannot add the bare VF to guest $g"
	done
	say "fs_cost: $P7_ALT_RUNS runs per fail-safe and mode, alternating"
	for run in $(seq "$P7_ALT_RUNS"); do
		for m in $P7_MODES; do
			alt "$GO" ours "$m" "$run" || fails=$((fails + 1))
			alt "$GS" stock "$m" "$run" || fails=$((fails + 1))
		done
	done
fi
[ $fails = 0 ] || warn "$fails runs gave no samples"
[ $SHORT = 0 ] || say "$SHORT runs left out: their forwarding thread had the CPU less than 20 % of the time"
echo "p7_short $SHORT" >> "$OUT/meta.txt"
python3 "$HERE/report.py" --p7 "$OUT"
exit 0
