#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Kernel tier: sim scenarios, unchanged, on Debian's kernel (vm.sh), where
# tap's remote= works and every port must carry its tap sub-device
# (sim_tap_expected asks the tap PMD). The ones that failed there while
# the driver's tap check was wrong. Every other scenario but sim-soak
# passed there once, by hand (see app/test/README.md).
#
# Usage: sim.sh SCENARIO...   (names of app/test/sim/<name>.sh)

set -u
[ $# -gt 0 ] || { echo "usage: $0 SCENARIO..." >&2; exit 2; }
[ -n "${VM_JOB:-}" ] ||
	{ echo "SKIP: runs inside the kernel tier's VM (app/test/kernel/vm.sh)"; exit 77; }
here=$(cd "$(dirname "$0")/../sim" && pwd)
export SIM_LOGDIR=$VM_JOB/save
# a netdevice costs 50-70x more under TCG: the big dump with 300, not 3000
export SIM_MANY=${SIM_MANY:-300}
echo "# kernel $(uname -r)"
failed=()
for s in "$@"; do
	echo "# --- sim-$s"
	start=$SECONDS
	bash "$here/$s.sh"
	rc=$?
	echo "# sim-$s: exit $rc in $((SECONDS - start)) s"
	[ $rc = 0 ] || failed+=("sim-$s (exit $rc)")
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "kernel-sim: failed: ${failed[*]}"
	exit 1
fi
echo "kernel-sim: $# scenarios passed"
