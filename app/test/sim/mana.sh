#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# MANA VF (1414:00ba): one PCI device carries a netdevice per vPort. The
# line the driver gives fail-safe is "<pci>,mac=<NetVSC MAC>", so the VF
# PMD opens the vPort of that NetVSC: the VF port has the NetVSC's MAC and
# the devargs mac=<it>. Once with the VF hot-plugged after the start, once
# present at start, for each of the two NetVSCs.
# (Two fail-safe ports on one MANA device at once cannot work on DPDK
# 22.11: EAL probes a PCI device once, and net_mana has no PROBE_AGAIN.)

source "$(dirname "$0")/lib.sh"
sim_setup --vf

PCI=7870:00:00.0
sg_add_netvsc eth1
sg_add_netvsc eth2

# check_mana LABEL IFNAME
check_mana() {
	local label=$1 ifn=$2 l mac args
	if ! app_cmd "wait-vf $PCI 10000" 40; then
		fail "$label: VF not attached: $(app_line timeout)"
		return
	fi
	pass "$label: $(app_line vf-new)"
	if ! l=$(app_subport $PCI); then
		fail "$label: no VF port $PCI"
		return
	fi
	read -r _ _ _ mac args _ <<< "$l"
	expect_eq "$label: VF port has $ifn's MAC (right vPort)" "$mac" "$(upper "$(sg_mac "$ifn")")"
	expect_eq "$label: VF devargs carry mac=" "$(upper "$args")" "MAC=$(upper "$(sg_mac "$ifn")")"
	expect_match "$label: VF port owned by fail-safe" "$l" ' owner Fail-safe'
	expect_eq "$label: one fail-safe port" "$(app_nports)" 1
}

# hot-plugged after the start, eth1's instance
if app_start --vdev=net_vdev_netvsc0,iface=eth1,hotplug_poll=100; then
	app_cmd start
	sg_add_vf eth1 $PCI --mana --name enP30832s1
	sg_add_vf eth2 $PCI --mana --name enP30832s1d1
	check_mana "hot-plugged, eth1" eth1
	# the vPort of eth1 goes, eth2's stays: eth1's port loses its VF
	app_cmd mark
	sg_del_vf enP30832s1
	if app_cmd "wait-vf-gone $PCI 10000" 40; then
		pass "eth1's vPort removed: $(app_line vf-gone)"
	else
		fail "eth1's vPort removed: VF port not detached"
	fi
	app_cmd mark
	sg_add_vf eth1 $PCI --mana --name enP30832s1
	check_mana "eth1's vPort back" eth1
	app_stop
	expect_eq "hot-plugged: exit status" "$APP_RC" 0
else
	fail "EAL did not start"
fi

# present at start, eth2's instance (EAL's own probe of the device, with
# no mac=, fails: it has two netdevices; fail-safe's, with mac=, works)
if app_start --vdev=net_vdev_netvsc0,iface=eth2,hotplug_poll=100; then
	app_cmd start
	check_mana "present at start, eth2" eth2
	app_stop
	expect_eq "present at start: exit status" "$APP_RC" 0
else
	fail "EAL did not start"
fi

finish
