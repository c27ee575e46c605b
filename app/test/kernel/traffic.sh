#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Kernel tier, scenarios (b) to (e), on Debian's kernel (vm.sh): Debian's
# dpdk-testpmd in icmpecho mode on the port of NetVSC eth1, the peer
# pinging it, and per-path packet counters: the synthetic path (vsynp<n>,
# peer side), the tap (dtap*, guest side: what the kernel hands to DPDK)
# and the VF (its peer end).
# (b) no VF: the pings are answered through the tap;
# (c) a VF appears: the traffic moves to it, the tap's counters stop;
# (d) the VF is removed: the traffic is back on the tap, the loss counted;
# (e) the VF returns at a new PCI address: the traffic goes to it again.

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

# ping_batch COUNT INTERVAL: the number of echo replies the peer got
ping_batch() {
	sg_peer_exec ping -n -q -c "$1" -i "$2" -W 2 "$GUEST" 2>/dev/null |
		awk '/packets transmitted/ { print $4 }'
}

# counters: "<synthetic> <tap> <vf>" packets towards the guest so far:
# sent by the peer's end of the synthetic path, by the tap's netdevice
# (to DPDK), by the peer's end of the current VF (VF_PEER)
VF_PEER=""
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

# ping_through LABEL SECONDS ACTION...: pings at 10/s from a second before
# ACTION until SECONDS after it ended (however long it took); sets SENT,
# LOST and LOST_SEQS (the unanswered ones), and LATE: those sent a second
# or more after ACTION ended (the seq of the last reply before its end,
# + 10), by when the switch must be over
ping_through() {
	local label=$1 after=$2 out done seq_done
	shift 2
	out=$SG_DIR/ping.$RANDOM
	sg_peer_exec ping -n -D -i 0.1 -W 2 "$GUEST" > "$out" 2>&1 &
	local pid=$!
	sleep 1
	"$@"
	done=$EPOCHREALTIME
	sleep "$after"
	pkill -INT -P "$pid" ping 2>/dev/null || kill -INT "$pid"
	wait "$pid"
	SENT=$(awk '/packets transmitted/ { print $1 }' "$out")
	LOST_SEQS=$(awk -v n="${SENT:-0}" '/icmp_seq=/ { split($0, a, "icmp_seq="); split(a[2], b, " "); got[b[1]] = 1 }
		END { for (i = 1; i <= n; i++) if (!(i in got)) printf "%d ", i }' "$out")
	LOST=$(wc -w <<< "$LOST_SEQS")
	seq_done=$(awk -v t="$done" '/icmp_seq=/ { ts = substr($1, 2, length($1) - 2) + 0
		split($0, a, "icmp_seq="); split(a[2], b, " "); if (ts <= t) s = b[1] }
		END { print s + 0 }' "$out")
	LATE=$(awk -v s=$((seq_done + 10)) '{ n = 0; for (i = 1; i <= NF; i++) if ($i > s) n++; print n }' <<< "$LOST_SEQS")
	log "$label: $LOST of $SENT pings (10/s) lost: seq ${LOST_SEQS:-none}; the action ended after seq $seq_done"
	cat "$out" >> "$SIM_LOG"
}

# the fail-safe port of eth1 runs on the VF at PCI $1 (the driver says so)
attached() { grep -q "fail-safe runs on VF $1" "$TP_OUT"; }

# Port 0 is a null device a small fail-safe owns: fail-safe 22.11 resets
# the fast path of port 0 when it removes a sub-device (app/test/README.md)
if ! testpmd_start --vdev net_null_poll0,no-rx=1 \
	--vdev "net_failsafe_poll0,hotplug_poll=$HP,dev(net_null_poll0)" \
	--vdev "net_vdev_netvsc0,iface=eth1,hotplug_poll=$HP" -- \
	--forward-mode=icmpecho --total-num-mbufs=4096 --tx-offloads=0x0; then
	fail "testpmd did not start"
	testpmd_stop
	finish
fi
check "testpmd forwards" testpmd_wait 'Press enter to exit' 60
check "eth1's port has its tap" grep -q "dev(net_tap_vsc0,remote=eth1)" "$TP_OUT"
TAP_IF=$(sg_ip -o link show | sed -n 's/^[0-9]*: \(dtap[0-9]*\):.*/\1/p' | head -n 1)
check "the tap's netdevice exists" test -n "$TAP_IF"
log "tap netdevice: $TAP_IF"
# its counters count what the kernel hands to DPDK: the guest's own IPv6
# chatter on it (router solicitations) would count too
nsenter --net="/run/netns/$SG_GNS" sysctl -qw "net.ipv6.conf.$TAP_IF.disable_ipv6=1"

# --- (b) no VF: through the tap
ping_batch 3 0.2 > /dev/null  # ARP, first packets
expect_eq "(b) datapath without VF" "$(sg_datapath eth1)" synthetic
measure "(b) no VF"
check "(b) no VF: at least $((PINGS - 1)) of $PINGS pings answered" test "$REPLIES" -ge $((PINGS - 1))
check "(b) no VF: the pings came through the synthetic path" test $D_SYN -ge $PINGS
check "(b) no VF: the tap carried them to testpmd" test $D_TAP -ge $PINGS
expect_eq "(b) no VF: nothing through a VF" $D_VF 0

# --- (c) a VF appears: the traffic moves to it
sg_add_vf eth1 $PCI1 --name enP30832s1
VF_PEER=$(sg_vf_get enP30832s1 peer)
check "(c) VF $PCI1 attached" testpmd_wait "fail-safe runs on VF $PCI1" 120
expect_eq "(c) datapath with VF" "$(sg_datapath eth1)" vf
sleep 1
measure "(c) VF present"
check "(c) VF present: at least $((PINGS - 1)) of $PINGS pings answered" test "$REPLIES" -ge $((PINGS - 1))
check "(c) VF present: the pings came through the VF" test $D_VF -ge $PINGS
expect_eq "(c) VF present: the tap's counter stopped" $D_TAP 0
expect_eq "(c) VF present: nothing through the synthetic path" $D_SYN 0

# --- (d) the VF is removed: back on the tap, the loss counted
VF_PEER=""   # its counters go with it
c0=$(counters)
ping_through "(d) VF removed" 4 sg_del_vf enP30832s1
c1=$(counters)
delta "(d) VF removed" "$c0" "$c1"
check "(d) VF removed: the driver saw it" grep -q "VF $PCI1 of eth1 is gone" "$TP_OUT"
expect_eq "(d) datapath after removal" "$(sg_datapath eth1)" synthetic
check "(d) VF removed: the tap carries the traffic again" test $D_TAP -ge 20
check "(d) VF removed: at most 1 ping lost once the VF was gone for 1 s" test "$LATE" -le 1
check "(d) VF removed: at most 20 pings (2 s) lost at the switch" test "$LOST" -le 20
measure "(d) after removal"
check "(d) after removal: at least $((PINGS - 1)) of $PINGS pings answered" test "$REPLIES" -ge $((PINGS - 1))
check "(d) after removal: through the tap" test $D_TAP -ge $PINGS
expect_eq "(d) after removal: nothing through a VF" $D_VF 0

# --- (e) the VF returns at another PCI address (live migration)
sg_add_vf eth1 $PCI2 --name enP39484s1
VF_PEER=$(sg_vf_get enP39484s1 peer)
check "(e) VF attached at new address $PCI2" testpmd_wait "fail-safe runs on VF $PCI2" 120
sleep 1
measure "(e) VF at $PCI2"
check "(e) VF at $PCI2: at least $((PINGS - 1)) of $PINGS pings answered" test "$REPLIES" -ge $((PINGS - 1))
check "(e) VF at $PCI2: the pings came through the VF" test $D_VF -ge $PINGS
expect_eq "(e) VF at $PCI2: the tap's counter stopped" $D_TAP 0

testpmd_stop
expect_eq "testpmd exit status" "$TP_RC" 0
finish
