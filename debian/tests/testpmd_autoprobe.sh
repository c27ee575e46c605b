#!/bin/bash
# Auto-probe with the installed driver: Debian's dpdk-testpmd, no --vdev
# and no -d for it, in a guest with one NetVSC whose VF is there at start:
# testpmd's one port is that NetVSC's fail-safe port, and answers pings
# (icmpecho) through the VF.
# (debian/tests/testpmd sets SIM_INSTALLED and the stand-ins' paths.)

source "$(dirname "$0")/../../app/test/sim/lib.sh"
PCI=7870:00:02.0
sim_setup --vf
command -v "$TESTPMD" > /dev/null || skip "no $TESTPMD (Debian package dpdk)"
sg_add_netvsc eth1 && sg_add_vf eth1 $PCI --name enP30832s1 ||
	{ fail "cannot add the NetVSC and its VF"; finish; }

if testpmd_start -- -i --total-num-mbufs=2048 --forward-mode=icmpecho; then
	testpmd_cmd start
	testpmd_cmd "show port info all"
	testpmd_wait 'Infos for port' 30
	testpmd_wait 'Device error handling mode|testpmd> .*testpmd> ' 10
	mac=$(upper "$(sg_mac eth1)")
	expect_eq "auto-probe: one port" "$(grep -c 'Infos for port' "$TP_OUT")" 1
	expect_match "auto-probe: the port is a fail-safe port" \
		"$(sed -n 's/^Device name: *//p' "$TP_OUT" | head -n 1)" '^net_failsafe_vsc[0-9]+$'
	expect_eq "auto-probe: with eth1's MAC" \
		"$(sed -n 's/^MAC address: *//p' "$TP_OUT" | head -n 1)" "$mac"
	driver=$(sg_which_driver "$TP_PID" | head -n 1)
	expect_eq "auto-probe: the driver is the installed one" \
		"$(basename "$driver")" "$(basename "$VSC_PLUGIN")"
	check "auto-probe: which is the package's file" \
		bash -c 'dpkg -L vdev-netvsc | grep -qx "$1"' _ "$VSC_PLUGIN"
	check "auto-probe: as the package has it (dpkg --verify)" dpkg --verify vdev-netvsc
	# no tap here: the answers come through the VF present at start
	check_first_answer "auto-probe" eth1 30
	expect_answers "auto-probe: pings through the VF" "$(sim_pings eth1 10)" 10
	check "auto-probe: the driver finds the fail-safe fixed" \
		bash -c "! grep -q 'lacks the fixes' '$TP_OUT'"
	testpmd_stop
	expect_eq "auto-probe: testpmd exit status" "$TP_RC" 0
else
	fail "auto-probe: testpmd did not start: $(tail -3 "$TP_OUT" | tr '\n' ' ')"
	testpmd_stop
fi
finish
