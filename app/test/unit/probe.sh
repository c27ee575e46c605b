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

[ $# = 5 ] || {
	echo "usage: $0 TEST_PROBE PLUGIN PMD_DIR WORK_BASE cycles|valgrind" >&2
	exit 2
}
bin=$(realpath "$1")
plugin=$(realpath "$2")
pmd_dir=$3
base=$4
mode=$5
[ "${VSC_TEST_VALGRIND:-0}" = 1 ] && mode=valgrind
name=unit-probe-$mode

unit_require_root "$name"
why=$(sandbox_check "$pmd_dir" "$plugin" "$base") || unit_skip "$name: $why"
if [ "$mode" = valgrind ]; then
	command -v valgrind >/dev/null 2>&1 || unit_skip "$name needs valgrind"
	# -Db_sanitize builds (devtools/sanitize.sh): ASan and memcheck exclude each other
	LC_ALL=C readelf -d "$plugin" 2>/dev/null | grep -q 'NEEDED.*libasan' &&
		unit_skip "$name: the plugin is built with AddressSanitizer, which valgrind cannot run"
fi

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
	vglog=$work/valgrind.log
	run=(valgrind --tool=memcheck --leak-check=full
		--show-leak-kinds=definite --errors-for-leak-kinds=definite
		--num-callers=30 --log-file="$vglog" "$bin")
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

if [ "$mode" = valgrind ]; then
	if [ ! -s "$vglog" ]; then
		unit_not_ok "valgrind wrote its log"
		exit 0
	fi
	cp "$vglog" "$base/valgrind.log"
	echo "# full log: $base/valgrind.log"
	# Loss records: blank-line separated blocks; ours name a frame of the
	# driver (vdev_netvsc_*, vsc_*) or the plugin file.
	ours_re='vdev_netvsc_[a-z]|[^a-z_]vsc_[a-z]|librte_net_vdev_netvsc'
	summary=$(grep -E 'definitely lost:' "$vglog" | sed 's/^==[0-9]*== *//')
	echo "# valgrind: ${summary:-no leak summary}"
	ours=$(awk '
		/definitely lost in loss record/ { inrec = 1; rec = $0; next }
		inrec && /^==[0-9]+== *$/ {
			if (rec ~ re) { print rec; n++ }
			inrec = 0; next
		}
		inrec { rec = rec "\n" $0 }
		END { if (inrec && rec ~ re) print rec }
	' re="$ours_re" "$vglog")
	if [ -n "$ours" ]; then
		unit_not_ok "valgrind: no definitely lost block allocated by vdev_netvsc"
		echo "$ours" | sed 's/^/# /'
	else
		unit_ok "valgrind: no definitely lost block allocated by vdev_netvsc"
	fi
	errors=$(grep -E 'ERROR SUMMARY' "$vglog" | tail -1 |
		sed 's/^==[0-9]*== *//')
	echo "# valgrind: ${errors:-no error summary}"
	# invalid reads/writes in our frames are bugs too
	bad=$(awk '
		/^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param)/ {
			inrec = 1; rec = $0; next
		}
		inrec && /^==[0-9]+== *$/ {
			if (rec ~ re) { print rec; n++ }
			inrec = 0; next
		}
		inrec { rec = rec "\n" $0 }
	' re="$ours_re" "$vglog")
	if [ -n "$bad" ]; then
		unit_not_ok "valgrind: no memory error in vdev_netvsc frames"
		echo "$bad" | sed 's/^/# /'
	else
		unit_ok "valgrind: no memory error in vdev_netvsc frames"
	fi
fi
unit_tap_plan
