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

[ $# = 4 ] || {
	echo "usage: $0 FAULT_TEST PMD_DIR WORK_BASE CASE" >&2
	exit 2
}
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
if [ -n "$vg" ]; then
	command -v valgrind >/dev/null 2>&1 || unit_skip "$name needs valgrind"
	# -Db_sanitize builds (devtools/sanitize.sh): ASan and memcheck exclude each other
	LC_ALL=C readelf -d "$bin" 2>/dev/null | grep -q 'NEEDED.*libasan' &&
		unit_skip "$name: built with AddressSanitizer, which valgrind cannot run"
fi
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
	vglog=$work/valgrind.log
	wrap=(valgrind --tool=memcheck --leak-check=full
		--show-leak-kinds=definite --errors-for-leak-kinds=definite
		--num-callers=30 --log-file="$vglog")
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

if [ ! -s "$vglog" ]; then
	unit_not_ok "valgrind wrote its log"
	exit 0
fi
cp "$vglog" "$base/$name.log"
echo "# full log: $base/$name.log"
# loss records and errors: blank-line separated blocks; ours name a
# frame of the driver (vdev_netvsc_*, vsc_*) among the first DEPTH of
# their stack: any frame for a leak (what the driver allocated through
# DPDK or libnl is its to free), the first 3 for an error (not the tap
# PMD's own, reached from a port the driver creates)
ours_re='vdev_netvsc_[a-z]|[^a-z_]vsc_[a-z]'
blocks() {
	awk -v start="$1" -v depth="$2" '
		function done() {
			if (ours) print rec
			inrec = 0
		}
		$0 ~ start { inrec = 1; rec = $0; frames = 0; ours = 0; next }
		inrec && /^==[0-9]+== *$/ { done(); next }
		inrec {
			rec = rec "\n" $0
			if ($0 ~ /(at|by) 0x/ && ++frames <= depth && $0 ~ re)
				ours = 1
		}
		END { if (inrec) done() }
	' re="$ours_re" "$vglog"
}
echo "# valgrind: $(grep -E 'definitely lost:' "$vglog" | sed 's/^==[0-9]*== *//')"
lost=$(blocks 'definitely lost in loss record' 1000)
if [ -n "$lost" ]; then
	unit_not_ok "valgrind: no definitely lost block allocated by the driver"
	echo "$lost" | sed 's/^/# /'
else
	unit_ok "valgrind: no definitely lost block allocated by the driver"
fi
bad=$(blocks '^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param)' 3)
if [ -n "$bad" ]; then
	unit_not_ok "valgrind: no memory error in driver frames"
	echo "$bad" | sed 's/^/# /'
else
	unit_ok "valgrind: no memory error in driver frames"
fi
unit_tap_plan
