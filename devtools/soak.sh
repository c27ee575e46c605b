#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The soak with traffic (app/test/sim/soak.sh), as root:
#   bash devtools/soak.sh [--cycles N] [--seconds S | --minutes M]
#                         [--probe-cycles P] [--rate PPS] [--seed N] [--short]
# Default: the long soak, 1000 VF remove/re-add cycles and at least 10
# minutes of Debian's dpdk-testpmd forwarding through our fail-safe port,
# and 200 probe/remove cycles of the driver; it goes on until both the
# cycles and the time are done. --short: the CI run (25 cycles, 60 s, 10
# probe/remove cycles; meson test sim-soak). Builds in BUILD_DIR (default
# build) when needed. The output is TAP (app/test/sim/lib.sh): a line per
# check, the plan last; the line before the failed checks' list and the
# plan is machine-readable ("# soak: result=PASS|FAIL key=value ...").
# Exit status 0 when every check passed, 1 when one failed, 77 when the
# soak cannot run here ("1..0 # SKIP <reason>").

set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bld=${BUILD_DIR:-$top/build}
args=(--cycles 1000 --seconds 600 --probe-cycles 200)
if [ "${1:-}" = --short ]; then
	shift
	args=(--cycles 25 --seconds 60 --probe-cycles 10)
fi
if [ ! -f "$bld/build.ninja" ]; then
	meson setup "$bld" "$top" > /dev/null || exit 1
fi
ninja -C "$bld" > /dev/null || { echo "soak: the build failed" >&2; exit 1; }
export VSC_PLUGIN=$bld/librte_net_vdev_netvsc.so
export VSC_APP=$bld/app/test/sim/vsc_app
export FAKE_VF_PLUGIN=$bld/app/test/fake_vf/librte_net_fake_vf.so
export SIM_LOGDIR=$bld/app/test/sim/logs
# the exit status says whether a check failed (meson reads the TAP lines)
export SIM_EXIT_STATUS=1
exec bash "$top/app/test/sim/soak.sh" "${args[@]}" "$@"
