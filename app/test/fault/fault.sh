#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# fault-<case>: run fault_test (the driver compiled in, with its fault
# hook) for one case, in a network namespace of its own and a private
# mount namespace where the distro's vdev_netvsc and mana plugins are
# hidden from Debian's EAL (as unit/probe.sh does), and where the tap case
# may bind /dev/null over /dev/net/tun.
#
# Usage: fault.sh FAULT_TEST PMD_DIR WORK_BASE CASE
#   PMD_DIR    the distro EAL's plugin directory
#   WORK_BASE  the build directory (for the sysfs tree and plugin links)
# FAULT_VERBOSE=1 copies EAL's and the driver's log to stderr;
# FAULT_TEST_WRAPPER="valgrind --leak-check=full" runs the program under a tool.

set -u
. "$(dirname "$0")/../unit/lib.sh"

[ $# = 4 ] || {
	echo "usage: $0 FAULT_TEST PMD_DIR WORK_BASE CASE" >&2
	exit 2
}
bin=$(realpath "$1")
pmd_dir=$2
base=$(realpath -m "$3")
case=$4
name=fault-$case

unit_require_root "$name"
command -v unshare >/dev/null 2>&1 || unit_skip "$name needs unshare(1)"
unshare -m --propagation private true 2>/dev/null ||
	unit_skip "$name cannot make a private mount namespace (unshare -m)"
[ -d "$pmd_dir" ] || unit_skip "$name: no DPDK plugin directory $pmd_dir"
if [ "$case" = tap ]; then
	[ -c /dev/net/tun ] || unit_skip "$name needs /dev/net/tun"
fi

mkdir -p "$base"
unit_gc "$base"
work=$(mktemp -d "$base/probe-fault.$$.XXXXXX") || exit 1
chmod 0755 "$work"
unit_at_exit "rm -rf --one-file-system '$work'"
mkdir "$work/orig" "$work/pmds" "$work/empty"
for f in "$pmd_dir"/*; do
	b=${f##*/}
	case $b in
	librte_net_vdev_netvsc*|librte_net_mana*) continue ;;
	esac
	ln -s "$work/orig/$b" "$work/pmds/$b"
done

ns=unit-probe-fault-$$
unit_netns "$ns" || exit 1
ip -n "$ns" link set lo up || exit 1

eal=(--no-huge -m 256 --no-shconf --no-pci --no-telemetry -l 0
	--log-level=lib.eal:error)
# The driver's auto-probe looks at sysfs as the program loads: an empty
# tree then; the program makes its own once EAL is up.
unit_run unshare -m --propagation private bash -c '
	set -e
	mount --bind "$1" "$2/orig"
	mount --bind "$2/pmds" "$1"
	shift 2
	exec "$@"
' fault-ns "$pmd_dir" "$work" \
	ip netns exec "$ns" env VDEV_NETVSC_SYSFS_ROOT="$work/empty" \
	${FAULT_TEST_WRAPPER:-} "$bin" "${eal[@]}" -- "$work" "$case"
