#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Teardown: removing an instance (rte_vdev_uninit) leaves no port, no VF
# port and no file descriptor behind, with ports started and a VF attached;
# 100 probe/remove cycles keep the fd count flat; the automatic instance
# goes the same way.

source "$(dirname "$0")/lib.sh"
sim_setup
CYCLES=${SIM_TEARDOWN_CYCLES:-100}

sg_add_netvsc eth1
sg_add_netvsc eth2
sg_add_netvsc eth3 --routed4
HAVE_VF=0
[ -n "$FAKE_VF_PLUGIN" ] && HAVE_VF=1 || log "no fake VF plugin: cycles without a VF"
PCI=7870:00:02.0

# no sub-device port of PCI left, top-level or not
no_vf_port() {
	app_cmd ports >/dev/null
	! printf '%s\n' "${APP_LINES[@]}" | grep -q " $PCI "
}

if app_start --vdev=net_vdev_netvsc0,ignore=1; then
	expect_eq "baseline: ports" "$(app_nports)" 0
	FDS0=$(app_fds)
	# a VF after the start: EAL's own PCI probe does not take it
	[ $HAVE_VF = 1 ] && sg_add_vf eth1 $PCI --name enP30832s1

	app_cmd "init net_vdev_netvsc1 hotplug_poll=100"
	expect_eq "init: ret" "$(app_word "ret " 2)" 0
	app_cmd ports
	check_ports "init" 100 -- eth1 eth2
	check "init: ports started" app_cmd start
	if [ $HAVE_VF = 1 ]; then
		app_cmd "wait-vf $PCI 10000" 40 && pass "init: $(app_line vf-new)" ||
			fail "init: VF not attached: $(app_line timeout)"
	fi
	app_cmd "uninit net_vdev_netvsc1"
	expect_eq "uninit: ret" "$(app_word "ret " 2)" 0
	expect_eq "uninit: ports" "$(app_nports)" 0
	check "uninit: no VF port left" no_vf_port
	expect_eq "uninit: fds back to baseline" "$(app_fds)" "$FDS0"

	app_cmd "cycles $CYCLES net_vdev_netvsc2 hotplug_poll=100" $((CYCLES + 60))
	rc=$?
	expect_eq "$CYCLES cycles: command status" "$rc" 0
	bad=$(printf '%s\n' "${APP_LINES[@]}" | awk '$1 == "cycle" && !($4 == 0 && $6 == 2 && $8 == 0 && $10 == 0)' | head -3)
	expect_eq "$CYCLES cycles: every init 0 with 2 ports, uninit 0 with 0" "$bad" ""
	expect_eq "$CYCLES cycles: number" "$(printf '%s\n' "${APP_LINES[@]}" | grep -c '^cycle ')" "$CYCLES"
	expect_eq "$CYCLES cycles: fds min" "$(app_word "cycles " 3)" "$FDS0"
	expect_eq "$CYCLES cycles: fds max" "$(app_word "cycles " 5)" "$FDS0"
	check "$CYCLES cycles: no VF port left" no_vf_port
	if [ $HAVE_VF = 1 ]; then
		app_cmd "count-events new $PCI"; n=$(app_word "events " 4)
		app_cmd "count-events destroy $PCI"; d=$(app_word "events " 4)
		expect_eq "$CYCLES cycles: VF ports created and destroyed alike" "$d" "$n"
		check "$CYCLES cycles: the VF was attached in every cycle" [ "$n" -ge $((CYCLES + 1)) ]
	fi
	app_stop
	expect_eq "exit status" "$APP_RC" 0
else
	fail "EAL did not start"
fi

# the automatic instance: its removal leaves the fds of a process that
# never had one (the ignore=1 instance above holds none)
if app_start; then
	app_cmd ports
	check_ports "auto-probe" -- eth1 eth2
	app_cmd "uninit net_vdev_netvsc"
	expect_eq "auto-probe uninit: ret" "$(app_word "ret " 2)" 0
	expect_eq "auto-probe uninit: ports" "$(app_nports)" 0
	check "auto-probe uninit: no VF port left" no_vf_port
	fds=$(app_fds)
	app_stop
	# (-b: the VF gone with the instance above is not probed here either)
	app_start --vdev=net_vdev_netvsc0,ignore=1 -b $PCI
	expect_eq "auto-probe uninit: fds as with no instance" "$fds" "$(app_fds)"
	app_stop
else
	fail "auto-probe: EAL did not start"
fi

finish
