#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# The benchmark: our net_vdev_netvsc against the distro's (Debian's
# librte_net_vdev_netvsc.so.23.0), side by side in one run, in two identical
# simulated Hyper-V guests (app/test/sim/simguest): guest A hides the
# distro's driver and gets ours with -d, guest B (simguest --upstream) keeps
# the distro's. Every measurement alternates between the two, so that the
# noise of this machine falls on both alike, and each ratio ours/upstream
# comes from the same run. See README.md beside this file for the method.
# Then P7, the data-path cost through our fail-safe port against the bare VF
# (datapath.sh), and P6, servicing loss with the VF present at start
# (servicing.sh), each side by side in its own guests.
#
#   bash app/test/bench/bench.sh      (root; devtools/benchmark.sh builds first)
#
# Environment (meson sets the paths):
#   VSC_PLUGIN, VSC_BENCH, FAKE_VF_PLUGIN, SIMGUEST   what to run
#   FAILSAFE_PLUGIN  our fail-safe (build/failsafe), for P6 and P7
#   VSC_APP          vsc_app (app/test/sim), P6 asks it whether tap's
#                    remote= works on this kernel
#   P6_WHERE         here, vm or auto (default: in QEMU where this kernel
#                    cannot run tap's remote=, else here)
#   BENCH_OUT        results directory (build/bench)
#   BENCH_QUICK=1    few samples (a smoke run: P1-P4 a minute or two, P7
#                    two, P6 still about ten in QEMU)
#   BENCH_STRICT=1   exit 1 when a target of ours is missed
#   BENCH_P1_REPS, BENCH_P2_REPS, BENCH_P2_WINDOW, BENCH_P3_SAMPLES,
#   BENCH_P4_FAST, BENCH_P4_SLOW, BENCH_SIZES   sample counts and sizes
#   BENCH_P2_SIZE    the size (of BENCH_SIZES) that P2, P3, P4 use (1000)
#   BENCH_PHASES     which of p1 p2 p3 p4 p6 p7 to measure (default all;
#                    "p6 p7" alone makes no guests for P1-P4)
#   P7_ROUNDS, P7_SECONDS, P7_WARMUP, P7_MODES (datapath.sh), P6_RATE_MS
#                    (servicing.sh)
#   BENCH_START_TIMEOUT  seconds an EAL program has to get ready (30; the
#                    kernel tier's QEMU needs more)
# Exit status: 0 measured (targets are reported, not enforced unless
# BENCH_STRICT=1), 1 on error, 77 when it cannot run here.

set -u
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

source "$(dirname "${BASH_SOURCE[0]}")/paths.sh"
export VSC_PLUGIN FAKE_VF_PLUGIN FAILSAFE_PLUGIN SIMGUEST VSC_APP
UPSTREAM_PLUGIN=/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_net_vdev_netvsc.so.23.0

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	: "${BENCH_P1_REPS:=3}" "${BENCH_P2_REPS:=1}" "${BENCH_P2_WINDOW:=4}"
	: "${BENCH_P3_SAMPLES:=10}" "${BENCH_P4_FAST:=4}" "${BENCH_P4_SLOW:=2}"
	: "${BENCH_P4_RETURN:=6}"
fi
: "${BENCH_P1_REPS:=9}"      # fresh processes per driver, size and variant
: "${BENCH_P2_REPS:=3}"      # idle windows per driver and NetVSC count
: "${BENCH_P2_WINDOW:=8}"    # seconds: a multiple of 1 s and 2 s periods
: "${BENCH_P3_SAMPLES:=60}"  # VF detections per driver
: "${BENCH_P4_FAST:=30}"     # attaches per driver at hotplug_poll=100
: "${BENCH_P4_SLOW:=20}"     # attaches per driver at hotplug_poll=2000
: "${BENCH_P4_RETURN:=40}"   # VF returns per driver, half at a new address
: "${BENCH_SIZES:=100 1000 3000}"
P2_SIZE=${BENCH_P2_SIZE:-1000} # netdevices for P2, P3, P4

