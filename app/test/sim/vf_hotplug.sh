#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# VF life cycle under a running port: present at start (the port runs on
# it), removed (sub-device detached, port stays), back at the same PCI
# address and at a new one (attached again), NetVSC renamed, VF renamed
# right after appearing and while attached, and an "old kernel" VF (no
# master, no lower_/upper_ links: paired by MAC only).

source "$(dirname "$0")/lib.sh"
sim_setup --vf

HP=100        # fail-safe hotplug_poll (ms)
WAIT=10000    # longest wait for an attach/detach (ms)
PCI1=7870:00:02.0
PCI2=9a3c:00:02.0   # after "live migration"
PCI3=5e21:00:02.0

sg_add_netvsc eth1
sg_add_netvsc eth2
sg_add_netvsc eth3
sg_add_vf eth1 $PCI1 --name enP30832s1

# port_of IFNAME: "name mac devargs" of the port with IFNAME's MAC
port_of() {
	local mac
	mac=$(upper "$(sg_mac "$1")")
	app_ports | awk -v m="$mac" '$2 == m'
}

# attached PCI IFNAME LABEL: the VF port PCI exists, owned, with IFNAME's MAC
check_attached() {
	local pci=$1 ifn=$2 label=$3 l
	if l=$(app_subport "$pci"); then
		expect_eq "$label: VF port $pci has $ifn's MAC" \
			"$(awk '{ print $4 }' <<< "$l")" "$(upper "$(sg_mac "$ifn")")"
		expect_match "$label: VF port $pci owned by fail-safe" "$l" ' owner Fail-safe'
	else
		fail "$label: no VF port $pci"
	fi
}

# wait_vf new|gone PCI LABEL
wait_vf() {
	local cmd=wait-vf
	[ "$1" = gone ] && cmd=wait-vf-gone
	if app_cmd "$cmd $2 $WAIT" $((WAIT / 1000 + 30)); then
		pass "$3: $(app_line vf-) "
	else
		fail "$3: $(app_line timeout || echo "no answer")"
		return 1
	fi
}

app_start --vdev=net_vdev_netvsc0,hotplug_poll=$HP || { fail "EAL did not start"; finish; }
check "ports configured and started" app_cmd start

# --- VF present at start
expect_eq "ports" "$(app_nports)" 3
read -r P1 MAC1 ARGS1 <<< "$(port_of eth1)"
expect_match "eth1's port" "$P1" '^net_failsafe_vsc[0-9]+$'
check_devargs "eth1's port" "$ARGS1" "${P1#net_failsafe_vsc}" eth1 $HP
wait_vf new $PCI1 "VF present at start"
check_attached $PCI1 eth1 "VF present at start"
FDS0=$(app_fds)

# --- removed: detached, the port stays
app_cmd mark
sg_del_vf enP30832s1
wait_vf gone $PCI1 "VF removed"
expect_eq "VF removed: ports" "$(app_nports)" 3
expect_eq "VF removed: eth1's port unchanged" "$(port_of eth1)" "$P1 $MAC1 $ARGS1"
check_not "VF removed: no VF port" app_subport $PCI1

# --- back at the same address
app_cmd mark
sg_add_vf eth1 $PCI1 --name enP30832s1
wait_vf new $PCI1 "VF back at $PCI1"
check_attached $PCI1 eth1 "VF back at $PCI1"

# --- gone, then back at another address (live migration)
app_cmd mark
sg_del_vf enP30832s1
wait_vf gone $PCI1 "VF removed again"
app_cmd mark
sg_add_vf eth1 $PCI2 --name enP39484s1
wait_vf new $PCI2 "VF back at new address $PCI2"
check_attached $PCI2 eth1 "VF at $PCI2"
expect_eq "VF at $PCI2: eth1's port unchanged" "$(port_of eth1)" "$P1 $MAC1 $ARGS1"
expect_eq "VF at $PCI2: fds as at start" "$(app_fds)" "$FDS0"

# --- NetVSC renamed while the VF is attached, then VF cycled
app_cmd "count-events destroy $PCI2"
D0=$(app_word "events " 4)
sg_rename eth1 eth11
app_cmd "sleep $((HP * 5))"
app_cmd "count-events destroy $PCI2"
expect_eq "NetVSC renamed: VF stays attached" "$(app_word "events " 4)" "$D0"
expect_eq "NetVSC renamed: port unchanged" "$(port_of eth11)" "$P1 $MAC1 $ARGS1"
app_cmd mark
sg_del_vf enP39484s1
wait_vf gone $PCI2 "NetVSC renamed: VF removed"
app_cmd mark
sg_add_vf eth11 $PCI1 --name enP30832s1
wait_vf new $PCI1 "NetVSC renamed: VF back"
check_attached $PCI1 eth11 "NetVSC renamed: VF back"

# --- VF renamed while attached: stays attached, still tracked
app_cmd "count-events destroy $PCI1"
D0=$(app_word "events " 4)
sg_rename enP30832s1 vfrenamed0
app_cmd "sleep $((HP * 5))"
app_cmd "count-events destroy $PCI1"
expect_eq "VF renamed: stays attached" "$(app_word "events " 4)" "$D0"
app_cmd mark
sg_del_vf vfrenamed0
wait_vf gone $PCI1 "VF renamed: then removed"

# --- VF renamed right after appearing (as udev does), before it is up
app_cmd mark
sg_add_vf eth11 $PCI3 --name eth9 --down && sg_rename eth9 enP24097s1 &&
	sg_ip link set enP24097s1 up
wait_vf new $PCI3 "VF renamed right after appearing"
check_attached $PCI3 eth11 "VF renamed right after appearing"
app_cmd mark
sg_del_vf enP24097s1
wait_vf gone $PCI3 "VF renamed right after appearing: removed"

# --- old kernel: no master, no lower_/upper_ links, the MAC pairs them
app_cmd mark
sg_add_vf eth3 $PCI1 --name enP30832s1 --old-kernel
wait_vf new $PCI1 "old-kernel VF"
check_attached $PCI1 eth3 "old-kernel VF"
app_cmd mark
sg_del_vf enP30832s1
wait_vf gone $PCI1 "old-kernel VF removed"
app_cmd mark
sg_add_vf eth3 $PCI2 --name enP39484s1 --old-kernel
wait_vf new $PCI2 "old-kernel VF back at $PCI2"
check_attached $PCI2 eth3 "old-kernel VF back at $PCI2"

# --- eth2 never had a VF: nothing was offered for it
read -r P2 _ ARGS2 <<< "$(port_of eth2)"
check_devargs "eth2's port" "$ARGS2" "${P2#net_failsafe_vsc}" eth2 $HP
app_cmd events
log "events:"
printf '#   %s\n' "${APP_LINES[@]}"

app_stop
expect_eq "exit status" "$APP_RC" 0
finish
