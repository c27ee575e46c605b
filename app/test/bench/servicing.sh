#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# P6, servicing loss: what the peer loses while the VF goes away and comes
# back, ours against upstream's driver (Debian's plugin), one after the
# other in the same run, in identical simulated guests. It needs a kernel
# where tap's remote= works: devtools/benchmark.sh --vm runs it in Debian's
# own kernel booted in QEMU (app/test/kernel/vm.sh).
#
# For each driver: NetVSC eth1, Debian's dpdk-testpmd in icmpecho mode on
# its port (fail-safe hotplug_poll=200 for both, through a small fail-safe
# on port 0, see app/test/README.md), a VF added after the start and
# attached; then the peer pings at 20/s while the VF is present (3 s),
# removed (host servicing, 5 s away), back at the same PCI address
# (present 4 s), removed again (5 s) and back at a new PCI address (live
# migration), up to 20 s for it to be used. Every ping is classified by
# when it was sent: VF present, each removal (from its start to 2 s after
# its end), away, each return (from its start to 2 s after the VF is back
# in use, or 10 s when it is not); per phase, the longest outage.
#
#   bash servicing.sh [OUTDIR]  (root; writes OUTDIR/p6.csv, p6.txt; in the
#                               kernel tier's VM, OUTDIR defaults to $VM_JOB/save)
#
# Environment: VSC_PLUGIN, FAKE_VF_PLUGIN, SIMGUEST, VSC_APP (for paths),
# P6_RATE_MS (default 50). Exit status: 0 measured, 1 error, 77 cannot run.

set -u
export LC_ALL=C
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
: "${SIMGUEST:=$TOP/app/test/sim/simguest}"
: "${VSC_PLUGIN:=$TOP/build/librte_net_vdev_netvsc.so}"
: "${FAKE_VF_PLUGIN:=$TOP/build/app/test/fake_vf/librte_net_fake_vf.so}"
: "${VSC_APP:=$TOP/build/app/test/sim/vsc_app}"
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
command -v dpdk-testpmd >/dev/null || skip "no dpdk-testpmd"
# shellcheck source=../sim/simguest
source "$SIMGUEST"
msg=$(sg_check) || skip "$msg"
[ "$(sg_tap_check "$VSC_APP")" = works ] ||
	skip "tap's remote= does not work on this kernel ($(uname -r)): run devtools/benchmark.sh --vm"
VSC_PLUGIN=$(readlink -f "$VSC_PLUGIN")
FAKE_VF_PLUGIN=$(readlink -f "$FAKE_VF_PLUGIN")
mkdir -p "$OUT"
echo "driver,phase,sent,lost,outage_ms" > "$OUT/p6.csv"
: > "$OUT/p6-runs.txt"

