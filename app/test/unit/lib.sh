# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Sourced by the unit test scripts that need root and namespaces: skipping
# (TAP's "1..0 # SKIP reason"), their output in TAP with the checks of the
# programs they run, and network namespaces that are always deleted,
# whatever way the script ends.

UNIT_NETNS=()
UNIT_CLEANUP=()

# unit_usage WANT GOT WORDS: unless the script got WANT arguments (GOT),
# says "usage: SCRIPT WORDS" and exits 2
unit_usage() {
	[ "$1" = "$2" ] && return 0
	echo "usage: $0 $3" >&2
	exit 2
}

unit_skip() {
	echo "1..0 # SKIP $*"
	exit 0
}

# TAP: the programs a script runs (unit.h) print unnumbered lines and
# append their count to UNIT_TAP_COUNT; the script's own checks
# (unit_ok, unit_not_ok) add theirs; unit_tap_plan prints the plan, and
# leaves it out when a program broke off (a "not ok" line says so)
UNIT_TAP_COUNT=$(mktemp "${TMPDIR:-/tmp}/unit-tap-count.XXXXXX") || exit 1
export UNIT_TAP_COUNT
UNIT_CLEANUP+=("rm -f '$UNIT_TAP_COUNT'")
UNIT_TAP_OWN=0
UNIT_TAP_BROKEN=0
unit_ok() { UNIT_TAP_OWN=$((UNIT_TAP_OWN + 1)); echo "ok - ${*//#/_}"; }
unit_not_ok() { UNIT_TAP_OWN=$((UNIT_TAP_OWN + 1)); echo "not ok - ${*//#/_}"; }
# unit_tap_ran WHAT STATUS: a program's exit status: not 0, it broke off
unit_tap_ran() {
	[ "$2" = 0 ] && return 0
	UNIT_TAP_BROKEN=1
	unit_not_ok "$1 ran to its end (exit status $2)"
}
unit_tap_plan() {
	local n
	[ $UNIT_TAP_BROKEN = 0 ] || return 0
	n=$(awk '{ n += $1 } END { print n + 0 }' "$UNIT_TAP_COUNT")
	echo "1..$((n + UNIT_TAP_OWN))"
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
