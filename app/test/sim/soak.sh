#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# The soak with traffic: Debian's dpdk-testpmd forwards (5tswap: addresses
# and ports swapped, back out of the same port) a numbered UDP flow from
# the peer through our fail-safe port of eth1 while eth1's VF is removed
# and re-added CYCLES times at random intervals, at the same PCI address or
# at a new one (at random), for at least SECONDS; in the gaps, PROBE
# probe/remove cycles of the driver in the same testpmd ("port attach
# net_vdev_netvsc1,iface=eth2", "port start all", "device detach"), eth2
# having a VF of its own that each new fail-safe port takes.
#
#   soak.sh [--cycles N] [--seconds S | --minutes M] [--probe-cycles P]
#           [--rate PPS] [--seed N]
#   (defaults: the short CI run, 50 cycles, 60 s, 20 probe/remove cycles;
#   devtools/soak.sh runs the long one)
#
# Measured and checked:
#  - missed attaches: a VF that appeared and that fail-safe never ran on,
#    i.e. through which no packet of the flow came back within ATTACH_S
#    (10 s; attaches take 0.1-0.5 s here). There is no tap sub-device on a
#    kernel without sch_multiq/cls_flower, so the VF is the only way back.
#  - fds and RSS of testpmd at the start (after WARM cycles, once the
#    first attaches have made what DPDK makes once) and at the end, both
#    with no VF and no second instance: fds must not grow at all, RSS by
#    at most RSS_BOUND_KB (see below; not under ASan, whose quarantine
#    keeps freed memory: LeakSanitizer checks leaks there).
#  - packets sent by the peer while the VF was there (from the end of its
#    "ip link set up" to the start of its "ip link del") and how many came
#    back; the same from each window's first echoed packet on (attached).
#    There must be traffic.
#  - the driver's and fail-safe's log lines at warning level and above
#    (their log levels are set so: every line they print is one).
# The summary block ends with one machine-readable line, "soak: key=value
# ...", the last line of the output.

source "$(dirname "$0")/lib.sh"

CYCLES=25 SECONDS_MIN=60 PROBES=10 RATE=500 SEED=$$
while [ $# -gt 0 ]; do
	case $1 in
	--cycles) CYCLES=$2; shift ;;
	--seconds) SECONDS_MIN=$2; shift ;;
	--minutes) SECONDS_MIN=$(($2 * 60)); shift ;;
	--probe-cycles) PROBES=$2; shift ;;
	--rate) RATE=$2; shift ;;
	--seed) SEED=$2; shift ;;
	*) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
HP=50            # fail-safe's hotplug_poll (ms)
ATTACH_S=10      # a VF not attached by then is a missed attach
DWELL_MAX=600    # ms the VF stays once attached: uniform 0..DWELL_MAX
GAP_MAX=400      # ms without a VF: uniform 0..GAP_MAX
WARM=$((CYCLES / 10 < 5 ? 5 : (CYCLES / 10 > 20 ? 20 : CYCLES / 10)))
# RSS growth allowed between start and end. The process's resident set
# moves without any leak: glibc's arenas, DPDK's heap (malloc'd with
# --no-huge) touching pages it had not touched yet, testpmd's output
# buffers. Measured here: +28 kB over 50 cycles, flat from cycle 20 to 75
# of a long run (see app/test/README.md). A leak of 1 KiB per VF cycle adds 1 MiB per 1000
# cycles, 50 KiB in the short run: the bound catches a leak of a few KiB
# per cycle in the short run and of 2 KiB per cycle in the long one.
RSS_BOUND_KB=${SOAK_RSS_BOUND_KB:-2048}
RANDOM=$SEED

sim_setup --vf
# our driver and fail-safe at warning: every line of theirs is a warning
# or an error (EAL takes the first --log-level of a type, not the last)
for k in "${!SIM_EAL[@]}"; do
	case ${SIM_EAL[$k]} in
	--log-level=pmd.net.vdev_netvsc:*) SIM_EAL[$k]=--log-level=pmd.net.vdev_netvsc:warning ;;
	--log-level=pmd.net.failsafe:*) SIM_EAL[$k]=--log-level=pmd.net.failsafe:warning ;;
	esac
