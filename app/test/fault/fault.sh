#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# fault-<case>: run fault_test (the driver compiled in, with its fault
# hook) for one case, in a network namespace of its own and a sandbox
# (../sandbox.sh) where the distro's vdev_netvsc and mana plugins are
# hidden from Debian's EAL, and where the tap case may bind /dev/null over
# /dev/net/tun.
#
# Usage: fault.sh FAULT_TEST PMD_DIR WORK_BASE CASE[-valgrind]
#   PMD_DIR    the distro EAL's plugin directory
#   WORK_BASE  the build directory (for the sysfs tree and plugin links)
# FAULT_VERBOSE=1 copies EAL's and the driver's log to stderr;
# FAULT_TEST_WRAPPER="valgrind --leak-check=full" runs the program under a tool.
# CASE-valgrind, or VSC_TEST_VALGRIND=1 (meson test --setup valgrind),
# runs CASE under memcheck and fails on definitely lost
# blocks or memory errors with a driver frame (as unit/probe.sh does):
# the malloc side of "no leak", which the program itself cannot see.

set -u
. "$(dirname "$0")/../unit/lib.sh"
. "$(dirname "$0")/../sandbox.sh"
. "$(dirname "$0")/../valgrind.sh"

unit_usage 4 $# "FAULT_TEST PMD_DIR WORK_BASE CASE"
bin=$(realpath "$1")
pmd_dir=$2
base=$(realpath -m "$3")
case=$4
name=fault-$case
vg=
[ "${VSC_TEST_VALGRIND:-0}" = 1 ] && case=$case-valgrind
if [[ $case == *-valgrind ]]; then
	vg=1
	case=${case%-valgrind}
fi

unit_require_root "$name"
why=$(sandbox_check "$pmd_dir" "$base" ${FAKE_VF_PLUGIN:+"$FAKE_VF_PLUGIN"}) ||
	unit_skip "$name: $why"
[ -z "$vg" ] || vg_require "$name" "$bin"
if [ "$case" = tap ]; then
	[ -c /dev/net/tun ] || unit_skip "$name needs /dev/net/tun"
fi

mkdir -p "$base"
unit_gc "$base"
work=$(mktemp -d "$base/probe-fault.$$.XXXXXX") || exit 1
chmod 0755 "$work"
unit_at_exit "rm -rf --one-file-system '$work'"
mkdir "$work/empty"
sandbox_links "$pmd_dir" "$work" || exit 1

ns=unit-probe-fault-$$
unit_netns "$ns" || exit 1
ip -n "$ns" link set lo up || exit 1

wrap=(${FAULT_TEST_WRAPPER:-})
if [ -n "$vg" ]; then
	vg_cmd "$work/valgrind.log"
	wrap=("${VG_CMD[@]}")
fi
eal=(--no-huge -m 256 --no-shconf --no-telemetry -l 0
	--log-level=lib.eal:error)
env=(VDEV_NETVSC_SYSFS_ROOT="$work/empty")
if [ "$case" = vfprobe ]; then
	# the fake VF PMD on a fake PCI bus, failing while $work/vf-fail exists
	[ -n "${FAKE_VF_PLUGIN:-}" ] && [ -f "$FAKE_VF_PLUGIN" ] ||
		unit_skip "$name needs the fake VF plugin (FAKE_VF_PLUGIN)"
	mkdir "$work/pci"
	eal+=(-d "$(realpath "$FAKE_VF_PLUGIN")")
	env+=(SYSFS_PCI_DEVICES="$work/pci" FAKE_VF_PROBE_FAIL="$work/vf-fail"
		MKFAKEPCI="$MKFAKEPCI")
else
	eal+=(--no-pci)
fi
# The driver's auto-probe looks at sysfs as the program loads: an empty
# tree then; the program makes its own once EAL is up.
sandbox_cmd "$pmd_dir" "$work"
unit_run "${SANDBOX_CMD[@]}" ip netns exec "$ns" env "${env[@]}" \
	"${wrap[@]}" "$bin" "${eal[@]}" -- "$work" "$case"
unit_tap_ran fault_test $?
[ -n "$vg" ] || { unit_tap_plan; exit 0; }

# a driver frame anywhere in a leak's stack, among the first 3 of an
# error's (not the tap PMD's own, reached from a port the driver creates)
vg_check "$work/valgrind.log" "$base/$name.log" \
	'vdev_netvsc_[a-z]|[^a-z_]vsc_[a-z]' 3 || exit 0
unit_tap_plan
