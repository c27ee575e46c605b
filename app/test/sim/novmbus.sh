#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# A guest whose sysfs view shows class/net but not the VMBus bus, as a
# container's partial one may: class/net/<if>/device/class_id is the
# NetVSC GUID, /sys/bus/vmbus is absent. Auto-probe and auto mode find
# every NetVSC through class/net, with the same routed policy, named
# interfaces are found, and a VF is paired and attached.

source "$(dirname "$0")/lib.sh"
sim_setup --vf

sg_add_netvsc eth1
sg_add_netvsc eth2 --routed4
sg_add_netvsc eth3 --linklocal
sg_no_vmbus
check "no /sys/bus/vmbus in the guest" sg_exec test ! -e /sys/bus/vmbus
expect_eq "class/net leads to eth1's class_id" \
	"$(sg_exec cat /sys/class/net/eth1/device/class_id)" "$SG_NETVSC_CLASS"

# auto-probe: the driver adds its instance by itself
if app_start; then
	app_cmd ports
	check_ports "auto-probe" -- eth1 eth3
	app_stop
	expect_eq "auto-probe: exit status" "$APP_RC" 0
else
	fail "auto-probe: vsc_app did not start"
fi

# auto mode given explicitly, then named interfaces, then a VF
if app_start --vdev=net_vdev_netvsc0,hotplug_poll=100; then
	app_cmd ports
	check_ports "auto mode" 100 -- eth1 eth3
	app_cmd "init net_vdev_netvsc1 iface=eth2,hotplug_poll=100"
	expect_eq "iface=eth2 (routed, named): init" "$(app_word "ret " 2)" 0
	app_cmd ports
	check_ports "iface=eth2" 100 -- eth1 eth3 eth2
	app_cmd start
	app_cmd mark
	sg_add_vf eth1 7870:00:02.0 --name enP30832s1
	if app_cmd "wait-vf 7870:00:02.0 10000" 40; then
		pass "VF of eth1 attached: $(app_line vf-new)"
	else
		fail "VF of eth1 not attached"
	fi
	app_stop
	expect_eq "auto mode: exit status" "$APP_RC" 0
else
	fail "auto mode: vsc_app did not start"
fi

finish
