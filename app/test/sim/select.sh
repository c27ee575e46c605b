#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Which netdevices an explicit instance takes: iface= and mac= (several of
# each, together), a routed NetVSC taken because it is named, a VF's name
# resolving to its NetVSC, force=1 for a plain veth (and not without it),
# ignore=1 (nothing at all, and no automatic instance either).

source "$(dirname "$0")/lib.sh"
sim_setup --no-vf

sg_add_netvsc eth1
sg_add_netvsc eth2
sg_add_netvsc eth3 --routed4
sg_add_netvsc eth4
sg_add_netvsc eth5 --routed6
sg_add_plain plain0
# a VF for eth4 (sysfs and netdevice; no VF plugin: nothing probes it)
sg_add_vf eth4 0001:00:02.0 --name enP1s1

mac() { sg_mac "$1"; }

# case LABEL DEVARGS -- IFNAME...: one run with --vdev=net_vdev_netvsc0,DEVARGS
case_ports() {
	local label=$1 args=$2 hp=""
	shift 3
	[[ $args =~ hotplug_poll=([0-9]+) ]] && hp=${BASH_REMATCH[1]}
	app_run "--vdev=net_vdev_netvsc0${args:+,$args}" -- ports
	if [ "$APP_RC" != 0 ]; then
		fail "$label: vsc_app exit status $APP_RC ($(printf '%s; ' "${APP_LINES[@]}"))"
		return
	fi
	check_ports "$label" $hp -- "$@"
}

case_ports "iface=eth1" "iface=eth1" -- eth1
case_ports "iface= twice" "iface=eth1,iface=eth2" -- eth1 eth2
case_ports "iface= three times" "iface=eth4,iface=eth2,iface=eth1" -- eth1 eth2 eth4
case_ports "mac=" "mac=$(mac eth2)" -- eth2
case_ports "mac= twice" "mac=$(mac eth1),mac=$(mac eth5)" -- eth1 eth5
case_ports "mac= in upper case" "mac=$(upper "$(mac eth4)")" -- eth4
case_ports "iface= and mac=" "iface=eth1,mac=$(mac eth2)" -- eth1 eth2
case_ports "iface= and mac= of the same NetVSC" "iface=eth2,mac=$(mac eth2)" -- eth2
case_ports "routed NetVSC named by iface=" "iface=eth3" -- eth3
case_ports "routed NetVSC named by mac=" "mac=$(mac eth5)" -- eth5
case_ports "VF name as iface= is its NetVSC" "iface=enP1s1" -- eth4
case_ports "VF name and its NetVSC: one port" "iface=enP1s1,iface=eth4" -- eth4
case_ports "hotplug_poll= with iface=" "iface=eth1,hotplug_poll=250" -- eth1
case_ports "force=1 on a plain veth" "iface=plain0,force=1" -- plain0
case_ports "plain veth without force=1: not taken" "iface=plain0" --
case_ports "force=1 with a NetVSC" "iface=eth1,force=1" -- eth1
case_ports "iface= of no netdevice" "iface=nosuchif" --
case_ports "ignore=1" "ignore=1" --
case_ports "ignore=1 with iface=" "ignore=1,iface=eth1" --
# no devargs at all: every unrouted NetVSC, as the automatic instance
case_ports "no devargs" "" -- eth1 eth2 eth4

finish
