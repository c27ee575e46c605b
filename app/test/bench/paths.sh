# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# Sourced by bench.sh, datapath.sh and servicing.sh: the source tree
# (BENCH_HERE, BENCH_TOP) and where its build puts what the benchmark runs,
# unless the environment (meson, devtools/benchmark.sh) says otherwise.

BENCH_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_TOP=$(cd "$BENCH_HERE/../../.." && pwd)
: "${SIMGUEST:=$BENCH_TOP/app/test/sim/simguest}"
: "${VSC_PLUGIN:=$BENCH_TOP/build/librte_net_vdev_netvsc.so}"
: "${VSC_APP:=$BENCH_TOP/build/app/test/sim/vsc_app}"
: "${VSC_BENCH:=$BENCH_TOP/build/app/test/bench/vsc_bench}"
: "${FS_COST:=$BENCH_TOP/build/app/test/bench/fs_cost}"
# "" when the fake VF is not built
: "${FAKE_VF_PLUGIN=$BENCH_TOP/build/app/test/fake_vf/librte_net_fake_vf.so}"
: "${FAILSAFE_PLUGIN:=$BENCH_TOP/build/failsafe/librte_net_failsafe.so}"
: "${BENCH_OUT:=$BENCH_TOP/build/bench}"
