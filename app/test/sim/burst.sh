#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# The event monitor under a flood: bursts of 10,000+ link events (flag
# changes of 3000 extra netdevices, one request per 3000, ~65,000 events/s)
# overrun the driver's netlink socket. Association must be right afterwards, and also when the
# VF comes, goes, comes back elsewhere and the NetVSC is renamed in the
# middle of a burst.

source "$(dirname "$0")/lib.sh"
sim_setup --vf
BURST=${SIM_BURST_EVENTS:-10000}
HP=50
WAIT=15000

sg_add_netvsc eth1
sg_add_netvsc eth2
sg_add_many 3000 || { fail "cannot create 3000 netdevices"; finish; }
P1=7870:00:02.0
P2=9a3c:00:02.0

app_start --vdev=net_vdev_netvsc0,hotplug_poll=$HP || { fail "EAL did not start"; finish; }
app_cmd start
app_cmd ports
check_ports "start" $HP -- eth1 eth2
PORTS0=$(app_ports)
FDS0=$(app_fds)

# burst_with LABEL COMMAND...: COMMAND runs in the middle of a burst
burst_with() {
	local label=$1 pid
	shift
	sg_link_burst "$BURST" > /dev/null &
	pid=$!
	sleep 0.05
	"$@" || fail "$label: $* failed"
	wait $pid || fail "$label: the burst failed"
}

wait_vf() {
	local cmd=wait-vf
	[ "$1" = gone ] && cmd=wait-vf-gone
	if app_cmd "$cmd $2 $WAIT" $((WAIT / 1000 + 30)); then
		pass "$3: $(app_line vf-)"
	else
		fail "$3: $(app_line timeout || echo no answer)"
	fi
}

# 1. a burst alone, then a VF
t0=$(date +%s%N)
sg_link_burst "$BURST" > /dev/null || fail "burst failed"
log "$BURST link events in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
app_cmd "sleep 500"
app_cmd ports
expect_eq "after a burst: ports unchanged" "$(app_ports)" "$PORTS0"
app_cmd mark
sg_add_vf eth1 $P1 --name enP30832s1
wait_vf new $P1 "after a burst: VF attached"
l=$(app_subport $P1) && expect_eq "after a burst: VF of eth1" "$(awk '{print $4}' <<< "$l")" \
	"$(upper "$(sg_mac eth1)")"

# 2. the VF goes in the middle of a burst
app_cmd mark
burst_with "VF removed during a burst" sg_del_vf enP30832s1
wait_vf gone $P1 "VF removed during a burst: detached"

# 3. and comes back elsewhere in the middle of one
app_cmd mark
burst_with "VF added during a burst" sg_add_vf eth1 $P2 --name enP39484s1
wait_vf new $P2 "VF back at $P2 during a burst: attached"
l=$(app_subport $P2) && expect_eq "during a burst: VF of eth1" "$(awk '{print $4}' <<< "$l")" \
	"$(upper "$(sg_mac eth1)")"

# 4. the NetVSC renamed and the VF moved to eth2 (a VF with eth2's MAC)
app_cmd mark
sg_del_vf enP39484s1
wait_vf gone $P2 "VF removed"
burst_with "NetVSC renamed during a burst" sg_rename eth1 eth9
app_cmd mark
burst_with "eth2's VF added during a burst" sg_add_vf eth2 $P1 --name enP30832s1
wait_vf new $P1 "eth2's VF during a burst: attached"
l=$(app_subport $P1) && expect_eq "during a burst: VF of eth2" "$(awk '{print $4}' <<< "$l")" \
	"$(upper "$(sg_mac eth2)")"
app_cmd mark
sg_del_vf enP30832s1
wait_vf gone $P1 "eth2's VF removed"
app_cmd mark
sg_add_vf eth9 $P2 --name enP39484s1
wait_vf new $P2 "renamed eth9's VF: attached"
l=$(app_subport $P2) && expect_eq "renamed eth9's VF: MAC" "$(awk '{print $4}' <<< "$l")" \
	"$(upper "$(sg_mac eth9)")"
sg_del_vf enP39484s1
wait_vf gone $P2 "renamed eth9's VF removed"

app_cmd ports
expect_eq "ports unchanged at the end" "$(app_ports)" "$PORTS0"
expect_eq "fds at the end" "$(app_fds)" "$FDS0"
# the point of the bursts: the driver lost events and had to catch up
n=$(grep -ciE 'events lost|overrun' "$SIM_LOG")
check "the bursts overran the driver's socket ($n times, from its log)" [ "$n" -gt 0 ]
app_stop
expect_eq "exit status" "$APP_RC" 0
finish
