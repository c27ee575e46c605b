# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Sourced by the unit test scripts that need root and namespaces: skipping
# (exit 77 with a one-line reason), and network namespaces that are always
# deleted, whatever way the script ends.

UNIT_NETNS=()
UNIT_CLEANUP=()

unit_skip() {
	echo "SKIP: $*"
	exit 77
}

unit_cleanup() {
	local i
	# last registered first
	for ((i = ${#UNIT_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${UNIT_CLEANUP[i]}" 2>/dev/null || true
	done
	UNIT_CLEANUP=()
	for i in "${UNIT_NETNS[@]}"; do
		ip netns del "$i" 2>/dev/null || true
	done
	UNIT_NETNS=()
}

UNIT_CHILD=

unit_on_signal() {
	# the command unit_run waits for (background: it ignores SIGINT)
	[ -n "$UNIT_CHILD" ] && kill -TERM "$UNIT_CHILD" 2>/dev/null
	unit_cleanup
	exit 1
}

trap unit_cleanup EXIT
trap unit_on_signal INT TERM HUP

# unit_run COMMAND...: run COMMAND and return its status. It runs in the
# background while the script waits, so that a signal (meson's SIGTERM on a
# timeout, followed 0.5 s later by SIGKILL) runs the cleanup at once rather
# than after COMMAND ends, as it would for a foreground command.
unit_run() {
	local rc
	"$@" &
	UNIT_CHILD=$!
	wait "$UNIT_CHILD"
	rc=$?
	UNIT_CHILD=
	return $rc
}

# unit_gc BASE: delete the namespaces and work directories (under BASE) that
# an earlier run killed without cleanup left behind: their names end with
# the pid of a script that is gone.
unit_gc() {
	local ns d pid
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		[[ $ns =~ ^unit-(disc|probe|tap)-[a-z]+-([0-9]+)$ ]] || continue
		pid=${BASH_REMATCH[2]}
		kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null
	done
	for d in "$1"/discovery.*.* "$1"/probe-*.*.*; do
		[ -d "$d" ] || continue
		pid=${d##*/}
		pid=${pid#*.}
		pid=${pid%%.*}
		[[ $pid =~ ^[0-9]+$ ]] || continue
		kill -0 "$pid" 2>/dev/null || rm -rf --one-file-system "$d"
	done
}

# unit_at_exit COMMAND: run COMMAND (a string for eval) when the script ends
unit_at_exit() {
	UNIT_CLEANUP+=("$1")
}

# unit_require_root NAME: skip unless root with ip(8) and network namespaces
unit_require_root() {
	[ "$(id -u)" = 0 ] || unit_skip "$1 needs root"
	command -v ip >/dev/null 2>&1 || unit_skip "$1 needs ip(8) (iproute2)"
	local probe="unit-probe-$$-$RANDOM"
	ip netns add "$probe" >/dev/null 2>&1 ||
		unit_skip "$1 cannot create network namespaces (ip netns add)"
	ip netns del "$probe"
}

# unit_netns NAME: create a network namespace, deleted when the script ends
unit_netns() {
	UNIT_NETNS+=("$1")
	ip netns add "$1"
}