done
command -v "$TESTPMD" >/dev/null || skip "no $TESTPMD (Debian package dpdk)"
command -v python3 >/dev/null || skip "no python3"
FLOW=$SIM_HERE/udp_flow.py

sg_add_netvsc eth1
sg_add_netvsc eth2
GUEST=$(sg_guest_ip eth1)
PEER=$(sg_peer_ip eth1)
# the peer reaches the guest's address at the NetVSC's MAC: 5tswap answers
# no ARP, and a neighbour entry that went stale while no VF was there
# would hold packets back
sg_pip neigh replace "$GUEST" lladdr "$(sg_mac eth1)" dev pb1 nud permanent ||
	{ fail "cannot set the peer's neighbour entry"; finish; }
P2=4a5b:00:02.0  # eth2's VF
FIRST_PCI=7870:00:02.0
STATUS=$SG_DIR/flow.status DUMP=$SG_DIR/flow.dump
WINDOWS=$SIM_LOGDIR/$SIM_NAME-$$.windows
SAMPLES=$SIM_LOGDIR/$SIM_NAME-$$.samples
: > "$WINDOWS"
: > "$SAMPLES"
log "seed $SEED: $CYCLES VF cycles, at least $SECONDS_MIN s, $PROBES probe/remove cycles, $RATE packets/s"

# eth1's VF is there at start, as on Azure: the first cycle only removes
# it; the fail-safe port is port 0 (-b: EAL's own probe leaves the VF to
# fail-safe); --tx-offloads=0: see vf_traffic.sh
sg_add_vf eth1 $FIRST_PCI --name enP1s1 || { fail "cannot add eth1's VF"; finish; }
if ! testpmd_start -b $FIRST_PCI --vdev=net_vdev_netvsc0,iface=eth1,hotplug_poll=$HP \
	--log-level=pmd.net.fake_vf:notice \
	-- -i --forward-mode=5tswap --port-topology=loop --total-num-mbufs=8192 \
	--txd=256 --rxd=256 --tx-offloads=0x0; then
	fail "testpmd did not start: $(tail -3 "$TP_OUT" | tr '\n' ' ')"
	finish
fi

