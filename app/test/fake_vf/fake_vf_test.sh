#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# fake_vf_test.sh <fake_vf_test> <librte_net_fake_vf.so> <mkfakepci.sh>
#
# Runs fake_vf_test in a throwaway network namespace with veth pairs and a
# fake PCI tree, in a sandbox (../sandbox.sh) where EAL's plugin directory
# holds every distro plugin but those that could claim the fake devices.
# A TAP skip ("1..0 # SKIP <reason>") when not root or namespaces are
# unavailable.
# FAKE_VF_TEST_WRAPPER, if set, is put before the test binary (e.g.
# "valgrind --leak-check=full").

set -u
. "$(dirname "$0")/../sandbox.sh"

test_bin=$1
plugin=$(realpath "$2")
mkfakepci=$3

# the test cannot run here: TAP's skip plan (fake_vf_test speaks TAP)
skip() {
	echo "1..0 # SKIP $*"
	exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root (network and mount namespaces)"
command -v ip >/dev/null || skip "needs ip (iproute2)"
# EAL's plugin directory (the fake VF could not claim its devices from
# the distro's mana or vdev_netvsc, which the sandbox hides)
pmd_dir=$(sandbox_pmd_dir "$test_bin")
[ -n "$pmd_dir" ] || skip "cannot tell EAL's plugin directory from $test_bin"
# the sandbox's links lie beside the plugin: EAL refuses them below /tmp
why=$(sandbox_check "$pmd_dir" "$plugin") || skip "$why"

ns=fakevf-$$
work=$(mktemp -d "$(dirname "$plugin")/fake_vf_test.XXXXXX") || exit 1
cleanup() {
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ip netns add "$ns" 2>/dev/null || skip "cannot create a network namespace"
in_ns() {
	ip netns exec "$ns" "$@"
}

# veth pairs: VF side <-> peer side
# (fvs0:fvsp0, the fail-safe case's, is created by the test itself)
pairs="fvf0:fvp0 fvm1:fvq1 fvm2:fvq2"
in_ns ip link set lo up || exit 1
for p in $pairs; do
	vf=${p%%:*}
	peer=${p##*:}
	if ! { in_ns ip link add "$vf" type veth peer name "$peer" &&
		in_ns ip link set "$vf" up && in_ns ip link set "$peer" up; }; then
		skip "cannot create veth pairs"
	fi
	# keep IPv6 autoconf and router solicitations off the wire
	in_ns sysctl -qw "net.ipv6.conf.$vf.disable_ipv6=1" 2>/dev/null
	in_ns sysctl -qw "net.ipv6.conf.$peer.disable_ipv6=1" 2>/dev/null
done

devs=$work/sys/bus/pci/devices
sh "$mkfakepci" "$devs" 0000:00:1f.0 0x15b3 0xfffe fvf0 &&
	sh "$mkfakepci" "$devs" 0000:00:1f.1 0x1414 0x00ba fvm1 fvm2 &&
	sh "$mkfakepci" "$devs" 0000:00:1f.2 0x15b3 0xfffe fvs0 || exit 1

sandbox_links "$pmd_dir" "$work" || exit 1
sandbox_cmd "$pmd_dir" "$work"

eal_args=(--no-huge -m 512 --no-shconf --iova-mode=va -l 0
	-d "$plugin"
	-b 0000:00:1f.0 -b 0000:00:1f.1 -b 0000:00:1f.2
	--log-level=pmd.net.fake_vf:info)
cases=("plain=0000:00:1f.0,fvf0,fvp0"
	"mana=0000:00:1f.1,fvm1,fvm2,fvq2"
	"failsafe=0000:00:1f.2,fvs0,fvsp0,fvtap0")

# The wrapper is split into words on purpose.
# shellcheck disable=SC2086
"${SANDBOX_CMD[@]}" ip netns exec "$ns" \
	env SYSFS_PCI_DEVICES="$devs" \
	${FAKE_VF_TEST_WRAPPER:-} "$test_bin" "${eal_args[@]}" -- "${cases[@]}"
