#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# fake_vf_test.sh <fake_vf_test> <librte_net_fake_vf.so> <mkfakepci.sh>
#
# Runs fake_vf_test in a throwaway network namespace with veth pairs and a
# fake PCI tree, in a private mount namespace where EAL's plugin directory
# holds every distro plugin but those that could claim the fake devices.
# Exit 77 (skipped) when not root or namespaces are unavailable.
# FAKE_VF_TEST_WRAPPER, if set, is put before the test binary (e.g.
# "valgrind --leak-check=full").

set -u

test_bin=$1
plugin=$2
mkfakepci=$3

# the test cannot run here: TAP's skip plan (fake_vf_test speaks TAP)
skip() {
	echo "1..0 # SKIP $*"
	exit 0
}

[ "$(id -u)" = 0 ] || skip "needs root (network and mount namespaces)"
command -v ip >/dev/null || skip "needs ip (iproute2)"
command -v unshare >/dev/null || skip "needs unshare (util-linux)"
unshare -m --propagation private true 2>/dev/null ||
	skip "cannot create a mount namespace"

ns=fakevf-$$
work=$(mktemp -d /tmp/fake_vf_test.XXXXXX) || exit 1
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

# EAL loads every plugin of its compiled-in directory first. Those that
# could claim these IDs or act on the netdevices are masked with /dev/null
# (EAL skips what is not a regular file). The directory itself cannot
# simply be replaced: the shared libraries DPDK apps link live there too.
eal_lib=$(ldd "$test_bin" | sed -n 's/.*librte_eal\.so[^ ]* => \([^ ]*\).*/\1/p')
pmd_dir=$(grep -ao '/[[:graph:]]*/dpdk/pmds-[0-9.]*' "$eal_lib" 2>/dev/null | head -n 1)
mask=
if [ -n "$pmd_dir" ] && [ -d "$pmd_dir" ]; then
	for f in "$pmd_dir"/librte_net_mana.so* "$pmd_dir"/librte_net_vdev_netvsc.so*; do
		[ -e "$f" ] || continue
		real=$(readlink -f "$f")
		case " $mask " in
		*" $real "*) ;;
		*) mask="$mask $real" ;;
		esac
	done
fi
mask_cmd=true
for f in $mask; do
	mask_cmd="$mask_cmd && mount --bind /dev/null $f"
done

eal_args=(--no-huge -m 512 --no-shconf --iova-mode=va -l 0
	-d "$plugin"
	-b 0000:00:1f.0 -b 0000:00:1f.1 -b 0000:00:1f.2
	--log-level=pmd.net.fake_vf:info)
cases=("plain=0000:00:1f.0,fvf0,fvp0"
	"mana=0000:00:1f.1,fvm1,fvm2,fvq2"
	"failsafe=0000:00:1f.2,fvs0,fvsp0,fvtap0")

# ip netns exec gives a new mount namespace; unshare keeps ours private.
# The wrapper is split into words on purpose.
# shellcheck disable=SC2086
in_ns unshare -m --propagation private sh -c \
	"$mask_cmd && exec \"\$@\"" sh \
	env SYSFS_PCI_DEVICES="$devs" \
	${FAKE_VF_TEST_WRAPPER:-} "$test_bin" "${eal_args[@]}" -- "${cases[@]}"
