# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# The plugin sandbox: sourced by the scripts whose EAL must not see some
# of the distro's plugins (unit/probe.sh, fault/fault.sh, sim/simguest,
# fake_vf/fake_vf_test.sh), and by devtools/lib.sh for the world-writable
# check. Defines functions only.
#
# Debian's EAL loads every plugin of its plugin directory at start-up,
# its own librte_net_vdev_netvsc and librte_net_mana among them, and the
# directory cannot simply be emptied: the distro's librte_*.so.23 point
# into it. So a sandbox is a private mount namespace where that directory
# is replaced (bind mount) by DIR/pmds, symbolic links to every distro
# plugin but the hidden ones. The links lead to a second bind mount of the
# original directory, DIR/pmds-orig: links back to /usr/lib/<triplet>
# would loop (ELOOP). Nothing of this is visible outside the namespace.

SANDBOX_SH=$(realpath "${BASH_SOURCE[0]}")

# world_writable_ancestor DIR: the first world-writable directory on the
# way from DIR to / (none: nothing), such as /tmp. EAL refuses plugins
# below one, after resolving links (eal_dlopen() calls realpath()).
world_writable_ancestor() {
	local d=$1
	while [ -n "$d" ] && [ "$d" != / ]; do
		if [ -d "$d" ] && [ -n "$(find "$d" -maxdepth 0 -perm -0002 2>/dev/null)" ]; then
			echo "$d"
			return
		fi
		d=${d%/*}
	done
}

# sandbox_check PMD_DIR PATH...: nothing when a sandbox of PMD_DIR can be
# made here (as root) with the plugins and work directories PATH, else
# says why not (one line) and returns 1
sandbox_check() {
	local pmd=$1 p ww
	shift
	command -v unshare >/dev/null 2>&1 || { echo "needs unshare(1)"; return 1; }
	unshare -m --propagation private true 2>/dev/null ||
		{ echo "cannot make a private mount namespace (unshare -m)"; return 1; }
	[ -d "$pmd" ] || { echo "no DPDK plugin directory $pmd"; return 1; }
	for p in "$@"; do
		ww=$(world_writable_ancestor "$(realpath -m "$p")")
		[ -z "$ww" ] || { echo "EAL refuses plugins below world-writable $ww ($p)"; return 1; }
	done
}

# sandbox_links PMD_DIR DIR [--keep-netvsc] [--failsafe FILE]: DIR/pmds,
# a link per plugin of PMD_DIR into DIR/pmds-orig, but for the distro's
# librte_net_mana and librte_net_vdev_netvsc (kept with --keep-netvsc);
# with --failsafe, librte_net_failsafe's names lead to FILE. DIR must not
# lie below a world-writable directory. Sets SANDBOX_HIDDEN (the names
# left out).
sandbox_links() {
	local pmd=$1 dir=$2 keep='' failsafe='' p b links=()
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--keep-netvsc) keep=1 ;;
		--failsafe) failsafe=$2; shift ;;
		*) echo "sandbox_links: unknown option $1" >&2; return 2 ;;
		esac
		shift
	done
	mkdir -p "$dir/pmds" "$dir/pmds-orig" || return 1
	SANDBOX_HIDDEN=()
	for p in "$pmd"/*; do
		b=${p##*/}
		case $b in
		librte_net_mana.so*)
			SANDBOX_HIDDEN+=("$b")
			continue ;;
		librte_net_vdev_netvsc.so*)
			[ -n "$keep" ] || { SANDBOX_HIDDEN+=("$b"); continue; } ;;
		librte_net_failsafe.so*)
			if [ -n "$failsafe" ]; then
				ln -s "$failsafe" "$dir/pmds/$b" || return 1
				continue
			fi ;;
		esac
		links+=("$dir/pmds-orig/$b")
	done
	# one ln for them all: a process each costs seconds in the kernel tier
	[ ${#links[@]} = 0 ] || ln -s -t "$dir/pmds" -- "${links[@]}" || return 1
	chmod 755 "$dir/pmds" "$dir/pmds-orig"
}

# sandbox_mount PMD_DIR DIR: inside a private mount namespace, PMD_DIR
# shows DIR/pmds (made by sandbox_links)
sandbox_mount() {
	mount --bind "$1" "$2/pmds-orig" && mount --bind "$2/pmds" "$1"
}

# sandbox_cmd PMD_DIR DIR: sets SANDBOX_CMD, the command words that run
# the words after them in a new private mount namespace with
# sandbox_mount PMD_DIR DIR (a command rather than a function, so that it
# can run in the background or after "ip netns exec")
sandbox_cmd() {
	# shellcheck disable=SC2016,SC2034 # expanded by that bash; for callers
	SANDBOX_CMD=(unshare -m --propagation private bash -c
		'. "$0" && sandbox_mount "$1" "$2" && shift 2 && exec "$@"'
		"$SANDBOX_SH" "$1" "$2")
}

# sandbox_pmd_dir PROGRAM: the plugin directory the EAL of PROGRAM loads
# (the path built into its librte_eal), nothing when not found
sandbox_pmd_dir() {
	local eal
	eal=$(ldd "$1" | sed -n 's/.*librte_eal\.so[^ ]* => \([^ ]*\).*/\1/p')
	[ -n "$eal" ] && grep -ao '/[[:graph:]]*/dpdk/pmds-[0-9.]*' "$eal" 2>/dev/null | head -n 1
}