# the VF stand-in: a Mellanox-like fake PCI device and its netdevice
VF_PCI=7870:00:02.0
VF_NAME=enP30832s1
VF_PEER=pvbench
# where it comes back after a live migration: another PCI domain
VF2_PCI=7871:00:02.0
VF2_NAME=enP30833s1

say() { printf 'bench: %s\n' "$*"; }
warn() { printf 'bench: warning: %s\n' "$*" >&2; }
skip() { printf 'bench: SKIP: %s\n' "$*"; exit 77; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# checks

[ "$(id -u)" = 0 ] || skip "needs root (network and mount namespaces)"
[ -r "$SIMGUEST" ] || skip "simguest not found at $SIMGUEST"
[ -x "$VSC_BENCH" ] || skip "vsc_bench not built ($VSC_BENCH)"
[ -f "$VSC_PLUGIN" ] || skip "our plugin not built ($VSC_PLUGIN)"
[ -f "$UPSTREAM_PLUGIN" ] || skip "the distro's plugin $UPSTREAM_PLUGIN is missing (apt-get install dpdk)"
command -v python3 >/dev/null || skip "python3 missing"
HAVE_VF=1
if [ -z "$FAKE_VF_PLUGIN" ] || [ ! -f "$FAKE_VF_PLUGIN" ]; then
	warn "the fake VF plugin is not built: P3 and P4 are skipped"
	HAVE_VF=0
fi
VSC_PLUGIN=$(readlink -f "$VSC_PLUGIN")
[ $HAVE_VF = 1 ] && FAKE_VF_PLUGIN=$(readlink -f "$FAKE_VF_PLUGIN")
# syscall counting: perf (tracepoints, no ptrace) when it works, else strace
SYSCOUNT=""
if command -v perf >/dev/null &&
   perf stat -x, -e raw_syscalls:sys_enter -- true >/dev/null 2>&1; then
	SYSCOUNT=perf
elif command -v strace >/dev/null; then
	SYSCOUNT=strace
else
	warn "neither perf nor strace: P2 syscalls are not measured"
fi

# shellcheck source=../sim/simguest
SG_NO_TRAP=1
source "$SIMGUEST"
r=$(sg_check) || skip "$r"

mkdir -p "$BENCH_OUT" || die "cannot create $BENCH_OUT"
BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
LOG=$BENCH_OUT/logs
rm -rf "$LOG"
mkdir -p "$LOG"
SAMPLES=$BENCH_OUT/samples.csv
echo "phase,driver,param,rep,value" > "$SAMPLES"
# P6's and P7's results of an earlier run
rm -f "$BENCH_OUT"/p6.csv "$BENCH_OUT"/p6-meta.csv "$BENCH_OUT"/p6.txt "$BENCH_OUT"/p7.csv
META=$BENCH_OUT/meta.txt
: > "$META"

# ---------------------------------------------------------------------------
# the two guests, and cleanup

GA="" GB=""
# the processes of ours running now (started, not yet waited for)
BG_PIDS=()
untrack() {
	local p q keep=()
	for p in "${BG_PIDS[@]}"; do
		for q in "$@"; do [ "$p" = "$q" ] && continue 2; done
		keep+=("$p")
	done
	BG_PIDS=("${keep[@]}")
}
cleanup() {
	local rc=$? p
	trap - EXIT INT TERM HUP
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "$GA" "$GB"; do
		[ -n "$p" ] && [ -d "$SG_RUN/$p" ] && (sg_use "$p" && sg_destroy)
	done
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

guest_of() { [ "$1" = ours ] && echo "$GA" || echo "$GB"; }

# the NetVSCs eth1..eth4 (no IPv6: the distro's driver takes a link-local
# address for a route), and the VF's sysfs entries (fake PCI device, its
# net/ entry, upper_/lower_ links) without the netdevice, which the bench
# program creates itself
guest_setup() {
	local i
	for i in 1 2 3 4; do
		sg_add_netvsc eth$i || return 1
		nsenter --net="/run/netns/$SG_GNS" sysctl -qw net.ipv6.conf.eth$i.disable_ipv6=1 || return 1
	done
	sg_add_vf eth1 $VF_PCI --name $VF_NAME || return 1
	sg_ip link del dev $VF_NAME || return 1
	sg_add_vf eth1 $VF2_PCI --name $VF2_NAME || return 1
	sg_ip link del dev $VF2_NAME || return 1
}

# phase_on P: whether BENCH_PHASES asks for P
phase_on() { [[ " ${BENCH_PHASES:-p1 p2 p3 p4 p6 p7} " == *" $1 "* ]]; }
# P1-P4 share the two guests made here; P6 and P7 make their own
SIM=0
for p in p1 p2 p3 p4; do phase_on $p && SIM=1; done

if [ $SIM = 1 ]; then
	say "creating two identical guests"
	sg_destroy_all --stale
	# ours runs with the fail-safe built beside it (the one it installs)
	if [ -f "$FAILSAFE_PLUGIN" ]; then
		sg_create --failsafe "$FAILSAFE_PLUGIN" || die "cannot create guest A"
	else
		warn "our fail-safe is not built ($FAILSAFE_PLUGIN): both guests run the distro's"
		sg_create || die "cannot create guest A"
	fi
	GA=$SG_ID
	guest_setup || die "cannot set up guest A"
	sg_create --upstream || die "cannot create guest B"
	GB=$SG_ID
	guest_setup || die "cannot set up guest B"
fi
{
	echo "guest_ours $GA"
	echo "guest_upstream $GB"
	echo "ours $VSC_PLUGIN"
	echo "failsafe_ours $([ -f "$FAILSAFE_PLUGIN" ] && echo "$FAILSAFE_PLUGIN" || echo distro)"
	echo "upstream $UPSTREAM_PLUGIN"
	echo "dpdk $(pkg-config --modversion libdpdk 2>/dev/null)"
	echo "kernel $(uname -r)"
	echo "syscount ${SYSCOUNT:-none}"
	echo "p2_size $P2_SIZE"
	echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >> "$META"

# routed N: eth1..eth4 get an IPv4 address (in use by the kernel, skipped
# by both drivers in auto mode) except the first 4-N; N=4: all routed
routed() {
	local keep=$1 g i
	for g in "$GA" "$GB"; do
		sg_use "$g"
		for i in 1 2 3 4; do
			if [ "$i" -gt $((4 - keep)) ]; then
				echo "addr replace 198.19.$i.2/24 dev eth$i"
			else
				echo "addr flush dev eth$i"
			fi
		done | sg_ip -batch - || die "cannot set addresses"
	done
}

# size N: both guests have N netdevices (lo, eth1..4 and add-many ones)
size() {
	local want=$1 g have
	for g in "$GA" "$GB"; do
		sg_use "$g"
		have=$(sg_ip -o link show | wc -l)
		[ "$have" -lt "$want" ] || continue
		sg_add_many $((want - have)) "n${want}_" >/dev/null || die "add-many failed"
		have=$(sg_ip -o link show | wc -l)
		[ "$have" = "$want" ] || die "guest $g has $have netdevices, not $want"
	done
	echo "size $want netdevices" >> "$META"
}

# ---------------------------------------------------------------------------
# running the bench program in a guest

RUN_N=0
# eal_args DRIVER: the EAL arguments of a run (identical but for -d)
eal_args() {
	RUN_N=$((RUN_N + 1))
	EAL=(-l 0 --no-huge -m 512 --no-shconf --no-telemetry
	     --file-prefix "vb$$-$RUN_N" -b $VF_PCI -b $VF2_PCI
	     --vdev=net_vdev_netvsc0,ignore=1)
	[ "$1" = ours ] && EAL+=(-d "$VSC_PLUGIN")
	[ $HAVE_VF = 1 ] && EAL+=(-d "$FAKE_VF_PLUGIN")
}

# run DRIVER OUT TIMEOUT [EAL...] -- MODE [ARGS...]: foreground, stdout to OUT
run() {
	local drv=$1 out=$2 t=$3 extra=()
	shift 3
	while [ $# -gt 0 ] && [ "$1" != -- ]; do extra+=("$1"); shift; done
	sg_use "$(guest_of "$drv")"
	eal_args "$drv"
	echo "=== $drv ${EAL[*]} ${extra[*]} $*" >> "$LOG/$drv.log"
	# in the background, so that a signal's trap runs at once
	timeout -k 5 "$t" nsenter --net="/run/netns/$SG_GNS" --mount="$SG_DIR/mnt" -- \
		"$VSC_BENCH" "${EAL[@]}" "${extra[@]}" "$@" > "$out" 2>> "$LOG/$drv.log" &
	local p=$! rc
	BG_PIDS+=("$p")
	wait "$p"
	rc=$?
	untrack "$p"
	return $rc
}

# start DRIVER OUT [EAL...] -- MODE [ARGS...]: in the background; sets PID
# once it printed "ready"
start() {
	local drv=$1 out=$2 extra=() i
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do extra+=("$1"); shift; done
	sg_use "$(guest_of "$drv")"
	eal_args "$drv"
	echo "=== $drv ${EAL[*]} ${extra[*]} $*" >> "$LOG/$drv.log"
	nsenter --net="/run/netns/$SG_GNS" --mount="$SG_DIR/mnt" -- \
		"$VSC_BENCH" "${EAL[@]}" "${extra[@]}" "$@" > "$out" 2>> "$LOG/$drv.log" &
	PID=$!
	BG_PIDS+=("$PID")
	i=$((SECONDS + ${BENCH_START_TIMEOUT:-30}))
	while [ $SECONDS -le $i ]; do
		grep -q '^ready' "$out" && return 0
		grep -q '^error' "$out" && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.1
	done
	warn "$drv did not get ready: $(grep '^error' "$out")"
	stop "$PID"
	return 1
}

stop() {
	local p
	for p in "$@"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	untrack "$@"
}

sample() { echo "$1,$2,$3,$4,$5" >> "$SAMPLES"; }

# both drivers, in an order that alternates with the repetition
order() { if [ $(($1 % 2)) = 0 ]; then echo "ours upstream"; else echo "upstream ours"; fi; }

# ---------------------------------------------------------------------------
# P1: probe time (wall time of rte_vdev_init("net_vdev_netvsc1", "")), one
# fresh process per sample

p1() {
	local n=$1 variant rep drv out ns ports want
	for variant in routed ports; do
		if [ $variant = routed ]; then routed 4; want=0; else routed 0; want=4; fi
		for rep in $(seq "$BENCH_P1_REPS"); do
			for drv in $(order "$rep"); do
				out=$LOG/p1-$drv.out
				if ! run $drv "$out" 60 -- probe; then
					warn "P1 $drv $variant@$n: $(grep '^error' "$out")"
					continue
				fi
				ns=$(awk '/^probe_ns/ { print $2 }' "$out")
				ports=$(grep -c '^port ' "$out")
				[ "$ports" = $want ] ||
					warn "P1 $drv $variant@$n: $ports ports, expected $want"
				sample p1 $drv "$variant@$n" "$rep" "$(awk -v n="$ns" 'BEGIN { printf "%.4f", n / 1e6 }')"
			done
		done
		say "P1 $variant@$n: $(p_median p1 "$variant@$n")"
	done
}

# median of a phase/param per driver, for progress lines
p_median() {
	python3 - "$SAMPLES" "$1" "$2" <<'PY'
import csv, statistics, sys
v = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r["phase"] == sys.argv[2] and r["param"] == sys.argv[3]:
        v.setdefault(r["driver"], []).append(float(r["value"]))
print(", ".join("%s median %.3f (n=%d)" % (d, statistics.median(x), len(x))
                for d, x in sorted(v.items())))
PY
}

# ---------------------------------------------------------------------------
# P2: idle cost after probe. Each driver's process (auto mode, NV ports)
# runs beside a baseline process with the same fail-safe ports made
# directly (same devargs, an empty pipe of its own): the driver's share is
# the difference. CPU: /proc/<pid>/task/*/schedstat run time; syscalls:
# perf stat on raw_syscalls:sys_enter (or strace -c -f). All four processes
# are measured over the same window.

cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'; }

# syscount_start PID OUT: count PID's syscalls for BENCH_P2_WINDOW seconds
# in the background; SC_PID is the counter's pid ("" when none)
syscount_start() {
	SC_PID=""
	case $SYSCOUNT in
	perf)
		perf stat -x, -e raw_syscalls:sys_enter -p "$1" -o "$2" -- sleep "$BENCH_P2_WINDOW" >/dev/null 2>&1 & ;;
	strace)
		timeout -s INT "$BENCH_P2_WINDOW" strace -f -c -p "$1" -o "$2" >/dev/null 2>&1 & ;;
	*) return 0 ;;
	esac
	SC_PID=$!
	BG_PIDS+=("$SC_PID")
}

syscount_read() {
	case $SYSCOUNT in
	perf) awk -F, '/raw_syscalls:sys_enter/ { print ($1 ~ /^[0-9]+$/) ? $1 : 0 }' "$1" ;;
	strace) awk '$NF == "total" { print $(NF - 2) }' "$1" ;;
	esac
}

