#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Kernel tier: the driver's verdict on tap's remote= is the tap PMD's own
# (unit-tap) on Debian's kernel as it is, and with each module tap needs
# kept from loading in turn (modprobe.d "install <module> /bin/false",
# modules unloaded between runs): both say "works" with everything, both
# say "fails" without it, and the driver names what is missing.
#
# Usage: tap.sh TAP_SH UNIT_TAP   (app/test/unit/tap.sh and its test_tap)

set -u
[ $# = 2 ] || { echo "usage: $0 TAP_SH UNIT_TAP" >&2; exit 2; }
[ -n "${VM_JOB:-}" ] ||
	{ echo "SKIP: runs inside the kernel tier's VM (app/test/kernel/vm.sh)"; exit 77; }
modules="sch_multiq sch_ingress cls_flower act_mirred"
block=/etc/modprobe.d/vsc-kernel-tap.conf
failed=0

# run BLOCKED EXPECT: unit-tap with module BLOCKED kept out ("" for none);
# EXPECT is what the driver must say ("works" or the missing module)
run() {
	local out rc
	modprobe -r $modules 2>/dev/null
	if [ -n "$1" ]; then
		echo "install $1 /bin/false" > "$block"
	else
		rm -f "$block"
	fi
	echo "# --- with ${1:-every module}${1:+ kept out}"
	out=$(bash "$TAP_SH" "$UNIT_TAP" 2>&1)
	rc=$?
	grep -E '^(driver|tap PMD|FAIL|unit-tap)' <<< "$out"
	if [ $rc != 0 ]; then
		echo "FAIL: unit-tap exited $rc with ${1:-every module}"
		failed=$((failed + 1))
	elif [ "$2" = works ] && ! grep -q '^driver: tap remote= works$' <<< "$out"; then
		echo "FAIL: the driver should say tap remote= works"
		failed=$((failed + 1))
	elif [ "$2" != works ] && ! grep -q "^driver: tap remote= cannot work, missing: $2\$" <<< "$out"; then
		echo "FAIL: the driver should name $2, and only it, as missing"
		failed=$((failed + 1))
	else
		echo "PASS: with ${1:-every module}: driver and tap PMD agree (${2})"
	fi
}

TAP_SH=$1 UNIT_TAP=$2
echo "# kernel $(uname -r)"
run act_mirred act_mirred
run sch_multiq sch_multiq
run cls_flower cls_flower
run "" works
rm -f "$block"
echo "kernel-tap: $failed failed"
[ $failed = 0 ]
