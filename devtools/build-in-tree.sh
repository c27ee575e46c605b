#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Drop our drivers/net/vdev_netvsc into DPDK source trees, build a minimal
# DPDK with it, and smoke-test the result with each tree's own dpdk-testpmd
# in a throwaway network namespace: the in-tree half of the release matrix.
#
#   bash devtools/build-in-tree.sh [DPDK-TREE-OR-TARBALL...]
#
# Without arguments: Debian's DPDK 22.11 sources (.cache/dpdk-src, which
# devtools/setup.sh fills). Each tree is copied to
# .cache/rel/<version>-<id>/src with our driver in place of upstream's
# and fail-safe with our fixes (failsafe/patches and the marker
# failsafe/failsafe_fixes.c, as release-matrix.sh puts them), built as a
# minimal shared DPDK (bus/pci, bus/vdev, mempool/ring, net/tap,
# net/failsafe, net/vdev_netvsc and dpdk-testpmd; a few minutes on two
# cores the first time, reruns rebuild only what changed) and installed
# into .cache/rel/<version>-<id>/prefix. The smoke test runs that
# dpdk-testpmd --no-huge -m 512 --no-shconf --no-pci
# --vdev=net_vdev_netvsc,iface=<veth>,force=1 and passes when port
# net_failsafe_vsc0 shows the veth's MAC address.
#
# It is devtools/release-matrix.sh --in-tree-only (see there): exit 0 pass,
# 1 fail, 77 skipped (one line says why).

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ $# -gt 0 ]; then
    exec bash "$top/devtools/release-matrix.sh" --in-tree-only --no-debian "$@"
fi
exec bash "$top/devtools/release-matrix.sh" --in-tree-only
