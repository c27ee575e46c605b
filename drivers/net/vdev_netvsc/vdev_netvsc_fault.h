/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Allocation-failure hook for the fault-injection tests (app/test/fault).
 *
 * Every allocation the driver makes itself goes through VSC_ALLOC(): the
 * C library's, libnl's and DPDK's. In a normal build (meson option
 * fault_injection off, the plugin always) it is the plain call. Built with
 * VDEV_NETVSC_FAULT_INJECTION, the allocations are counted and the Nth
 * one after vdev_netvsc_fault_alloc_arm(N) fails as it would on ENOMEM,
 * once: a test loops N = 1, 2, ... until a run counts fewer than N.
 */

#ifndef VDEV_NETVSC_FAULT_H
#define VDEV_NETVSC_FAULT_H

#ifdef VDEV_NETVSC_FAULT_INJECTION

#include <stdbool.h>

/** Allocations counted since the last arm. */
extern unsigned long vdev_netvsc_fault_alloc_count;
/** The allocation that fails (1-based), 0 for none. */
extern unsigned long vdev_netvsc_fault_alloc_nth;
/** Failures injected since the last arm. */
extern unsigned long vdev_netvsc_fault_alloc_injected;

/** Count one allocation; whether it must fail. Any thread. */
static inline bool
vdev_netvsc_fault_alloc(void)
{
	unsigned long nth = __atomic_load_n(&vdev_netvsc_fault_alloc_nth,
					    __ATOMIC_ACQUIRE);
	unsigned long n = __atomic_add_fetch(&vdev_netvsc_fault_alloc_count, 1,
					     __ATOMIC_ACQ_REL);

	if (nth == 0 || n != nth)
		return false;
	__atomic_add_fetch(&vdev_netvsc_fault_alloc_injected, 1,
			   __ATOMIC_ACQ_REL);
	return true;
}

/** Fail the @p nth allocation from now on (0: none); reset the counts. */
static inline void
vdev_netvsc_fault_alloc_arm(unsigned long nth)
{
	__atomic_store_n(&vdev_netvsc_fault_alloc_nth, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&vdev_netvsc_fault_alloc_count, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&vdev_netvsc_fault_alloc_injected, 0,
			 __ATOMIC_RELEASE);
	__atomic_store_n(&vdev_netvsc_fault_alloc_nth, nth, __ATOMIC_RELEASE);
}

/** @p call, or @p failed when this allocation is the one to fail. */
#define VSC_ALLOC(failed, call) \
	(vdev_netvsc_fault_alloc() ? (failed) : (call))

#else /* !VDEV_NETVSC_FAULT_INJECTION */

#define VSC_ALLOC(failed, call) (call)

#endif /* VDEV_NETVSC_FAULT_INJECTION */

#endif /* VDEV_NETVSC_FAULT_H */
