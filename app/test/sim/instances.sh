#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# One port per NetVSC, however the instances came: an auto-probed
# instance and one added at run time naming the same interface (by
# rte_vdev_init(), by rte_dev_probe() as OVS does, by iface= or mac=), two
# --vdev naming the same interface, and remove/probe orders: once the
# serving instance is removed, a later probe takes the interface again.
# The instance that finds its interface taken creates nothing for it, logs
# one NOTICE naming the port and instance that serve it, and succeeds.

source "$(dirname "$0")/lib.sh"
sim_setup --no-vf

sg_add_netvsc eth1
sg_add_netvsc eth2
MAC1=$(sg_mac eth1)

# ports_are LABEL IFNAME...: exactly one port for each IFNAME
ports_are() {
	local label=$1
	shift
	app_cmd ports
	check_ports "$label" -- "$@"
}

# notice_count PORT INSTANCE SERVING: NOTICEs that eth1 is served by PORT of
# SERVING, logged for INSTANCE
notice_count() {
	grep -c "vdev_netvsc: $2: eth1 is served by $1 of $3 already, nothing created for it" "$SIM_LOG"
}

# --- auto-probe, then instances at run time naming eth1
if app_start; then
	ports_are "auto-probe" eth1 eth2
	P1=$(app_ports | awk -v m="$(upper "$MAC1")" '$2 == m { print $1 }')
	FDS0=$(app_fds)

	app_cmd "init net_vdev_netvsc1 iface=eth1"
	expect_eq "rte_vdev_init iface=eth1: succeeds" "$(app_word "ret " 2)" 0
	ports_are "rte_vdev_init iface=eth1" eth1 eth2
	expect_eq "rte_vdev_init iface=eth1: one NOTICE" \
		"$(notice_count "$P1" net_vdev_netvsc1 net_vdev_netvsc)" 1

	app_cmd "probe net_vdev_netvsc2,iface=eth1"
	expect_eq "rte_dev_probe iface=eth1 (as OVS): succeeds" "$(app_word "ret " 2)" 0
	ports_are "rte_dev_probe iface=eth1" eth1 eth2
	expect_eq "rte_dev_probe iface=eth1: one NOTICE" \
		"$(notice_count "$P1" net_vdev_netvsc2 net_vdev_netvsc)" 1

	app_cmd "init net_vdev_netvsc3 mac=$MAC1,iface=eth2"
	expect_eq "mac= of eth1 and iface=eth2: succeeds" "$(app_word "ret " 2)" 0
	ports_are "mac= of eth1 and iface=eth2" eth1 eth2

	# remove/probe: the instances that created nothing go without trace;
	# once the auto instance is gone, eth1 can be taken again
	for i in 1 2 3; do
		app_cmd "remove net_vdev_netvsc$i"
		expect_eq "remove the idle instance net_vdev_netvsc$i" "$(app_word "ret " 2)" 0
	done
	ports_are "idle instances removed" eth1 eth2
	expect_eq "idle instances removed: fds as before" "$(app_fds)" "$FDS0"
	app_cmd "uninit net_vdev_netvsc"
	expect_eq "auto instance removed: no port" "$(app_nports)" 0
	app_cmd "probe net_vdev_netvsc4,iface=eth1"
	expect_eq "eth1 free again: rte_dev_probe succeeds" "$(app_word "ret " 2)" 0
	ports_are "eth1 taken again" eth1
	expect_eq "eth1 taken again: the lowest free port name" \
		"$(app_ports | awk -v m="$(upper "$MAC1")" '$2 == m { print $1 }')" net_failsafe_vsc0
	app_cmd "init net_vdev_netvsc5"
	expect_eq "then an auto-mode instance: succeeds" "$(app_word "ret " 2)" 0
	ports_are "then an auto-mode instance: takes only eth2" eth1 eth2
	app_stop
	expect_eq "exit status" "$APP_RC" 0
else
	fail "vsc_app did not start"
fi

# --- two --vdev naming the same interface: one port
if app_start --vdev=net_vdev_netvsc0,iface=eth1 --vdev=net_vdev_netvsc1,iface=eth1,iface=eth2; then
	ports_are "two --vdev naming eth1" eth1 eth2
	P1=$(app_ports | awk -v m="$(upper "$MAC1")" '$2 == m { print $1 }')
	expect_eq "two --vdev naming eth1: one NOTICE" \
		"$(notice_count "$P1" net_vdev_netvsc1 net_vdev_netvsc0)" 1
	# the second instance serves eth2 only: removing it leaves eth1's port
	app_cmd "uninit net_vdev_netvsc1"
	ports_are "second --vdev removed" eth1
	app_cmd "uninit net_vdev_netvsc0"
	expect_eq "both removed: no port" "$(app_nports)" 0
	app_stop
	expect_eq "two --vdev: exit status" "$APP_RC" 0
else
	fail "two --vdev: vsc_app did not start"
fi

finish
