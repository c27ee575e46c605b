#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Kernel tier, scenarios (b) to (e), on Debian's kernel (vm.sh), in the
# layout Azure users run: the VF is there when Debian's dpdk-testpmd
# starts, in icmpecho mode on the fail-safe port of NetVSC eth1, which is
# port 0 and the only port polled; the peer pings it. Per-path packet
# counters tell which path carried the pings: the synthetic path
# (vsynp<n>, peer side), the tap (dtap*, guest side: what the kernel hands
# to DPDK) and the VF (its peer end).
# (b) VF at start: the pings are answered through it, the tap stays idle;
# (c) the VF is removed under pings: the tap answers them, the loss counted;
# (d) it returns at the same PCI address: through the VF again;
# (e) it goes again, and returns at a new PCI address (live migration):
#     through the VF again.
# Runs on the fail-safe we ship (FAILSAFE_PLUGIN): the distro's crashes or
# goes silent when a VF present at start is removed.

source "$(dirname "$0")/../sim/lib.sh"
source "$(dirname "$0")/lib.sh"
kernel_setup --vf

HP=200                  # fail-safe's hotplug_poll (ms)
PCI1=7870:00:02.0
PCI2=9a3c:00:02.0       # after "live migration"
PINGS=20                # pings of a measured batch, 5 a second

sg_add_netvsc eth1
N=$(sg_netvsc_get eth1 n)
GUEST=$(sg_guest_ip eth1)
# the VF before the application, as on Azure
sg_add_vf eth1 $PCI1 --name enP30832s1
VF_PEER=$(sg_vf_get enP30832s1 peer)

# ping_batch COUNT INTERVAL: the number of echo replies the peer got
ping_batch() {
	sg_peer_exec ping -n -q -c "$1" -i "$2" -W 2 "$GUEST" 2>/dev/null |
		awk '/packets transmitted/ { print $4 }'
}

# counters: "<synthetic> <tap> <vf>" packets towards the guest so far:
# sent by the peer's end of the synthetic path, by the tap's netdevice
# (to DPDK), by the peer's end of the current VF (VF_PEER)
counters() {
	local vf=0
	[ -z "$VF_PEER" ] || vf=$(netdev_stat "$SG_PNS" "$VF_PEER" tx)
	echo "$(netdev_stat "$SG_PNS" "vsynp$N" tx) $(netdev_stat "$SG_GNS" "$TAP_IF" tx) $vf"
}

# delta LABEL BEFORE AFTER: sets D_SYN D_TAP D_VF
delta() {
	local s0 t0 v0 s1 t1 v1
	read -r s0 t0 v0 <<< "$2"
	read -r s1 t1 v1 <<< "$3"
	D_SYN=$((s1 - s0)) D_TAP=$((t1 - t0)) D_VF=$((v1 - v0))
	log "$1: packets towards the guest: synthetic $D_SYN, tap $D_TAP, VF $D_VF"
}

# measure LABEL: one batch of pings; sets REPLIES and the deltas
measure() {
	local c0 c1
	c0=$(counters)
	REPLIES=$(ping_batch $PINGS 0.2)
	c1=$(counters)
	log "$1: $REPLIES of $PINGS pings answered"
	delta "$1" "$c0" "$c1"
}

# tap_sampler FILE: "<epoch> <packets the tap handed to DPDK>" every
# 100 ms, from one shell in the guest's namespace (a process per sample
# would cost 0.1 s or more under TCG); SAMPLER_PID
tap_sampler() {
	local tick=$SG_DIR/tick.$RANDOM
	mkfifo "$tick"
	nsenter --net="/run/netns/$SG_GNS" -- bash -c '
		exec 9<> "$1"
		while :; do
			while read -r l; do
				case $l in "$2:"*)
					read -r _ _ _ _ _ _ _ _ _ tx _ <<< "${l#*:}"
					echo "$EPOCHREALTIME $tx" ;;
				esac
			done < /proc/net/dev
			read -r -t 0.1 -u 9
		done' sampler "$tick" "$TAP_IF" > "$1" 2>/dev/null &
	SAMPLER_PID=$!
}

