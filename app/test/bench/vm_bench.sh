#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# The benchmark's part that needs tap's remote=, run inside Debian's own
# kernel booted in QEMU (devtools/benchmark.sh --vm starts it through
# app/test/kernel/vm.sh): P6, servicing loss (servicing.sh), and P2, the
# idle cost, re-measured with the tap sub-device present (bench.sh, P2
# only, 1000 netdevices). Ours and upstream's driver side by side in the
# same run. Figures in TCG are 50-70x slower than native: compare ratios.
#
#   vm_bench.sh [OUTDIR]    (writes OUTDIR/p6.* and OUTDIR/p2/results.*;
#                           in the VM, OUTDIR defaults to $VM_JOB/save)
# Environment: VM_BENCH_PARTS (default "p6 p2"), VM_BENCH_SIZES (P2's
# netdevice counts, default 1000), BENCH_P2_REPS (default 2).

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-${VM_JOB:+$VM_JOB/save}}
[ -n "$OUT" ] || { echo "usage: vm_bench.sh OUTDIR (default: $VM_JOB/save in the VM)" >&2; exit 2; }
mkdir -p "$OUT"
echo "vm-bench: kernel $(uname -r), $(nproc) vCPUs (TCG)"
parts=" ${VM_BENCH_PARTS:-p6 p2} "
rc=0
if [[ $parts == *" p6 "* ]]; then
	bash "$HERE/servicing.sh" "$OUT" || rc=$?
fi
if [[ $parts == *" p2 "* ]]; then
	echo "vm-bench: P2 (idle cost) with the tap present"
	BENCH_OUT=$OUT/p2 BENCH_PHASES=p2 BENCH_SIZES=${VM_BENCH_SIZES:-1000} \
		BENCH_P2_SIZE=${VM_BENCH_SIZES:-1000} \
		BENCH_P2_REPS=${BENCH_P2_REPS:-2} BENCH_START_TIMEOUT=240 \
		bash "$HERE/bench.sh" || rc=$?
fi
exit $rc