# the --fs options that rebuild a driver's ports from its "port" lines
fs_opts() {
	sed -n 's/^port [^ ]* //p' "$1" | sed 's/fd([0-9]*)/fd()/' |
		while IFS= read -r a; do printf -- '--fs\n%s\n' "$a"; done
}

p2() {
	local nv rep drv k out pids=() names=() c0=() c1=() t0=() t1=() sc=() fs
	for nv in 1 4; do
		routed $((4 - nv))
		for rep in $(seq "$BENCH_P2_REPS"); do
			pids=() names=()
			for drv in $(order "$rep"); do
				out=$LOG/p2-$drv.out
				start $drv "$out" -- idle || continue
				pids+=("$PID") names+=("$drv")
				[ "$(grep -c '^port ' "$out")" = $nv ] ||
					warn "P2 $drv nv=$nv: $(grep -c '^port ' "$out") ports, expected $nv"
				mapfile -t fs < <(fs_opts "$out")
				start $drv "$LOG/p2-$drv-base.out" -- baseline "${fs[@]}" || continue
				pids+=("$PID") names+=("$drv-base")
			done
			# past every start-up and first alarm
			sleep 2.5
			for k in "${!pids[@]}"; do
				t0[k]=$(date +%s%N) c0[k]=$(cpu_ns "${pids[k]}")
				syscount_start "${pids[k]}" "$LOG/p2-sys-$k.txt"
				sc[k]=$SC_PID
			done
			sleep "$BENCH_P2_WINDOW"
			for k in "${!pids[@]}"; do
				t1[k]=$(date +%s%N) c1[k]=$(cpu_ns "${pids[k]}")
			done
			for k in "${!pids[@]}"; do
				if [ -n "${sc[k]}" ]; then
					wait "${sc[k]}" 2>/dev/null
					untrack "${sc[k]}"
				fi
				sample p2cpu "${names[k]}" "nv$nv" "$rep" \
					"$(awk -v c="$((c1[k] - c0[k]))" -v t="$((t1[k] - t0[k]))" 'BEGIN { printf "%.4f", c / t * 1000 }')"
				[ -n "$SYSCOUNT" ] && sample p2sys "${names[k]}" "nv$nv" "$rep" \
					"$(awk -v n="$(syscount_read "$LOG/p2-sys-$k.txt")" -v w="$BENCH_P2_WINDOW" 'BEGIN { printf "%.2f", n / w }')"
			done
			stop "${pids[@]}"
		done
		say "P2 nv$nv CPU ms/s: $(p_median p2cpu "nv$nv")"
		[ -n "$SYSCOUNT" ] && say "P2 nv$nv syscalls/s: $(p_median p2sys "nv$nv")"
	done
}