# measure DRIVER: one servicing sequence; appends to p6.csv
measure() {
	local drv=$1 dir=$OUT/$1 mode="" eal tp_pid ping_pid i t
	mkdir -p "$dir"
	[ "$drv" = upstream ] && mode=--upstream
	SG_NO_TRAP=1 sg_create $mode > /dev/null || die "cannot create a guest"
	sg_trap_install
	sg_add_netvsc eth1 || die "cannot add eth1"
	local ev=$dir/events tp=$dir/testpmd.out
	: > "$ev"
	note() { echo "$EPOCHREALTIME $*" >> "$ev"; }
	eal=(-l 0-1 --no-huge -m 512 --no-shconf --no-telemetry --file-prefix "$SG_ID"
	     --log-level=pmd.net.vdev_netvsc:info --log-level=pmd.net.failsafe:info
	     -d "$FAKE_VF_PLUGIN")
	[ "$drv" = ours ] && eal+=(-d "$VSC_PLUGIN")
	mkfifo "$SG_DIR/in"   # not on the job directory: 9p has no FIFOs
	nsenter --net="/run/netns/$SG_GNS" --mount="$SG_DIR/mnt" -- \
		stdbuf -oL -eL dpdk-testpmd "${eal[@]}" \
		--vdev net_null_poll0,no-rx=1 \
		--vdev 'net_failsafe_poll0,hotplug_poll=200,dev(net_null_poll0)' \
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
			kill -0 "$tp_pid" 2>/dev/null || return 1
			sleep 0.2
		done
		return 1
	}
	wait_for 'Press enter to exit' 240 || die "$drv: testpmd did not start"
	sg_ip -o link show | grep -q ': dtap[0-9]*:' || say "$drv: warning: no tap sub-device"
	# the VF, added after the start (fail-safe 22.11 crashes when a
	# sub-device present at start goes away)
	sg_add_vf eth1 $PCI1 --name enP30832s1 || die "cannot add the VF"
	wait_for "fake_vf $PCI1 on" 120 || die "$drv: the VF was not attached"
	sleep 2
	nsenter --net="/run/netns/$SG_PNS" -- ping -n -D -O -i "$(awk -v r="$RATE" 'BEGIN { print r / 1000 }')" \
		-W 1 "$(sg_guest_ip eth1)" > "$dir/ping" 2>&1 &
	ping_pid=$!
	sleep 3
	note remove-start; sg_del_vf enP30832s1; note remove-end
	sleep 5
	note return-start; sg_add_vf eth1 $PCI1 --name enP30832s1; note return-end
	t=$SECONDS
	# back in use: fail-safe probed it again (the fake VF logs each probe)
	while [ "$(grep -c "fake_vf $PCI1 on" "$tp")" -lt 2 ] && [ $((SECONDS - t)) -lt 20 ]; do sleep 0.2; done
	[ "$(grep -c "fake_vf $PCI1 on" "$tp")" -ge 2 ] && note in-use
	sleep 4
	note remove-start; sg_del_vf enP30832s1; note remove-end
	sleep 5
	note return-start; sg_add_vf eth1 $PCI2 --name enP39484s1; note return-end
	t=$SECONDS
	while ! grep -q "fake_vf $PCI2 on" "$tp" && [ $((SECONDS - t)) -lt 20 ]; do sleep 0.2; done
	grep -q "fake_vf $PCI2 on" "$tp" && note in-use
	sleep 4
	note end
	kill -INT "$ping_pid"; wait "$ping_pid"
	printf '\n' >&8
	for i in $(seq 300); do kill -0 "$tp_pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$tp_pid" 2>/dev/null
	exec 8>&-
	sg_destroy
	trap - EXIT HUP INT TERM
	SG_ON_EXIT=()
	# classify every ping by when it was sent
	awk -v drv="$drv" -v rate="$RATE" -v out="$OUT/p6.csv" '
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
			# the phases: present, then for each servicing k = 1, 2:
			# removal<k> (from its start to 2 s after its end), away<k>,
			# return<k> (from its start to 2 s after the VF is in use
			# again, or 10 s when it is not), then present again
			phase = "present"; k = 0
			for (i = 1; i <= ne; i++) {
				if (ev_t[i] > t) break
				if (ev[i] == "remove-start") { k++; phase = "removal" k; rm_end = 0 }
				else if (ev[i] == "remove-end") rm_end = ev_t[i]
				else if (ev[i] == "return-start") { phase = "return" k; ret = ev_t[i]; inuse = 0 }
				else if (ev[i] == "in-use") inuse = ev_t[i]
				else if (ev[i] == "end") phase = "end"
			}
			if (phase ~ /^removal/ && rm_end > 0 && t >= rm_end + 2) phase = "away" k
			if (phase ~ /^return/ && ((inuse > 0 && t >= inuse + 2) || (inuse == 0 && t >= ret + 10)))
				phase = "present"
			if (phase == "end") continue
			sent[phase]++; total++
			if (!(s in got)) {
				lost[phase]++; lt++
				run[phase] = (last == s - 1 && lastph == phase) ? run[phase] + 1 : 1
				if (run[phase] > longest[phase]) longest[phase] = run[phase]
				if (run[phase] > lg) lg = run[phase]
				last = s; lastph = phase
			}
		}
		n = split("present removal1 away1 return1 removal2 away2 return2", p, " ")
		for (i = 1; i <= n; i++)
			printf "%s,%s,%d,%d,%d\n", drv, p[i], sent[p[i]], lost[p[i]], longest[p[i]] * rate >> out
		printf "%s,total,%d,%d,%d\n", drv, total, lt, lg * rate >> out
	}' "$ev" "$dir/ping"
	local used
	used=$(grep -c '^[0-9.]* in-use' "$ev")
	echo "$drv: VF back in use after return at the same address and at a new one: $used of 2" >> "$OUT/p6-runs.txt"
	echo "$drv,vf_in_use_after_return,2,$((2 - used)),0" >> "$OUT/p6.csv"
}

say "kernel $(uname -r), pings every $RATE ms"
for drv in ours upstream; do
	say "--- $drv"
	measure "$drv"
done
python3 - "$OUT/p6.csv" "$RATE" <<'PY' | tee "$OUT/p6.txt"
import csv, sys
rows = {}
for r in csv.DictReader(open(sys.argv[1])):
    rows[(r["driver"], r["phase"])] = (int(r["sent"]), int(r["lost"]), int(r["outage_ms"]))
def cell(d, p):
    s, l, o = rows.get((d, p), (0, 0, 0))
    return f"{l}/{s}" + (f" ({o} ms)" if l else "")
print(f"P6 servicing loss: lost/sent pings (every {sys.argv[2]} ms) and the longest outage")
print(f"{'phase':<40}{'ours':>20}{'upstream':>20}")
names = [("present", "VF present"),
         ("removal1", "1st removal (to 2 s after)"), ("away1", "VF away 5 s"),
         ("return1", "return, same PCI address"),
         ("removal2", "2nd removal (to 2 s after)"), ("away2", "VF away 5 s"),
         ("return2", "return, new PCI address"), ("total", "total")]
for p, n in names:
    print(f"{n:<40}{cell('ours', p):>20}{cell('upstream', p):>20}")
ou = rows.get(("ours", "vf_in_use_after_return"), (2, 2, 0))
uu = rows.get(("upstream", "vf_in_use_after_return"), (2, 2, 0))
print(f"{'VF used again after its return (of 2)':<40}{ou[0] - ou[1]:>20}{uu[0] - uu[1]:>20}")
PY
