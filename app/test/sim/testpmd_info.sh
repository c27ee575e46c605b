#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Debian's dpdk-testpmd with our plugin (-d) in the simulated guest: the
# auto-probed ports show the expected name, MAC and devargs, and the
# driver in the process is our file, not the distro's. Then the guest's
# --upstream mode: there the distro's driver is the one loaded.

source "$(dirname "$0")/lib.sh"
sim_setup --no-vf
command -v "$TESTPMD" >/dev/null || skip "no $TESTPMD (Debian package dpdk)"

sg_add_netvsc eth1
sg_add_netvsc eth2 --routed4
sg_add_netvsc eth3

# the port of testpmd showing MAC of IFNAME
tp_port_of() {
	awk -v m="$(upper "$(sg_mac "$1")")" '
		/Infos for port/ { cur = $(NF - 1) }
		$0 == "MAC address: " m { print cur; exit }
	' "$TP_OUT"
}

if testpmd_start -- -i --total-num-mbufs=2048; then
	testpmd_cmd "show port info all"
	testpmd_wait 'Infos for port 1 ' 30
	testpmd_wait 'Device error handling mode|testpmd> .*testpmd> ' 10
	expect_eq "testpmd: number of ports" "$(grep -c 'Infos for port' "$TP_OUT")" 2
	for ifn in eth1 eth3; do
		p=$(tp_port_of $ifn)
		if [ -z "$p" ]; then
			fail "testpmd: no port with $ifn's MAC"
			continue
		fi
		name=$(testpmd_port_info "Device name" "$p")
		expect_match "testpmd: port $p ($ifn) name" "$name" '^net_failsafe_vsc[0-9]+$'
		expect_eq "testpmd: port $p ($ifn) driver" "$(testpmd_port_info "Driver name" "$p")" net_failsafe
		check_devargs "testpmd: port $p ($ifn)" "$(testpmd_port_info "Devargs" "$p")" \
			"${name#net_failsafe_vsc}" $ifn
	done
	expect_eq "testpmd: our plugin serves the driver" "$(sg_which_driver "$TP_PID")" "$VSC_PLUGIN"
	testpmd_stop
	expect_eq "testpmd: exit status" "$TP_RC" 0
	if dpdk_at_least 22.11; then
		check "testpmd: ports removed at exit" grep -q "net_failsafe_vsc[0-9]* removed" "$TP_OUT"
	else
		# rte_eal_cleanup() removes devices from 22.11 on: before, the
		# application closes its ports, as testpmd does at quit
		expect_eq "testpmd: ports closed at exit (DPDK $DPDK_VERSION)" \
			"$(grep -c '^Port [0-9]* is closed' "$TP_OUT")" 2
	fi
else
	fail "testpmd did not start: $(tail -3 "$TP_OUT" | tr '\n' ' ')"
	testpmd_stop
fi

# the same guest set-up with --upstream: the distro's driver, named with
# --vdev (it auto-probes on Hyper-V only); ours is not given
sg_destroy
sg_create --upstream || { fail "cannot create an --upstream guest"; finish; }
sg_add_netvsc eth1
sg_add_netvsc eth3
SIM_EAL=(-l 0 --no-huge -m 128 --no-shconf --no-telemetry --file-prefix "$SG_ID")
if testpmd_start --vdev=net_vdev_netvsc0 -- -i --total-num-mbufs=2048; then
	drv=$(sg_which_driver "$TP_PID")
	expect_match "--upstream: the distro's driver is loaded" "$drv" \
		"^$(sg_pmd_dir)/librte_net_vdev_netvsc\\.so|/pmds-orig/librte_net_vdev_netvsc\\.so"
	check_not "--upstream: our plugin is not loaded" grep -qF "$VSC_PLUGIN" <<< "$drv"
	testpmd_cmd "show port info all"
	testpmd_wait 'Infos for port' 30
	check "--upstream: upstream made a fail-safe port" \
		grep -q "Device name: net_failsafe_vsc" "$TP_OUT"
	testpmd_stop
else
	fail "--upstream: testpmd did not start: $(tail -3 "$TP_OUT" | tr '\n' ' ')"
	testpmd_stop
fi

finish
