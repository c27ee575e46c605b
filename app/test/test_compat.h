/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Differences between DPDK releases for the test programs, as
 * vdev_netvsc_compat.h keeps the driver's: 22.11 made struct rte_device
 * opaque behind rte_dev_name() and rte_dev_devargs() (its internals went
 * into the driver SDK's dev_driver.h, bus_pci_driver.h for PCI's).
 * 21.11 has none of them.
 */

#ifndef VSC_TEST_COMPAT_H
#define VSC_TEST_COMPAT_H

#include <rte_version.h>

#if RTE_VERSION_NUM(22, 11, 0, 0) <= RTE_VERSION
#include <rte_dev.h>
#else
#include <rte_dev.h>
#include <rte_devargs.h>

#ifndef VSC_RTE_DEV_NAME_SHIM	/* vdev_netvsc_compat.h has it too */
#define VSC_RTE_DEV_NAME_SHIM
static inline const char *
rte_dev_name(const struct rte_device *dev)
{
	return dev->name;
}
#endif

static inline const struct rte_devargs *
rte_dev_devargs(const struct rte_device *dev)
{
	return dev->devargs;
}
#endif

/*
 * From 22.11 rte_eal_cleanup() removes the devices of every bus (their
 * drivers' remove): before, it leaves them, alarms and interrupt
 * callbacks included, for the application to close.
 */
#define TEST_EAL_CLEANUP_REMOVES_DEVICES \
	(RTE_VERSION_NUM(22, 11, 0, 0) <= RTE_VERSION)

#endif /* VSC_TEST_COMPAT_H */
