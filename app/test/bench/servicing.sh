#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# P6, servicing loss: what the peer loses while the VF goes away and comes
# back, in the layout Azure users run: the VF is there when testpmd starts,
# the driver's fail-safe port is the only port, no other port arranged
# around fail-safe. Ours (our driver, our fail-safe: failsafe/) against
# upstream's (Debian's librte_net_vdev_netvsc with Debian's fail-safe),
# one after the other in the same run, in identical simulated guests.
#
# For each driver: NetVSC eth1 and its VF, then Debian's dpdk-testpmd in
# icmpecho mode on the port of --vdev=net_vdev_netvsc0,iface=eth1 (the VF
# kept from EAL's own probe with -b, fail-safe's default hotplug_poll:
# upstream's driver cannot set it); the peer pings at 20/s while the VF is
# present (3 s), removed (host servicing, 5 s away), back at the same PCI
# address (present 4 s once in use), removed again (5 s) and back at a new
# PCI address (live migration), up to 20 s for it to be used. Every ping is
# classified by when it was sent: VF present, each removal (from its start
# to 2 s after its end), away, each return (from its start to 2 s after the
# VF is back in use, or 10 s when it is not), present again; per phase,
# the longest outage; per return, from its end (the VF's netdevice up and
# the host's datapath switched to it) to the first answer. A testpmd that dies or a port that fail-safe silences
# (Debian's fail-safe does either when a VF present at start goes) is
# recorded with when and how; the pings go on.
#
# Where tap's remote= works (Debian's kernel: devtools/benchmark.sh --vm
# runs this in QEMU), the tap sub-device carries the traffic while the VF
# is away. On a kernel without it (sch_multiq, cls_flower), as in the
# benchmark's simulated guests on this machine, nothing flows while the
# VF is away: the loss at removal and at return is what compares.
#
#   bash servicing.sh [OUTDIR]  (root; writes OUTDIR/p6.csv (per driver and
#                               phase: sent, lost, longest outage), p6-meta.csv
#                               (how testpmd ended, the path while the VF is
#                               away), p6.txt (the table, report.py --p6) and
#                               OUTDIR/<driver>/ (testpmd's output, pings,
#                               events); in the kernel tier's VM, OUTDIR
#                               defaults to $VM_JOB/save)
#
# Environment: VSC_PLUGIN, FAKE_VF_PLUGIN, FAILSAFE_PLUGIN, SIMGUEST,
# VSC_APP (paths), P6_RATE_MS (default 50), P6_DRIVERS (default "ours
# upstream"). Exit status: 0 measured, 1 error, 77 cannot run.

set -u
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

source "$(dirname "${BASH_SOURCE[0]}")/paths.sh"
HERE=$BENCH_HERE TOP=$BENCH_TOP
RATE=${P6_RATE_MS:-50}
OUT=${1:-${VM_JOB:+$VM_JOB/save}}
[ -n "$OUT" ] || { echo "usage: servicing.sh OUTDIR (default: $VM_JOB/save in the VM)" >&2; exit 2; }
PCI1=7870:00:02.0
PCI2=9a3c:00:02.0

