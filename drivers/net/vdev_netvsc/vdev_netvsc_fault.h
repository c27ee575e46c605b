/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Allocation-failure hook for the fault-injection tests (app/test/fault).
 *
 * The allocations the driver asks for go through VSC_ALLOC(): its own
 * (calloc, realloc), the objects it has libnl allocate, DPDK's interrupt
 * instance and kvargs' list. Not counted: opendir()'s, and those made
 * inside the libraries' other calls (libnl reading a message, EAL's
 * hot-plug). In a normal build (meson option fault_injection off, the
 * plugin always) it is the plain call. Built with
 * VDEV_NETVSC_FAULT_INJECTION, each allocation asks the test program's
 * vdev_netvsc_fault_alloc() first, which counts them and makes the Nth
 * fail as on ENOMEM, once: a test loops N = 1, 2, ... until a run counts
 * fewer than N.
 */

#ifndef VDEV_NETVSC_FAULT_H
#define VDEV_NETVSC_FAULT_H

#ifdef VDEV_NETVSC_FAULT_INJECTION

#include <stdbool.h>

/**
 * Count one allocation; whether it must fail. Any thread. The test
 * program defines it, with vdev_netvsc_fault_alloc_arm() to choose which
 * allocation fails (app/test/fault/fault_test.c).
 */
bool vdev_netvsc_fault_alloc(void);

/** @p call, or @p failed when this allocation is the one to fail. */
#define VSC_ALLOC(failed, call) \
	(vdev_netvsc_fault_alloc() ? (failed) : (call))

#else /* !VDEV_NETVSC_FAULT_INJECTION */

#define VSC_ALLOC(failed, call) (call)

#endif /* VDEV_NETVSC_FAULT_INJECTION */

#endif /* VDEV_NETVSC_FAULT_H */
