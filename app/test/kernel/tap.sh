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
# Output: TAP, one check per run (unit-tap's own lines as comments).

set -u
[ $# = 2 ] || { echo "usage: $0 TAP_SH UNIT_TAP" >&2; exit 2; }
[ -n "${VM_JOB:-}" ] ||
	{ echo "1..0 # SKIP runs inside the kernel tier's VM (app/test/kernel/vm.sh)"; exit 0; }
modules="sch_multiq sch_ingress cls_flower act_mirred"
block=/etc/modprobe.d/vsc-kernel-tap.conf
n=0

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
	grep -E '^(# driver|# tap PMD|not ok|# unit-tap|1\.\.0)' <<< "$out" | sed 's/^\([^#]\)/# \1/'
	n=$((n + 1))
	if [ $rc != 0 ] || grep -qE '^not ok|^1\.\.0 # SKIP' <<< "$out" ||
	   ! grep -qE '^1\.\.[1-9]' <<< "$out"; then
		echo "not ok $n - with ${1:-every module}: unit-tap passes (exit status $rc)"
	elif [ "$2" = works ] && ! grep -q '^# driver: tap remote= works$' <<< "$out"; then
		echo "not ok $n - with ${1:-every module}: the driver says tap remote= works"
	elif [ "$2" != works ] && ! grep -q "^# driver: tap remote= cannot work, missing: $2\$" <<< "$out"; then
		echo "not ok $n - with ${1:-every module}: the driver names $2, and only it, as missing"
	else
		echo "ok $n - with ${1:-every module}: driver and tap PMD agree (${2})"
	fi
}

TAP_SH=$1 UNIT_TAP=$2
echo "# kernel $(uname -r)"
run act_mirred act_mirred
run sch_multiq sch_multiq
run cls_flower cls_flower
run "" works
rm -f "$block"
echo "1..$n"