# tp_run COMMAND [TIMEOUT_S]: one testpmd command, until its next prompt;
# its output in TP_NEW. 1 on timeout or when testpmd is gone.
tp_run() {
	local off t=${2:-30} end
	off=$(stat -c %s "$TP_OUT")
	testpmd_cmd "$1"
	end=$((SECONDS + t))
	while [ $SECONDS -le $end ]; do
		TP_NEW=$(tail -c +$((off + 1)) "$TP_OUT")
		[[ $TP_NEW == *"testpmd> "* ]] && return 0
		kill -0 "$TP_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# tp_wait_new OFFSET REGEX TIMEOUT_S: REGEX in testpmd's output after OFFSET
tp_wait_new() {
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		tail -c +$(($1 + 1)) "$TP_OUT" | grep -Eq -- "$2" && return 0
		kill -0 "$TP_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# testpmd's open fds (once the count holds still) and RSS (kB)
tp_fds() {
	local a b i
	a=$(ls "/proc/$TP_PID/fd" 2>/dev/null | wc -l)
	for i in $(seq 20); do
		sleep 0.2
		b=$(ls "/proc/$TP_PID/fd" 2>/dev/null | wc -l)
		[ "$a" = "$b" ] && break
		a=$b
	done
	echo "$b"
}
tp_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$TP_PID/status" 2>/dev/null; }

sample() {
	local f r
	f=$(tp_fds) r=$(tp_rss)
	echo "$1 fds $f rss_kb $r t $SECONDS" >> "$SAMPLES"
	echo "$f $r"
}

msleep() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

tp_run start || { fail "testpmd: start"; finish; }
sg_add_vf eth2 $P2 --name enP19035s1 || { fail "cannot add eth2's VF"; finish; }
read -r FDS_RAW RSS_RAW < <(sample raw)
nsenter --net="/run/netns/$SG_PNS" -- python3 "$FLOW" send --src "$PEER" --dst "$GUEST" \
	--rate "$RATE" --status "$STATUS" --dump "$DUMP" 2>> "$SIM_LOG" &
FLOW_PID=$!
sg_on_exit "kill $FLOW_PID"

# flow_last: the send time (us) of the newest packet that came back
flow_last() {
	local w=()
	# none until the sender has started
	{ read -r -a w < "$STATUS"; } 2>/dev/null
	echo "${w[5]:-0}"
}

# one probe/remove cycle of the driver in testpmd: 0 when every step did
# what it should; PROBE_VF=1 when the new port also took eth2's VF
probe_cycle() {
	local n
	PROBE_VF=0
	tp_run "port attach net_vdev_netvsc1,iface=eth2,hotplug_poll=$HP" || return 1
	n=$(grep -c 'is attached. Now total ports' <<< "$TP_NEW")
	[ "$n" -ge 1 ] || { PROBE_ERR="attach: $(grep -m1 -i fail <<< "$TP_NEW")"; return 1; }
	# the fail-safe port, then eth2's VF, which fail-safe probed with it
	[ "$n" = 2 ] && grep -q "fake_vf $P2 on " <<< "$TP_NEW" && PROBE_VF=1
	tp_run "port start all" || return 1
	grep -q 'Configuring Port' <<< "$TP_NEW" || { PROBE_ERR="start: nothing configured"; return 1; }
	grep -qi 'fail' <<< "$TP_NEW" && { PROBE_ERR="start: $(grep -m1 -i fail <<< "$TP_NEW")"; return 1; }
	tp_run "device detach net_vdev_netvsc1" || return 1
	grep -q 'Device net_vdev_netvsc1 is detached' <<< "$TP_NEW" ||
		{ PROBE_ERR="detach: $(grep -m1 -i fail <<< "$TP_NEW")"; return 1; }
	return 0
}

missed=0 missed_probed=0 detach_slow=0 probes=0 probe_fail=0 probe_vf=0
probe_ms=0 same=0 new=0 pci=$FIRST_PCI FDS0="" RSS0="" t0=$SECONDS i=0
declare -A seen_pci=([$FIRST_PCI]=1)
while [ $i -lt "$CYCLES" ] || [ $((SECONDS - t0)) -lt "$SECONDS_MIN" ]; do
	i=$((i + 1))
	# the same address again, or one never used before
	if [ $i -gt 1 ]; then
		if [ $((RANDOM % 2)) = 0 ]; then
			same=$((same + 1))
		else
			pci=$(printf '%04x:00:02.0' $((0x1000 + i)))
			new=$((new + 1))
		fi
	fi
	vf=enP${i}s1
	c0=${EPOCHREALTIME/./}
	if [ $i -gt 1 ]; then
		sg_add_vf eth1 "$pci" --name "$vf" || { fail "cycle $i: cannot add the VF"; break; }
		from=$SG_VF_ADDED_US
	else
		from=$c0    # there since the start
	fi
	# attached: a packet sent since the VF came came back through it
	end=$((SECONDS + ATTACH_S))
	while [ "$(flow_last)" -lt "$from" ] && [ $SECONDS -le $end ]; do
		sleep 0.02
	done
	c1=${EPOCHREALTIME/./}
	if [ "$(flow_last)" -lt "$from" ]; then
		missed=$((missed + 1))
		if grep -q "fake_vf $pci on $vf " "$TP_OUT"; then
			missed_probed=$((missed_probed + 1))
			fail "cycle $i: VF $vf at $pci probed, but no packet came back through it in $ATTACH_S s"
		else
			fail "cycle $i: VF $vf at $pci never attached in $ATTACH_S s"
		fi
	fi
	msleep $((RANDOM % (DWELL_MAX + 1)))
	off=$(stat -c %s "$TP_OUT")
	c2=${EPOCHREALTIME/./}
	sg_del_vf "$vf" || { fail "cycle $i: cannot remove the VF"; break; }
	# cycle, window (us), address, ms: adding, attaching, removing
	echo "$i $from $SG_VF_DELETED_US $pci $(((from - c0) / 1000)) $(((c1 - from) / 1000)) $(((SG_VF_DELETED_US - c2) / 1000))" >> "$WINDOWS"
	# the probe/remove cycles, spread over the VF cycles, and the samples
	# need the VF's port gone (fail-safe's DESTROY): testpmd sets up every
	# new port it has not set up yet on "port attach"
	want_probe=0
	[ $((probes * CYCLES)) -lt $((PROBES * i)) ] && [ $probes -lt "$PROBES" ] && want_probe=1
	if [ $want_probe = 1 ] || [ $i = "$WARM" ]; then
		if ! tp_wait_new "$off" 'Port [0-9]+ is closed' 10; then
			detach_slow=$((detach_slow + 1))
			fail "cycle $i: fail-safe did not let go of $vf in 10 s"
		fi
	fi
	if [ $want_probe = 1 ]; then
		probes=$((probes + 1))
		PROBE_ERR=""
		p0=${EPOCHREALTIME/./}
		probe_cycle
		r=$?
		probe_ms=$((probe_ms + (${EPOCHREALTIME/./} - p0) / 1000))
		if [ $r = 0 ]; then
			probe_vf=$((probe_vf + PROBE_VF))
		else
			probe_fail=$((probe_fail + 1))
			fail "probe/remove cycle $probes: ${PROBE_ERR:-testpmd did not answer}"
			kill -0 "$TP_PID" 2>/dev/null || break
		fi
	fi
	[ $i = "$WARM" ] && read -r FDS0 RSS0 < <(sample "start(cycle $i)")
	if [ $((i % 100)) = 0 ]; then
		log "$i cycles, $probes probe/remove cycles, $((SECONDS - t0)) s, missed attaches $missed"
		sample "cycle $i" > /dev/null
	fi
	kill -0 "$TP_PID" 2>/dev/null || { fail "cycle $i: testpmd is gone"; break; }
	msleep $((RANDOM % (GAP_MAX + 1)))
done
elapsed=$((SECONDS - t0))
cycles=$i
# the end: no VF of eth1, no second instance, as at the start
tp_wait_new "$off" 'Port [0-9]+ is closed' 10 ||
	fail "the last VF: fail-safe did not let go of it in 10 s"
read -r FDS1 RSS1 < <(sample end)
[ -n "$FDS0" ] || { FDS0=$FDS_RAW RSS0=$RSS_RAW; }
kill -TERM "$FLOW_PID" 2>/dev/null
wait "$FLOW_PID" 2>/dev/null
tp_run "show port stats 2" 10
TP_RX=$(sed -n 's/^ *RX-packets: *\([0-9]*\).*/\1/p' <<< "$TP_NEW" | head -1)
TP_TX=$(sed -n 's/^ *TX-packets: *\([0-9]*\).*/\1/p' <<< "$TP_NEW" | head -1)
alive=0
kill -0 "$TP_PID" 2>/dev/null && alive=1
testpmd_stop

declare -A A=()
if [ -s "$DUMP" ]; then
	while read -r k v; do A[$k]=$v; done < <(python3 "$FLOW" analyze --dump "$DUMP" --windows "$WINDOWS")
else
	fail "the flow's record is missing"
fi
cp -f "$DUMP" "$SIM_LOGDIR/$SIM_NAME-$$.flow" 2>/dev/null
pct() { [ "${2:-0}" -gt 0 ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", 100 * a / b }' || echo -; }
# the driver's and fail-safe's lines: all at warning level or above here
errlog=$SIM_LOGDIR/$SIM_NAME-$$.errors
grep -E '^(vdev_netvsc|net_failsafe): ' "$TP_OUT" > "$errlog"
nerr=$(wc -l < "$errlog")

expect_eq "testpmd ran to the end" "$alive" 1
expect_eq "testpmd exit status" "$TP_RC" 0
expect_eq "missed attaches in $cycles cycles" "$missed" 0
expect_eq "VF detached before each probe/remove cycle" "$detach_slow" 0
expect_eq "probe/remove cycles that failed (of $probes)" "$probe_fail" 0
expect_eq "probe/remove cycles done" "$probes" "$PROBES"
expect_eq "new fail-safe ports that took eth2's VF" "$probe_vf" "$probes"
check "at least $CYCLES cycles" [ "$cycles" -ge "$CYCLES" ]
check "at least $SECONDS_MIN s" [ "$elapsed" -ge "$SECONDS_MIN" ]
expect_eq "fds growth (start $FDS0, end $FDS1)" "$((FDS1 - FDS0))" 0
if [ -n "${SANITIZE_PRELOAD:-}" ]; then
	# ASan's quarantine holds freed memory (256 MB by default) and its
	# allocator keeps its own pages: RSS says nothing about leaks there;
	# LeakSanitizer checks them when testpmd exits
	echo "# RSS growth $((RSS1 - RSS0)) kB not bounded: testpmd runs with ASan ($SANITIZE_PRELOAD), whose quarantine keeps freed memory"
else
	check "RSS growth $((RSS1 - RSS0)) kB <= $RSS_BOUND_KB kB (start $RSS0, end $RSS1)" \
		[ $((RSS1 - RSS0)) -le "$RSS_BOUND_KB" ]
fi
check "traffic: packets came back through the VF (${A[echoed_present]:-0})" \
	[ "${A[echoed_present]:-0}" -gt 0 ]
expect_eq "every VF window saw traffic" "${A[windows_no_echo]:-?}" 0
expect_eq "nothing came back while no VF was there (no tap on this kernel)" \
	"${A[echoed_absent]:-?}" 0

{
echo "=== soak summary (seed $SEED; logs $SIM_LOGDIR/$SIM_NAME-$$.*)"
echo "time                 ${elapsed} s"
echo "VF cycles            $cycles (same PCI address again: $same, new address: $new)"
echo "missed attaches      $missed (of which probed but no traffic: $missed_probed)"
echo "attach delay (ms)    mean ${A[attach_ms_mean]:-?}, median ${A[attach_ms_p50]:-?}, max ${A[attach_ms_max]:-?} (VF up -> first packet sent that came back)"
echo "probe/remove cycles  $probes ($probe_fail failed, $probe_vf took eth2's VF; $((probe_ms / (probes > 0 ? probes : 1))) ms each)"
echo "fds                  start $FDS0, end $FDS1, growth $((FDS1 - FDS0)) (before any cycle: $FDS_RAW)"
echo "RSS (kB)             start $RSS0, end $RSS1, growth $((RSS1 - RSS0)) (bound ${SANITIZE_PRELOAD:+none under ASan, else }$RSS_BOUND_KB; before any cycle: $RSS_RAW)"
echo "packets, VF present  sent ${A[sent_present]:-?}, came back ${A[echoed_present]:-?} ($(pct "${A[echoed_present]:-0}" "${A[sent_present]:-0}") %)"
echo "packets, attached    sent ${A[sent_attached]:-?}, came back ${A[echoed_attached]:-?} ($(pct "${A[echoed_attached]:-0}" "${A[sent_attached]:-0}") %)"
echo "packets, no VF       sent ${A[sent_absent]:-?}, came back ${A[echoed_absent]:-?}"
echo "testpmd port 2       RX ${TP_RX:-?}, TX ${TP_TX:-?} (all received on and sent from the fail-safe port)"
echo "driver/fail-safe warning and error lines: $nerr"
if [ "$nerr" -gt 0 ]; then
	sed -E 's/[0-9a-f]{4}:00:02\.0/<pci>/g; s/[0-9]+/N/g' "$errlog" | sort | uniq -c | sort -rn | head -20
fi
} | sed 's/^/# /'
result=PASS
[ $SIM_FAIL = 0 ] || result=FAIL
# machine-readable, the last line before the plan
echo "# soak: result=$result seconds=$elapsed cycles=$cycles missed_attaches=$missed probe_cycles=$probes probe_failed=$probe_fail fds_start=$FDS0 fds_end=$FDS1 fds_growth=$((FDS1 - FDS0)) rss_kb_start=$RSS0 rss_kb_end=$RSS1 rss_kb_growth=$((RSS1 - RSS0)) sent_present=${A[sent_present]:-0} delivered_present=${A[echoed_present]:-0} sent_attached=${A[sent_attached]:-0} delivered_attached=${A[echoed_attached]:-0} delivered_absent=${A[echoed_absent]:-0} error_lines=$nerr"
finish
