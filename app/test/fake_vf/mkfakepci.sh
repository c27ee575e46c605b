#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# mkfakepci.sh <pci-devices-dir> <addr> <vendor> <device> [<netdev>...]
#
# Creates <pci-devices-dir>/<addr>, a fake PCI device that DPDK 22.11's
# Linux PCI bus scan accepts when SYSFS_PCI_DEVICES=<pci-devices-dir>, with
# an empty directory net/<netdev> for each netdevice given (what net_fake_vf
# reads to find its netdevice). Example:
#   mkfakepci.sh /run/fakesys/bus/pci/devices 0000:00:1f.0 0x1414 0x00ba eth1
#
# <addr> is the full DDDD:BB:DD.F form in lower case, as EAL names devices.
# The driver symlink points to a driver named after the vendor (mana,
# mlx5_core) or $MKFAKEPCI_DRIVER; it may dangle, EAL only reads its name,
# but without it EAL skips the device. Any name but vfio-pci, igb_uio and
# uio_pci_generic makes EAL treat the device as bifurcated (no mapping).
# The directory is built aside and renamed into place, so that a scan
# running meanwhile never sees half a device (one EAL cannot parse makes
# the whole bus scan, hence rte_eal_init or a hot-plug, fail).

set -eu

usage() {
	echo "usage: $0 <pci-devices-dir> <addr> <vendor> <device> [<netdev>...]" >&2
	exit 2
}

[ $# -ge 4 ] || usage
dir=$1
addr=$2
vendor=$3
device=$4
shift 4

case $addr in
[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:[0-9a-f][0-9a-f]:[0-1][0-9a-f].[0-7]) ;;
*)
	echo "$0: bad PCI address '$addr' (want e.g. 0000:00:1f.0)" >&2
	exit 2
	;;
esac

hex16() {
	v=${1#0[xX]}
	case $v in
	''|*[!0-9a-fA-F]*|?????*)
		echo "$0: bad ID '$1' (want 1 to 4 hex digits)" >&2
		exit 2
		;;
	esac
	printf '0x%04x' "0x$v"
}

vendor=$(hex16 "$vendor")
device=$(hex16 "$device")

if [ -n "${MKFAKEPCI_DRIVER:-}" ]; then
	driver=$MKFAKEPCI_DRIVER
else
	case $vendor in
	0x1414) driver=mana ;;
	0x15b3) driver=mlx5_core ;;
	*) driver=fake_pci ;;
	esac
fi

for n in "$@"; do
	case $n in
	''|.*|*/*)
		echo "$0: bad netdevice name '$n'" >&2
		exit 2
		;;
	esac
done

mkdir -p "$dir"
if [ -e "$dir/$addr" ]; then
	echo "$0: $dir/$addr already exists" >&2
	exit 1
fi

# a leading dot: EAL's scan skips it while it is being filled
tmp=$dir/.$addr.tmp.$$
rm -rf "$tmp"
mkdir "$tmp" "$tmp/net"
trap 'rm -rf "$tmp"' EXIT

printf '%s\n' "$vendor" >"$tmp/vendor"
printf '%s\n' "$device" >"$tmp/device"
printf '%s\n' "$vendor" >"$tmp/subsystem_vendor"
printf '%s\n' "$device" >"$tmp/subsystem_device"
# Ethernet controller
printf '0x020000\n' >"$tmp/class"
printf '0\n' >"$tmp/numa_node"
# EAL reads exactly 6 BAR lines; all zero: no memory BAR to map
i=0
while [ $i -lt 6 ]; do
	printf '0x%016x 0x%016x 0x%016x\n' 0 0 0
	i=$((i + 1))
done >"$tmp/resource"
ln -s "../../../bus/pci/drivers/$driver" "$tmp/driver"
for n in "$@"; do
	mkdir "$tmp/net/$n"
done

mv "$tmp" "$dir/$addr"
trap - EXIT
