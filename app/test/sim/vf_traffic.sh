#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Traffic through the VF: Debian's dpdk-testpmd in --forward-mode=icmpecho
# on the auto-probed port answers pings from the peer namespace.
#  1. VF present at start: the port runs on it.
#  2. No VF at start (accelerated networking turned on while the
#     application runs): answers once the VF is attached, and again when it
#     comes back at another PCI address. While there is no VF, before and
#     after: on a kernel where tap's remote= cannot work (no sch_multiq or
#     cls_flower: no tap sub-device) no answer, the VF being the only path;
#     where it works (the kernel tier), every answer, through the tap on
#     the NetVSC.
# The fail-safe port is port 0 in both, as our fail-safe lets it be (the
# distro's resets port 0's fast path when it removes a sub-device);
# sim/vf_removal.sh removes a VF that was there at start.

source "$(dirname "$0")/lib.sh"
sim_setup --vf
command -v "$TESTPMD" >/dev/null || skip "no $TESTPMD (Debian package dpdk)"
command -v ping >/dev/null || skip "no ping"

sg_add_netvsc eth1
sg_add_netvsc eth2 --routed4
sg_add_vf eth1 7870:00:02.0 --name enP30832s1
# answers to 3 pings while there is no VF, and through what
if sim_tap_expected; then
	NO_VF=3 NO_VF_PATH="through the tap"
else
	NO_VF=0 NO_VF_PATH="no tap on this kernel"
fi

# --tx-offloads=0: with no sub-device, fail-safe offers MBUF_FAST_FREE, which
# testpmd then enables, and the fake VF (like any VF without it) cannot be
# configured with it: fail-safe would never sync it
TP_ARGS=(--forward-mode=icmpecho --total-num-mbufs=4096 --txd=256 --rxd=256
	 --tx-offloads=0x0)

# 1. VF present at start
if testpmd_start -- "${TP_ARGS[@]}"; then
	testpmd_wait 'Press enter to exit' 60
	# the first answer (ARP first) can take seconds on a loaded machine
	check_first_answer "VF present at start" eth1 30
	n=$(sim_pings eth1 5)
	expect_eq "VF present at start: answers to 5 pings" "$n" 5
	expect_eq "our plugin serves the driver" "$(sg_which_driver "$TP_PID")" "$VSC_PLUGIN"
	testpmd_stop
	expect_eq "VF present at start: testpmd exit status" "$TP_RC" 0
	check "VF present at start: fail-safe took the VF" \
		grep -q "Taking control of a probed sub device 0 named 7870:00:02.0" "$TP_OUT"
else
	fail "testpmd did not start: $(tail -3 "$TP_OUT" | tr '\n' ' ')"
	testpmd_stop
fi

# 2. hot-plug under traffic
sg_del_vf enP30832s1
if testpmd_start --vdev=net_vdev_netvsc0,hotplug_poll=100 -- "${TP_ARGS[@]}"; then
	testpmd_wait 'Press enter to exit' 60
	expect_eq "no VF: answers to 3 pings ($NO_VF_PATH)" "$(sim_pings eth1 3)" "$NO_VF"
	sg_add_vf eth1 7870:00:02.0 --name enP30832s1
	if ms=$(sim_first_answer eth1 15); then
		pass "VF added: first answer after $ms ms"
		expect_eq "VF added: answers to 5 pings" "$(sim_pings eth1 5)" 5
	else
		fail "VF added: no answer in 15 s"
	fi
	sg_del_vf enP30832s1
	sleep 0.5
	expect_eq "VF removed: answers to 3 pings ($NO_VF_PATH)" "$(sim_pings eth1 3)" "$NO_VF"
	check "VF removed: testpmd still runs" kill -0 "$TP_PID"
	sg_add_vf eth1 9a3c:00:02.0 --name enP39484s1
	if ms=$(sim_first_answer eth1 15); then
		pass "VF back at 9a3c:00:02.0: first answer after $ms ms"
		expect_eq "VF back: answers to 5 pings" "$(sim_pings eth1 5)" 5
	else
		fail "VF back at 9a3c:00:02.0: no answer in 15 s"
	fi
	testpmd_stop
	expect_eq "hot-plug: testpmd exit status" "$TP_RC" 0
else
	fail "testpmd did not start: $(tail -3 "$TP_OUT" | tr '\n' ' ')"
	testpmd_stop
fi

finish