# ---------------------------------------------------------------------------
# P3: VF detection latency: the bench creates the VF netdevice (its sysfs
# is there already), timestamp when the kernel acknowledges, then polls the
# fail-safe port's pipe (fd(N) of its devargs) for POLLIN without reading.
# fail-safe's poll is an hour (set by an extra fail-safe port made first),
# so it never reads the pipe.

vf_args() {
	local drv=$1
	sg_use "$(guest_of "$drv")"
	VF_ARGS=(--vf $VF_NAME --mac "$(sg_mac eth1)" --master eth1
		 --peer $VF_PEER --peer-ns "/run/netns/$SG_PNS")
}

p3() {
	local round drv out n i v
	routed 3
	n=$(( (BENCH_P3_SAMPLES + 1) / 2 ))
	for round in 1 2; do
		for drv in $(order "$round"); do
			out=$LOG/p3-$drv-$round.out
			vf_args $drv
			run $drv "$out" $((n * 8 + 60)) \
				"--vdev=net_failsafe_bpoll,hotplug_poll=3600000,dev(net_null_bpoll)" \
				-- detect "${VF_ARGS[@]}" --samples $n --delay 1000 --settle 100 \
				--timeout 5000 --seed $((round * 7919)) ||
				warn "P3 $drv round $round: $(grep '^error' "$out")"
			while read -r _ i _ v _; do
				sample p3 $drv detect "$(( (round - 1) * n + i ))" \
					"$(awk -v n="$v" 'BEGIN { printf "%.4f", n / 1e6 }')"
			done < <(grep '^sample [0-9]* ns ' "$out")
			grep -q timeout "$out" && warn "P3 $drv: $(grep -c timeout "$out") samples timed out"
		done
	done
	say "P3: $(p_median p3 detect)"
}

