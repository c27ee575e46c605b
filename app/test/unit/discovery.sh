#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# unit-discovery: run test_discovery's two phases, each in a network
# namespace of its own, deleted afterwards even on failure.
#
# Usage: discovery.sh TEST_DISCOVERY BASE_DIR

set -u
. "$(dirname "$0")/lib.sh"

unit_usage 2 $# "TEST_DISCOVERY BASE_DIR"
bin=$1
base=$2
unit_require_root unit-discovery
mkdir -p "$base"
unit_gc "$base"
work=$(mktemp -d "$base/discovery.$$.XXXXXX") || exit 1
unit_at_exit "rm -rf --one-file-system '$work'"

for phase in small big; do
	ns="unit-disc-$phase-$$"
	unit_netns "$ns" || { echo "# cannot create netns $ns"; exit 1; }
	echo "# phase $phase in netns $ns"
	start=$(date +%s%N)
	unit_run ip netns exec "$ns" "$bin" "$phase" "$work"
	unit_tap_ran "phase $phase" $?
	echo "# phase $phase: $((($(date +%s%N) - start) / 1000000)) ms"
	ip netns del "$ns"
done
unit_tap_plan
