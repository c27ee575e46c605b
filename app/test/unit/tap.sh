#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright 2026 The vdev_netvsc authors
#
# unit-tap: test_tap in a network namespace of its own with a veth pair,
# the remote= of the tap PMD. See test_tap.c.
#
# Usage: tap.sh TEST_TAP

set -u
. "$(dirname "$0")/lib.sh"

unit_usage 1 $# "TEST_TAP"
bin=$1
unit_require_root unit-tap
[ -c /dev/net/tun ] || unit_skip "unit-tap needs /dev/net/tun"
unit_gc "${TMPDIR:-/tmp}"
ns="unit-tap-ns-$$"
unit_netns "$ns" || { echo "# cannot create netns $ns"; exit 1; }
ip -n "$ns" link add t0 type veth peer name t1 &&
ip -n "$ns" link set t0 up && ip -n "$ns" link set t1 up ||
	{ echo "# cannot create the veth pair"; exit 1; }
echo "# kernel $(uname -r)"
unit_run ip netns exec "$ns" "$bin" t0 -l 0 --no-huge -m 128 --no-shconf \
	--no-pci --no-telemetry --file-prefix "unit-tap-$$"
unit_tap_ran unit_tap $?
unit_tap_plan
