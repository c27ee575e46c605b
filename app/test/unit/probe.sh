#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# unit-probe: run test_probe, an EAL program given our plugin with -d, in
# a network namespace with two veths; 100 cycles, or 3 under valgrind's
# memcheck (VSC_TEST_VALGRIND=1: meson test --setup valgrind), which must
# show no definitely lost block and no memory error of the driver.
#
# Debian's EAL loads every plugin of its plugin directory at start-up,
# its own librte_net_vdev_netvsc among them: test_probe runs in a
# sandbox (../sandbox.sh) where it sees the distro's plugins but that one
# and librte_net_mana.
#
# Usage: probe.sh TEST_PROBE PLUGIN PMD_DIR WORK_BASE cycles|valgrind
#   PMD_DIR    the distro EAL's plugin directory
#   WORK_BASE  a directory that is not world-writable (EAL refuses plugins
#              under one): the build directory

set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../sandbox.sh"
. "$(dirname "$0")/../valgrind.sh"

unit_usage 5 $# "TEST_PROBE PLUGIN PMD_DIR WORK_BASE cycles|valgrind"
bin=$(realpath "$1")
plugin=$(realpath "$2")
pmd_dir=$3
base=$4
mode=$5
[ "${VSC_TEST_VALGRIND:-0}" = 1 ] && mode=valgrind
name=unit-probe-$mode

unit_require_root "$name"
why=$(sandbox_check "$pmd_dir" "$plugin" "$base") || unit_skip "$name: $why"
[ "$mode" != valgrind ] || vg_require "$name" "$plugin"

mkdir -p "$base"
unit_gc "$base"
work=$(mktemp -d "$base/probe-$mode.$$.XXXXXX") || exit 1
chmod 0755 "$work"
unit_at_exit "rm -rf --one-file-system '$work'"
mkdir "$work/sysfs"
sandbox_links "$pmd_dir" "$work" || exit 1
echo "# distro plugins hidden: ${SANDBOX_HIDDEN[*]:-none}"

ns=unit-probe-$mode-$$
unit_netns "$ns" || exit 1
ip -n "$ns" link add vp0 address 02:15:5d:00:20:01 type veth peer name vp0p &&
ip -n "$ns" link add vp1 address 02:15:5d:00:20:02 type veth peer name vp1p &&
ip -n "$ns" link set vp0 up && ip -n "$ns" link set vp0p up &&
ip -n "$ns" link set vp1 up && ip -n "$ns" link set vp1p up || exit 1

eal=(--no-huge -m 512 --no-shconf --no-pci --no-telemetry -l 0
	-d "$plugin" --log-level=lib.eal:error)
if [ "$mode" = valgrind ]; then
	cycles=3
	vg_cmd "$work/valgrind.log"
	run=("${VG_CMD[@]}" "$bin")
else
	cycles=100
	run=("$bin")
fi

# The sysfs root is an empty tree: no VMBus, no PCI netdevice; the veths
# are taken with force=1 whatever the machine's own /sys says.
sandbox_cmd "$pmd_dir" "$work"
unit_run "${SANDBOX_CMD[@]}" \
	ip netns exec "$ns" env VDEV_NETVSC_SYSFS_ROOT="$work/sysfs" \
	"${run[@]}" "${eal[@]}" -- "$plugin" vp0 vp1 "$cycles"
unit_tap_ran test_probe $?

# a frame of the driver or of the plugin file anywhere in a leak's or an
# error's stack
if [ "$mode" = valgrind ]; then
	vg_check "$work/valgrind.log" "$base/valgrind.log" \
		'vdev_netvsc_[a-z]|[^a-z_]vsc_[a-z]|librte_net_vdev_netvsc' 1000 ||
		exit 0
fi
unit_tap_plan