# ---------------------------------------------------------------------------
# P4: VF attach end to end: VF netdevice created -> RTE_ETH_EVENT_NEW of
# the port named by its PCI address (fail-safe probed the fake VF PMD).
# One fresh process per sample (fail-safe 22.11 does not see a VF go away
# from a port that is not started). How long fail-safe makes a line wait
# depends on where in its poll period the VF appears; rather than leave
# that phase to chance (the median of n random phases strays by about
# poll/(2 sqrt(n)): +-180 ms at 2000 ms with 30 samples), sample i makes
# the VF appear at phase (j + 0.5)/n of fail-safe's period, j a permutation
# of 0..n-1, counted from when fail-safe armed its timer (the NEW event of
# the driver's port). The phases are the same for both drivers; for the
# distro's driver, whose own 1 s timer starts with the same probe, the
# period index varies too (0..9 at 100 ms), spreading its phase as well.
# Each sample also says when the driver's line was in the pipe (p4line).

p4() {
	local hp=$1 count=$2 i drv out v l ph k
	routed 3
	for i in $(seq 0 $((count - 1))); do
		read -r ph k < <(awk -v i="$i" -v n="$count" -v h="$hp" '
			function gcd(a, b) { return b ? gcd(b, a % b) : a }
			BEGIN {
				s = int(n * 0.382); if (s < 1) s = 1
				while (gcd(s, n) != 1) s++
				j = (i * s) % n
				printf "%.6f %d\n", (j + 0.5) / n, h < 1000 ? 3 + i % 10 : 1
			}')
		# the default period is fail-safe's own: no port sets it
		local poll=("--vdev=net_failsafe_bpoll,hotplug_poll=$hp,dev(net_null_bpoll)")
		[ "$hp" = 2000 ] && poll=()
		for drv in $(order "$i"); do
			out=$LOG/p4-$drv.out
			vf_args $drv
			if ! run $drv "$out" 60 "${poll[@]}" \
				-- attach "${VF_ARGS[@]}" --pci $VF_PCI --poll "$hp" \
				--periods "$k" --phase "$ph" --timeout 10000; then
				warn "P4 $drv hp=$hp: $(grep '^error' "$out")"
				continue
			fi
			read -r v l < <(awk '/^attach ns/ { print $3, $7 }' "$out")
			if [ -z "$v" ]; then
				warn "P4 $drv hp=$hp: $(grep '^attach' "$out")"
				continue
			fi
			sample p4 $drv "hp$hp" "$i" "$(awk -v n="$v" 'BEGIN { printf "%.4f", n / 1e6 }')"
			[ "${l:--1}" -ge 0 ] 2>/dev/null &&
				sample p4line $drv "hp$hp" "$i" "$(awk -v n="$l" 'BEGIN { printf "%.4f", n / 1e6 }')"
		done
	done
	say "P4 hotplug_poll=$hp: $(p_median p4 "hp$hp")"
}

# P4 on return: the users' layout, default settings. One process per
# driver; the VF is there at start and the fail-safe port started; each
# sample removes the VF, waits until fail-safe let go of it, then the VF
# comes back after 100 ms plus a random 0..2000 ms (fail-safe's poll phase),
# at the same PCI address or, every other sample, at another one (a live
# migration). VF appears -> NEW of the port fail-safe makes on it.
p4_return() {
	local n=$1 drv out i v pci kind
	routed 3
	for drv in ours upstream; do
		out=$LOG/p4-return-$drv.out
		vf_args $drv
		run $drv "$out" $((n * 10 + 60)) -- return "${VF_ARGS[@]}" \
			--pci $VF_PCI --vf2 $VF2_NAME --pci2 $VF2_PCI \
			--samples "$n" --settle 100 --delay 2000 --timeout 10000 ||
			warn "P4 return $drv: $(grep '^error' "$out")"
		while read -r _ i _ v _ pci kind; do
			sample p4ret $drv "$kind" "$i" "$(awk -v n="$v" 'BEGIN { printf "%.4f", n / 1e6 }')"
			sample p4ret $drv all "$i" "$(awk -v n="$v" 'BEGIN { printf "%.4f", n / 1e6 }')"
		done < <(grep '^return [0-9]* ns ' "$out")
		grep -q timeout "$out" && warn "P4 return $drv: $(grep -c timeout "$out") samples timed out"
	done
	say "P4 return, same address: $(p_median p4ret same)"
	say "P4 return, new address: $(p_median p4ret new)"
}

# What fail-safe's attach costs once it has the line, whatever the driver:
# rte_eal_hotplug_add("pci", <VF>) with the VF there (bus scan + the fake VF
# PMD's probe), in each guest.
p4_hotplug() {
	local drv out i v
	for drv in ours upstream; do
		out=$LOG/p4-hotplug-$drv.out
		vf_args $drv
		run $drv "$out" 120 -- hotplug "${VF_ARGS[@]}" --pci $VF_PCI \
			--samples 10 --settle 100 ||
			warn "P4 hot-plug $drv: $(grep '^error' "$out")"
		while read -r _ i _ v _ ret; do
			[ "$ret" = 0 ] && sample p4hotplug $drv pci "$i" \
				"$(awk -v n="$v" 'BEGIN { printf "%.4f", n / 1e6 }')"
		done < <(grep '^hotplug ' "$out")
	done
	say "P4 PCI hot-plug alone: $(p_median p4hotplug pci)"
}

# a guest can vanish under us (someone's "simguest destroy-all"): say so
alive() {
	local g
	for g in "$GA" "$GB"; do
		[ -d "$SG_RUN/$g" ] || die "guest $g was destroyed by something else during the run"
	done
}

# ---------------------------------------------------------------------------

T0=$(date +%s)
[ $SIM = 1 ] || BENCH_SIZES=""
for n in $BENCH_SIZES; do
	say "--- $n netdevices"
	alive
	size "$n"
	phase_on p1 && p1 "$n"
	if [ "$n" = $P2_SIZE ]; then
		alive
		phase_on p2 && p2
		if [ $HAVE_VF = 1 ]; then
			alive
			phase_on p3 && p3
			alive
			if phase_on p4; then
				p4_hotplug
				p4_return "$BENCH_P4_RETURN"
				p4 100 "$BENCH_P4_FAST"
				alive
				p4 2000 "$BENCH_P4_SLOW"
			fi
		fi
	fi
	alive
done

# P7 and P6: scripts of their own (each makes and destroys its guests);
# they add to samples.csv (P7) and write p6.csv (P6) in BENCH_OUT
SUB_FAIL=""
# sub NAME COMMAND...: run it; SUB_RC is its exit status
sub() {
	local name=$1
	shift
	"$@" < /dev/null &
	local p=$!
	BG_PIDS+=("$p")
	wait "$p"
	SUB_RC=$?
	untrack "$p"
	case $SUB_RC in
	0|77) ;;
	*) warn "$name failed (exit $SUB_RC)"; SUB_FAIL="$SUB_FAIL $name" ;;
	esac
}
# P6 as README.md here defines it (Targets) has the tap carry the traffic
# while the VF is away: where this kernel cannot run tap's remote=, in
# Debian's kernel under QEMU (app/test/kernel/vm.sh, about 10 minutes), or,
# without a VM here, in this kernel with nothing flowing while the VF is
# away.
# P6_WHERE=here|vm|auto (auto).
p6() {
	local where=${P6_WHERE:-auto}
	if [ "$where" = auto ]; then
		where=here
		[ "$(sg_tap_check "$VSC_APP" 2>/dev/null)" = works ] || where=vm
	fi
	if [ "$where" = vm ]; then
		say "P6 in Debian's kernel under QEMU (TCG: about 10 minutes)"
		sub P6 bash "$BENCH_TOP/app/test/kernel/vm.sh" --timeout 2400 \
			--save "$BENCH_OUT" -- bash "$BENCH_HERE/servicing.sh"
		[ "$SUB_RC" = 77 ] || return 0
		warn "no VM here: P6 in this kernel, without the tap"
	fi
	sub P6 bash "$BENCH_HERE/servicing.sh" "$BENCH_OUT"
	[ "$SUB_RC" = 77 ] && warn "P6 skipped: it cannot run here (see above)"
}
if [ $HAVE_VF = 1 ]; then
	if phase_on p7; then
		sub P7 bash "$BENCH_HERE/datapath.sh" "$BENCH_OUT"
		[ "$SUB_RC" = 77 ] && warn "P7 skipped: it cannot run here (see above)"
	fi
	phase_on p6 && p6