say() { printf 'p6: %s\n' "$*"; }
skip() { printf 'p6: SKIP: %s\n' "$*"; exit 77; }
die() { printf 'p6: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root"
[ -f "$FAKE_VF_PLUGIN" ] || skip "the fake VF plugin is not built"
[ -f "$FAILSAFE_PLUGIN" ] || skip "our fail-safe is not built ($FAILSAFE_PLUGIN)"
command -v dpdk-testpmd >/dev/null || skip "no dpdk-testpmd"
# shellcheck source=../sim/simguest
source "$SIMGUEST"
msg=$(sg_check) || skip "$msg"
# a write to a testpmd that died fails, rather than kill us
trap '' PIPE
TAP=unknown
[ -x "$VSC_APP" ] && TAP=$(sg_tap_check "$VSC_APP")
if [ "$TAP" = works ]; then
	AWAY="through the tap"
else
	AWAY="no tap on this kernel: nothing flows"
fi
VSC_PLUGIN=$(readlink -f "$VSC_PLUGIN")
FAKE_VF_PLUGIN=$(readlink -f "$FAKE_VF_PLUGIN")
FAILSAFE_PLUGIN=$(readlink -f "$FAILSAFE_PLUGIN")
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
echo "driver,phase,sent,lost,outage_ms" > "$OUT/p6.csv"
echo "driver,key,value" > "$OUT/p6-meta.csv"

# measure DRIVER: one servicing sequence; appends to p6.csv
measure() {
	local drv=$1 dir=$OUT/$1 mode=() eal tp_pid ping_pid i t rc died=""
	mkdir -p "$dir"
	if [ "$drv" = ours ]; then
		mode=(--failsafe "$FAILSAFE_PLUGIN")
	else
		mode=(--upstream)
	fi
	SG_NO_TRAP=1 sg_create "${mode[@]}" > /dev/null || die "cannot create a guest"
	sg_trap_install
	sg_add_netvsc eth1 || die "cannot add eth1"
	# the VF is there before testpmd starts
	sg_add_vf eth1 $PCI1 --name enP30832s1 || die "cannot add the VF"
	local ev=$dir/events tp=$dir/testpmd.out
	: > "$ev"
	note() { echo "$EPOCHREALTIME $*" >> "$ev"; }
	# alive: testpmd still runs; else note once when and how it ended
	alive() {
		kill -0 "$tp_pid" 2>/dev/null && return 0
		if [ -z "$died" ]; then
			wait "$tp_pid"; rc=$?
			died="exit $rc"
			[ "$rc" -gt 128 ] && died="$died (signal $((rc - 128)))"
			note died
			say "$drv: testpmd ended during the run: $died"
		fi
		return 1
	}
	eal=(-l 0-1 --no-huge -m 512 --no-shconf --no-telemetry --file-prefix "$SG_ID"
	     --log-level=pmd.net.vdev_netvsc:info --log-level=pmd.net.failsafe:info
	     -d "$FAKE_VF_PLUGIN" -b $PCI1 -b $PCI2)
	[ "$drv" = ours ] && eal+=(-d "$VSC_PLUGIN")
	mkfifo "$SG_DIR/in"   # not on the job directory: 9p has no FIFOs
	nsenter --net="/run/netns/$SG_GNS" --mount="$SG_DIR/mnt" -- \
		stdbuf -oL -eL dpdk-testpmd "${eal[@]}" \
		--vdev net_vdev_netvsc0,iface=eth1 \
		-- --forward-mode=icmpecho --total-num-mbufs=4096 --tx-offloads=0x0 \
		< "$SG_DIR/in" > "$tp" 2>&1 &
	tp_pid=$!
	exec 8> "$SG_DIR/in"
	sg_on_exit "kill -KILL $tp_pid"
	# wait_for REGEX SECONDS
	wait_for() {
		local end=$((SECONDS + $2))
		while [ $SECONDS -le $end ]; do
			grep -Eq -- "$1" "$tp" && return 0
			alive || return 1
			sleep 0.2
		done
		return 1
	}
	wait_for 'Press enter to exit' 240 || die "$drv: testpmd did not start"
	# fail-safe takes the VF at its start (upstream's) or first poll
	wait_for "fake_vf $PCI1 on" 30 || die "$drv: the VF present at start was not attached"
	sleep 3
	nsenter --net="/run/netns/$SG_PNS" -- ping -n -D -O -i "$(awk -v r="$RATE" 'BEGIN { print r / 1000 }')" \
		-W 1 "$(sg_guest_ip eth1)" > "$dir/ping" 2>&1 &
	ping_pid=$!
	sleep 3
	note remove-start; sg_del_vf enP30832s1; note remove-end
	# sleep 5, noticing a crash as it happens
	for i in $(seq 25); do alive; sleep 0.2; done
	note return-start; sg_add_vf eth1 $PCI1 --name enP30832s1; note return-end
	t=$SECONDS
	# back in use: fail-safe probed it again (the fake VF logs each probe)
	while [ "$(grep -c "fake_vf $PCI1 on" "$tp")" -lt 2 ] && [ $((SECONDS - t)) -lt 20 ] && alive; do sleep 0.2; done
	[ "$(grep -c "fake_vf $PCI1 on" "$tp")" -ge 2 ] && alive && note in-use
	for i in $(seq 20); do alive; sleep 0.2; done
	note remove-start; sg_del_vf enP30832s1; note remove-end
	for i in $(seq 25); do alive; sleep 0.2; done
	note return-start; sg_add_vf eth1 $PCI2 --name enP39484s1; note return-end
	t=$SECONDS
	while ! grep -q "fake_vf $PCI2 on" "$tp" && [ $((SECONDS - t)) -lt 20 ] && alive; do sleep 0.2; done
	grep -q "fake_vf $PCI2 on" "$tp" && alive && note in-use
	for i in $(seq 20); do alive; sleep 0.2; done
	note end
	kill -INT "$ping_pid"; wait "$ping_pid"
	if alive; then
		printf '\n' >&8
		for i in $(seq 300); do kill -0 "$tp_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$tp_pid" 2>/dev/null
		wait "$tp_pid"; rc=$?
	fi
	exec 8>&-
	sg_destroy
	trap - EXIT HUP INT TERM
	SG_ON_EXIT=()
	# classify every ping by when it was sent
	awk -v drv="$drv" -v rate="$RATE" -v out="$OUT/p6.csv" -v meta="$OUT/p6-meta.csv" '
	FNR == NR {
		ev_t[++ne] = $1; ev[ne] = $2; next
	}
	/icmp_seq=/ {
		ts = substr($1, 2, length($1) - 2) + 0
		split($0, a, "icmp_seq="); split(a[2], b, " "); seq = b[1] + 0
		# when it was sent: a reply comes an RTT later, "no answer yet"
		# (-O) is printed as the next one is sent
		if (/bytes from/) got[seq] = 1
		else if (/no answer yet/) ts -= rate / 1000
		else next
		if (!(seq in tsent)) tsent[seq] = ts
		if (seq > maxseq) maxseq = seq
	}
	END {
		for (s = 1; s <= maxseq; s++) {
			if (!(s in tsent)) continue
			t = tsent[s]
			# the phases: present0, then for each servicing k = 1, 2:
			# removal<k> (from its start to 2 s after its end), away<k>,
			# return<k> (from its start to 2 s after the VF is in use
			# again, or 10 s when it is not), then present<k>
			phase = "present0"; k = 0
			for (i = 1; i <= ne; i++) {
				if (ev_t[i] > t) break
				if (ev[i] == "remove-start") { k++; phase = "removal" k; rm_end = 0 }
				else if (ev[i] == "remove-end") rm_end = ev_t[i]
				else if (ev[i] == "return-start") { phase = "return" k; ret = ev_t[i]; inuse = 0 }
				else if (ev[i] == "return-end") back[k] = ev_t[i]
				else if (ev[i] == "in-use") inuse = ev_t[i]
				else if (ev[i] == "end") phase = "end"
			}
			if (phase ~ /^removal/ && rm_end > 0 && t >= rm_end + 2) phase = "away" k
			if (phase ~ /^return/ && ((inuse > 0 && t >= inuse + 2) || (inuse == 0 && t >= ret + 10)))
				phase = "present" k
			if (phase == "end") continue
			sent[phase]++; total++
			# the first answer to a ping sent once the VF was back
			if ((s in got) && k > 0 && (k in back) && t >= back[k] && !(k in first))
				first[k] = t - back[k]
			if (!(s in got)) {
				lost[phase]++; lt++
				run[phase] = (last == s - 1 && lastph == phase) ? run[phase] + 1 : 1
				if (run[phase] > longest[phase]) longest[phase] = run[phase]
				if (run[phase] > lg) lg = run[phase]
				last = s; lastph = phase
			}
		}
		n = split("present0 removal1 away1 return1 present1 removal2 away2 return2 present2", p, " ")
		for (i = 1; i <= n; i++)
			printf "%s,%s,%d,%d,%d\n", drv, p[i], sent[p[i]], lost[p[i]], longest[p[i]] * rate >> out
		printf "%s,total,%d,%d,%d\n", drv, total, lt, lg * rate >> out
		for (k = 1; k <= 2; k++)
			printf "%s,back%d_ms,%s\n", drv, k, (k in first) ? sprintf("%.0f", first[k] * 1000) : "none" >> meta
	}' "$ev" "$dir/ping"
	local used when=""
	used=$(grep -c '^[0-9.]* in-use' "$ev")
	echo "$drv,vf_in_use_after_return,2,$((2 - used)),0" >> "$OUT/p6.csv"
	if [ -n "$died" ]; then
		# the last event before it was seen dead
		when=$(awk '$2 == "died" { print prev; exit } { prev = $2 }' "$ev")
		echo "$drv,testpmd,died: $died; seen after $when" >> "$OUT/p6-meta.csv"
	else
		echo "$drv,testpmd,ran to the end (exit ${rc:-?})" >> "$OUT/p6-meta.csv"
	fi
	grep -q "for not ready port" "$tp" &&
		echo "$drv,fast_path_reset,$(grep -m1 'for not ready port' "$tp" | tr -d ',')" >> "$OUT/p6-meta.csv"
}

say "kernel $(uname -r), pings every $RATE ms, tap's remote= $TAP: while the VF is away, $AWAY"
echo "all,away,$AWAY" >> "$OUT/p6-meta.csv"
echo "all,kernel,$(uname -r)" >> "$OUT/p6-meta.csv"
echo "all,rate_ms,$RATE" >> "$OUT/p6-meta.csv"
for drv in ${P6_DRIVERS:-ours upstream}; do
	say "--- $drv"
	measure "$drv"
done
python3 "$HERE/report.py" --p6 "$OUT" | tee "$OUT/p6.txt"
