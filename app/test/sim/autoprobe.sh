#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Auto-probe: with no --vdev, the driver adds itself when sysfs shows a
# VMBus NetVSC, and exactly the unrouted NetVSCs become fail-safe ports:
# a routed IPv4 or a global IPv6 address makes the kernel's, a link-local
# one does not. The same with 3000 extra netdevices. No VMBus NetVSC: no
# port. An explicit --vdev replaces the automatic instance.

source "$(dirname "$0")/lib.sh"
sim_setup

# no VMBus NetVSC at all: nothing happens
sg_add_plain plain0
if app_start; then
	expect_eq "no VMBus NetVSC: ports" "$(app_nports)" 0
	app_stop
	expect_eq "no VMBus NetVSC: exit status" "$APP_RC" 0
else
	fail "no VMBus NetVSC: EAL did not start"
fi

sg_add_netvsc eth1
sg_add_netvsc eth2 --routed4
sg_add_netvsc eth3 --routed6
sg_add_netvsc eth4 --linklocal
sg_add_netvsc eth5

if app_start; then
	app_cmd ports
	check_ports "auto-probe" -- eth1 eth4 eth5
	app_cmd driver-file
	expect_eq "driver served by our plugin" "$(app_word driver-file 2)" "$VSC_PLUGIN"
	app_stop
	expect_eq "auto-probe: exit status" "$APP_RC" 0
else
	fail "auto-probe: EAL did not start"
fi

# an explicit instance: no second, automatic one
if app_start --vdev=net_vdev_netvsc0; then
	app_cmd ports
	check_ports "explicit --vdev" -- eth1 eth4 eth5
	app_stop
else
	fail "explicit --vdev: EAL did not start"
fi

# 3000 more netdevices (SIM_MANY: fewer where every netdevice costs much,
# as in the kernel tier's emulated VM)
MANY=${SIM_MANY:-3000}
t0=$(date +%s%N)
if sg_add_many "$MANY" --ipv6; then
	log "$MANY netdevices in $(( ($(date +%s%N) - t0) / 1000000 )) ms," \
	    "guest has $(sg_ip -o link show | wc -l)"
	t0=$(date +%s%N)
	if app_start; then
		log "EAL up in $(( ($(date +%s%N) - t0) / 1000000 )) ms with $MANY extra netdevices"
		app_cmd ports
		check_ports "$MANY extra netdevices" -- eth1 eth4 eth5
		app_stop
		expect_eq "$MANY extra netdevices: exit status" "$APP_RC" 0
	else
		fail "$MANY extra netdevices: EAL did not start"
	fi
else
	fail "cannot create $MANY netdevices"
fi

finish