elif phase_on p6 || phase_on p7; then
	warn "P6 and P7 need the fake VF plugin: skipped"
fi
echo "elapsed $(( $(date +%s) - T0 )) s" >> "$META"
say "measured in $(( $(date +%s) - T0 )) s"

python3 "$BENCH_HERE/report.py" "$BENCH_OUT" | tee "$BENCH_OUT/results.txt"
rc=${PIPESTATUS[0]}
if [ $SIM = 0 ]; then
	:   # the plots are of P1-P4
elif command -v gnuplot >/dev/null; then
	(cd "$BENCH_OUT" && gnuplot "$BENCH_HERE/plot.gp") 2>> "$LOG/gnuplot.log" &&
		say "plot: $BENCH_OUT/results.png" ||
		warn "gnuplot failed (see $LOG/gnuplot.log)"
else
	warn "gnuplot not installed: no plot (apt-get install gnuplot-nox)"
fi
say "results: $BENCH_OUT/results.csv, raw samples: $SAMPLES, logs: $LOG"
if [ "$rc" = 2 ] && [ "${BENCH_STRICT:-0}" = 1 ]; then
	exit 1
fi
[ "$rc" = 1 ] && exit 1
[ -z "$SUB_FAIL" ] || die "failed:$SUB_FAIL"
exit 0