# ping_through LABEL SECONDS ACTION...: pings at 10/s from a second before
# ACTION until SECONDS after it ended (however long it took), the tap
# sampled meanwhile. ACTION sets ANCHOR ($EPOCHREALTIME): when the new path
# was there (the VF gone, or fail-safe running on the returned VF). Sets
# SENT, LOST and LOST_SEQS (the unanswered ones, but for the last half
# second's, still in flight when ping stopped); LATE: those sent a second
# or more after ANCHOR (the seq of its last reply before ANCHOR, + 10);
# TAP_FIRST and TAP_LAST: ms from ANCHOR to the first and to the last
# sample where the tap had carried more ("-" for none)
ping_through() {
	local label=$1 after=$2 out samples t0 done seq_anchor
	shift 2
	out=$SG_DIR/ping.$RANDOM
	samples=$out.tap
	tap_sampler "$samples"
	sg_peer_exec ping -n -D -i 0.1 -W 2 "$GUEST" > "$out" 2>&1 &
	local pid=$!
	sleep 1
	t0=$EPOCHREALTIME
	ANCHOR=$t0
	"$@"
	done=$EPOCHREALTIME
	sleep "$after"
	pkill -INT -P "$pid" ping 2>/dev/null || kill -INT "$pid"
	wait "$pid"
	kill "$SAMPLER_PID" 2>/dev/null
	wait "$SAMPLER_PID" 2>/dev/null
	SENT=$(awk '/packets transmitted/ { print $1 }' "$out")
	LOST_SEQS=$(awk -v n="$(( ${SENT:-0} - 5 ))" '/icmp_seq=/ { split($0, a, "icmp_seq="); split(a[2], b, " "); got[b[1]] = 1 }
		END { for (i = 1; i <= n; i++) if (!(i in got)) printf "%d ", i }' "$out")
	LOST=$(wc -w <<< "$LOST_SEQS")
	seq_anchor=$(awk -v t="$ANCHOR" '/icmp_seq=/ { ts = substr($1, 2, length($1) - 2) + 0
		split($0, a, "icmp_seq="); split(a[2], b, " "); if (ts <= t) s = b[1] }
		END { print s + 0 }' "$out")
	LATE=$(awk -v s=$((seq_anchor + 10)) '{ n = 0; for (i = 1; i <= NF; i++) if ($i > s) n++; print n }' <<< "$LOST_SEQS")
	read -r TAP_FIRST TAP_LAST < <(awk -v t0="$t0" -v a="$ANCHOR" '
		NR > 1 && $2 > prev && $1 >= t0 { if (first == "") first = $1; last = $1 }
		{ prev = $2 }
		END { if (first == "") print "- -"
		      else printf "%+d %+d\n", (first - a) * 1000, (last - a) * 1000 }' "$samples")
	log "$label: $LOST of $SENT pings (10/s) lost: seq ${LOST_SEQS:-none }(last answer before the new path: seq $seq_anchor); the action took $(ms_between "$t0" "$done") ms, the new path came at +$(ms_between "$t0" "$ANCHOR") ms; relative to that, the tap carried pings from $TAP_FIRST ms to $TAP_LAST ms"
	{ cat "$out"; echo "--- tap samples"; cat "$samples"; } >> "$SIM_LOG"
}

# ms_between EPOCH1 EPOCH2
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d\n", (b - a) * 1000 }'; }

# count REGEX: the lines of testpmd's output that match
count() { grep -c -- "$1" "$TP_OUT"; }

# wait_count REGEX COUNT SECONDS: until COUNT lines match
wait_count() {
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		[ "$(count "$1")" -ge "$2" ] && return 0
		kill -0 "$TP_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# us_epoch US: simguest's microseconds as $EPOCHREALTIME reads
us_epoch() { echo "${1:0:-6}.${1: -6}"; }

# vf_gone NAME: the VF goes; ANCHOR: once it is gone
vf_gone() {
	sg_del_vf "$1"
	ANCHOR=$(us_epoch "$SG_VF_DELETED_US")
}

# vf_back NAME PCI COUNT: the VF appears; returns once fail-safe runs on
# it (the COUNTth time at PCI), ANCHOR then; ATTACH_MS: from its
# appearance to then
vf_back() {
	sg_add_vf eth1 "$2" --name "$1"
	VF_PEER=$(sg_vf_get "$1" peer)
	wait_count "fail-safe runs on VF $2" "$3" 120
	ATTACH_OK=$?
	ANCHOR=$EPOCHREALTIME
	ATTACH_MS=$(ms_between "$(us_epoch "$SG_VF_ADDED_US")" "$ANCHOR")
}

# first_answer SECONDS: ms until the peer's first answered ping
first_answer() {
	local t0=$EPOCHREALTIME end=$((SECONDS + $1))
	while [ $SECONDS -le $end ]; do
		if sg_peer_exec ping -n -q -c 1 -W 1 "$GUEST" > /dev/null 2>&1; then
			awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d\n", (b - a) * 1000 }'
			return 0
		fi
	done
	return 1
}

# -b: EAL's own PCI probe stays off the VF, which fail-safe takes: the
# fail-safe port is port 0, the only one testpmd polls
if ! testpmd_start --vdev "net_vdev_netvsc0,iface=eth1,hotplug_poll=$HP" -b $PCI1 -- \
	--forward-mode=icmpecho --total-num-mbufs=4096; then
	fail "testpmd did not start"
	testpmd_stop
	finish
fi
check "testpmd forwards" testpmd_wait 'Press enter to exit' 60
check "testpmd runs our fail-safe (${FAILSAFE_PLUGIN:-none given})" \
	eval '[ -n "$FAILSAFE_PLUGIN" ] && grep -qF "$(readlink -f "$FAILSAFE_PLUGIN")" "/proc/$TP_PID/maps"'
mac=$(upper "$(sg_mac eth1)")
expect_eq "port 0 is eth1's fail-safe port" \
	"$(awk -v m="$mac" 'toupper($0) ~ "PORT [0-9]+: " m { sub(":", "", $2); print $2; exit }' "$TP_OUT")" 0
check "eth1's port has its tap" grep -q "dev(net_tap_vsc0,remote=eth1)" "$TP_OUT"
TAP_IF=$(sg_ip -o link show | sed -n 's/^[0-9]*: \(dtap[0-9]*\):.*/\1/p' | head -n 1)
check "the tap's netdevice exists" test -n "$TAP_IF"
log "tap netdevice: $TAP_IF"
# its counters count what the kernel hands to DPDK: the guest's own IPv6
# chatter on it (router solicitations) would count too
nsenter --net="/run/netns/$SG_GNS" sysctl -qw "net.ipv6.conf.$TAP_IF.disable_ipv6=1"

# --- (b) the VF at start: through it
check "(b) the driver offered the VF at start" \
	grep -q "VF enP30832s1 ($PCI1) of eth1 offered to fail-safe" "$TP_OUT"
check "(b) fail-safe probed it at start" grep -q "fake_vf $PCI1 on enP30832s1" "$TP_OUT"
expect_eq "(b) datapath with VF" "$(sg_datapath eth1)" vf
if ms=$(first_answer 60); then
	pass "(b) VF at start: first answer $ms ms after testpmd forwarded"
else
	fail "(b) VF at start: no answer in 60 s"
fi
ping_batch 3 0.2 > /dev/null  # ARP, first packets
measure "(b) VF at start"
check "(b) VF at start: at least $((PINGS - 1)) of $PINGS pings answered" test "$REPLIES" -ge $((PINGS - 1))
check "(b) VF at start: the pings came through the VF" test $D_VF -ge $PINGS
expect_eq "(b) VF at start: nothing through the tap" $D_TAP 0
expect_eq "(b) VF at start: nothing through the synthetic path" $D_SYN 0

# removed LABEL NAME PCI COUNT: the VF goes under pings (the COUNTth time
# at PCI), the tap answers them; only the pings in flight as it goes may
# be lost
removed() {
	local label=$1 c0 c1
	VF_PEER=""   # its counters go with it
	c0=$(counters)
	ping_through "$label" 3 vf_gone "$2"
	c1=$(counters)
	delta "$label" "$c0" "$c1"
	check "$label: the driver saw it" wait_count "VF $3 of eth1 is gone" "$4" 10
	check "$label: testpmd lives" kill -0 "$TP_PID"
	expect_eq "$label: datapath" "$(sg_datapath eth1)" synthetic
	check "$label: the tap carries the traffic" test $D_TAP -ge 20
	check "$label: no ping lost from a second after the VF was gone ($LATE)" test "$LATE" -eq 0
	check "$label: at most 20 pings (2 s) lost at the switch ($LOST)" test "$LOST" -le 20
}

# back LABEL NAME PCI COUNT: the VF returns under pings (the COUNTth
# attach at PCI), the VF answers them again; the tap answers until then
back() {
	local label=$1 c0 c1
	c0=$(counters)
	ping_through "$label" 3 vf_back "$2" "$3" "$4"
	c1=$(counters)
	delta "$label" "$c0" "$c1"
	if [ "$ATTACH_OK" = 0 ]; then
		pass "$label: fail-safe runs on the VF, $ATTACH_MS ms after it appeared"
	else
		fail "$label: fail-safe does not run on the VF after ${ATTACH_MS} ms"
	fi
	expect_eq "$label: datapath" "$(sg_datapath eth1)" vf
	check "$label: the VF carries the traffic" test $D_VF -ge 20
	check "$label: no ping lost from a second after fail-safe ran on the VF ($LATE)" test "$LATE" -eq 0
	check "$label: at most 2 pings lost at the switch ($LOST)" test "$LOST" -le 2
	measure "$label, then"
	check "$label, then: at least $((PINGS - 1)) of $PINGS pings answered" test "$REPLIES" -ge $((PINGS - 1))
	check "$label, then: the pings came through the VF" test $D_VF -ge $PINGS
	expect_eq "$label, then: the tap's counter stopped" $D_TAP 0
	expect_eq "$label, then: nothing through the synthetic path" $D_SYN 0
}

# --- (c) the VF is removed: the tap answers
removed "(c) VF removed" enP30832s1 $PCI1 1
measure "(c) after removal"
check "(c) after removal: at least $((PINGS - 1)) of $PINGS pings answered" test "$REPLIES" -ge $((PINGS - 1))
check "(c) after removal: the pings came through the synthetic path" test $D_SYN -ge $PINGS
check "(c) after removal: the tap carried them to testpmd" test $D_TAP -ge $PINGS
expect_eq "(c) after removal: nothing through a VF" $D_VF 0

# --- (d) back at the same PCI address (the driver says "runs on" only
# when fail-safe takes a VF it did not run on at the port's creation)
back "(d) VF back at $PCI1" enP30832s1 $PCI1 1

# --- (e) away again, back at another address (live migration)
removed "(e) VF removed again" enP30832s1 $PCI1 2
back "(e) VF back at $PCI2" enP39484s1 $PCI2 1

testpmd_stop
expect_eq "testpmd exit status" "$TP_RC" 0
check "no port's fast path reset under testpmd" test "$(count 'for not ready port')" = 0
finish
