/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Differences between DPDK releases, kept in one place so that the rest of
 * the driver reads the same on every release it builds against.
 */

#ifndef VDEV_NETVSC_COMPAT_H
#define VDEV_NETVSC_COMPAT_H

#include <stdarg.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_version.h>

extern int vdev_netvsc_logtype;

#ifdef RTE_LOG_LINE
/*
 * 24.03 and later: RTE_LOG_LINE adds the newline, and the prefix from the
 * type's name as written: lower case, as users grep for "vdev_netvsc: "
 * on every release.
 */
#define DRV_LOG(level, ...) \
	RTE_LOG_LINE(level, vdev_netvsc, "" __VA_ARGS__)
#define RTE_LOGTYPE_vdev_netvsc vdev_netvsc_logtype
#else
/*
 * Before 24.03: no RTE_LOG_LINE. Log through rte_vlog() with the prefix
 * and the newline that RTE_LOG_LINE adds.
 */
static inline void __rte_format_printf(2, 3)
vdev_netvsc_log(uint32_t level, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	rte_vlog(level, vdev_netvsc_logtype, format, ap);
	va_end(ap);
}

#define DRV_LOG(level, ...) \
	vdev_netvsc_log(RTE_LOG_ ## level, \
		RTE_FMT("vdev_netvsc: " RTE_FMT_HEAD(__VA_ARGS__ ,) "\n", \
			RTE_FMT_TAIL(__VA_ARGS__ ,)))
#endif

/*
 * 22.11 moved the vdev driver API out of rte_bus_vdev.h into the driver
 * SDK header bus_vdev_driver.h, and made struct rte_device opaque behind
 * rte_dev_name(). 21.11 has neither.
 */
#if RTE_VERSION_NUM(22, 11, 0, 0) <= RTE_VERSION
#include <bus_vdev_driver.h>
#else
#include <rte_bus_vdev.h>
#include <rte_dev.h>

#ifndef VSC_RTE_DEV_NAME_SHIM	/* the tests' test_compat.h has it too */
#define VSC_RTE_DEV_NAME_SHIM
static inline const char *
rte_dev_name(const struct rte_device *dev)
{
	return dev->name;
}
#endif
#endif

/* Telemetry: 23.03 renamed the unsigned dict helper. */
#if RTE_VERSION_NUM(23, 3, 0, 0) <= RTE_VERSION
#define VDEV_NETVSC_TEL_ADD_U64(d, name, v) rte_tel_data_add_dict_uint(d, name, v)
#else
#define VDEV_NETVSC_TEL_ADD_U64(d, name, v) rte_tel_data_add_dict_u64(d, name, v)
#endif

/*
 * Whether rte_eal_cleanup() lets a vdev's remove free any other vdev.
 * Up to 25.11, vdev_cleanup() (drivers/bus/vdev/vdev.c) walks the vdev
 * list with RTE_TAILQ_FOREACH_SAFE: it reads the next device before it
 * calls a driver's remove, and goes on to it afterwards, even if that
 * remove freed it. 26.07's rte_bus_generic_cleanup() takes the list's
 * first device each time, under the vdev list lock: any remove is safe.
 * 26.03, the one release in between, is not supported and was not read:
 * it gets 0, whose path (close only) is right under either walk and
 * costs only the memory that path leaves. See vsc_port_remove()
 * (vdev_netvsc_context.c) for what depends on it.
 */
#if RTE_VERSION_NUM(26, 7, 0, 0) <= RTE_VERSION
#define VDEV_NETVSC_VDEV_CLEANUP_SAFE 1
#else
#define VDEV_NETVSC_VDEV_CLEANUP_SAFE 0
#endif

#endif /* VDEV_NETVSC_COMPAT_H */
