#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Kernel tier, scenarios (a) and (f), on Debian's kernel (vm.sh):
# (a) every port carries the tap sub-device, remote= naming its NetVSC,
#     in auto mode and with iface= and mac=; tap's rules sit on the
#     NetVSC's ingress while the port lives and go with it;
# (f) a routed NetVSC stays untouched: no port, no tc, its address kept.

source "$(dirname "$0")/../sim/lib.sh"
source "$(dirname "$0")/lib.sh"
kernel_setup --no-vf

sg_add_netvsc eth1
sg_add_netvsc eth2 --routed4
sg_add_netvsc eth3

# (f) what eth2 looks like before: compared at the end
eth2_before=$(sg_ip -o addr show dev eth2 | awk '{ print $3, $4 }'; sg_ip -o link show dev eth2 | grep -o '<[^>]*>')

# (a) auto mode
if app_start; then
	app_cmd ports
	check_ports "auto" -- eth1 eth3
	check_taps "auto" eth1 eth3
	check_not "auto: no tc on routed eth2" tc_ingress eth2
	expect_eq "auto: no tc filter on routed eth2" "$(tc_filters eth2)" 0
	app_cmd "uninit net_vdev_netvsc"
	expect_eq "auto: uninit" "$(app_word "ret " 2)" 0
	expect_eq "auto: ports after uninit" "$(app_nports)" 0
	check_not "auto: no tap sub-device after uninit" app_line_with subport net_tap_vsc0
	expect_eq "auto: tap's rules gone from eth1" "$(tc_filters eth1)" 0

	# (a) named: iface= and mac=, mixed, in a run-time instance
	app_cmd "init net_vdev_netvsc0 iface=eth1,mac=$(sg_mac eth3)"
	expect_eq "iface=/mac=: init" "$(app_word "ret " 2)" 0
	app_cmd ports
	check_ports "iface=/mac=" -- eth1 eth3
	check_taps "iface=/mac=" eth1 eth3
	app_cmd "uninit net_vdev_netvsc0"
	expect_eq "iface=/mac=: ports after uninit" "$(app_nports)" 0

	# a NetVSC whose name fail-safe's devargs cannot carry (the kernel
	# allows ",()=" in names): its port, but no tap, and an error saying why
	sg_add_netvsc 'x),dev(y'
	app_cmd "init net_vdev_netvsc2"
	app_cmd ports
	l=$(app_line_with port "$(upper "$(sg_mac 'x),dev(y')")")
	expect_match "name with ',()': its port" "$l" '^port [0-9]+ net_failsafe_vsc[0-9]+ '
	check_not "name with ',()': no sub-device in its devargs" grep -q 'dev(' <<< "$(awk '{ print $5 }' <<< "$l")"
	check "name with ',()': the error says why" grep -q "x),dev(y: no tap sub-device: fail-safe device arguments cannot carry" "$SIM_LOG"
	expect_eq "name with ',()': the other ports as before" "$(app_nports)" 3
	app_cmd "uninit net_vdev_netvsc2"
	app_stop
	expect_eq "exit status" "$APP_RC" 0
else
	fail "vsc_app did not start"
fi

# (f) eth2 as it was, never touched by tc
eth2_after=$(sg_ip -o addr show dev eth2 | awk '{ print $3, $4 }'; sg_ip -o link show dev eth2 | grep -o '<[^>]*>')
expect_eq "routed eth2: addresses and flags unchanged" "$eth2_after" "$eth2_before"
check_not "routed eth2: no ingress qdisc" tc_ingress eth2

finish
