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
# Output: one TAP stream: each scenario's checks, named "sim-<name>: ...",
# numbered in order; a scenario that broke off (exit status not 0) or
# printed no plan is one failed check more.

set -u
[ $# -gt 0 ] || { echo "usage: $0 SCENARIO..." >&2; exit 2; }
[ -n "${VM_JOB:-}" ] ||
	{ echo "1..0 # SKIP runs inside the kernel tier's VM (app/test/kernel/vm.sh)"; exit 0; }
here=$(cd "$(dirname "$0")/../sim" && pwd)
export SIM_LOGDIR=$VM_JOB/save
# a netdevice costs 50-70x more under TCG: the big dump with 300, not 3000
export SIM_MANY=${SIM_MANY:-300}
echo "# kernel $(uname -r)"
count=$(mktemp) || exit 1
trap 'rm -f "$count"' EXIT
n=0
for s in "$@"; do
	echo "# --- sim-$s"
	start=$SECONDS
	# the scenario's TAP lines, renamed and unnumbered; its plan goes (one
	# plan for all), its skip plan becomes a skipped check
	bash "$here/$s.sh" 2>&1 | awk -v p="sim-$s: " -v count="$count" '
		/^(not )?ok [0-9]+ - / {
			sub(/ok [0-9]+ - /, "ok - " p); print; n++; next
		}
		/^1\.\.0 # SKIP/ {
			sub(/^1\.\.0 # SKIP */, ""); print "ok - " p "the scenario # SKIP " $0
			n++; plan = 1; next
		}
		/^1\.\.[0-9]+/ { plan = 1; next }
		/^#/ { print; next }
		{ print "# " $0 }
		END { print n + 0, plan + 0 > count }
	'
	rc=${PIPESTATUS[0]}
	read -r c plan < "$count"
	n=$((n + c))
	echo "# sim-$s: exit $rc in $((SECONDS - start)) s"
	if [ "$rc" != 0 ] || [ "$plan" != 1 ]; then
		n=$((n + 1))
		echo "not ok - sim-$s ran to its end (exit status $rc, plan printed: $plan)"
	fi
done
echo "1..$n"
