/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Built into the fail-safe PMD that the vdev_netvsc package ships, next to
 * the fixes of patches/: how many of them it carries. vdev_netvsc looks it
 * up in the library that serves its fail-safe ports to tell this fail-safe
 * from a distribution's, whose VF removal path crashes (see the guide).
 * Not part of the upstream patches.
 */

#include <rte_common.h>

extern const unsigned int vdev_netvsc_failsafe_fixes;
__rte_used const unsigned int vdev_netvsc_failsafe_fixes = FAILSAFE_FIXES;
