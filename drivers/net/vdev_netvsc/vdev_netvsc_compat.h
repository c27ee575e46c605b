/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Differences between DPDK releases, kept in one place so that the rest of
 * the driver reads the same on every release it builds against.
 */

#ifndef VDEV_NETVSC_COMPAT_H
#define VDEV_NETVSC_COMPAT_H

#include <rte_log.h>
#include <rte_version.h>

extern int vdev_netvsc_logtype;

#ifdef RTE_LOG_LINE
/* 24.03 and later: RTE_LOG_LINE adds the newline. */
#define DRV_LOG(level, ...) \
	RTE_LOG_LINE(level, VDEV_NETVSC, "" __VA_ARGS__)
#define RTE_LOGTYPE_VDEV_NETVSC vdev_netvsc_logtype
#else
/* 22.11: RTE_LOG takes a static logtype, so call rte_log() directly. */
#define DRV_LOG(level, ...) \
	rte_log(RTE_LOG_ ## level, vdev_netvsc_logtype, \
		RTE_FMT("vdev_netvsc: " RTE_FMT_HEAD(__VA_ARGS__,) "\n", \
			RTE_FMT_TAIL(__VA_ARGS__,)))
#endif

/* Telemetry: 23.03 renamed the unsigned dict helper. */
#if RTE_VERSION >= RTE_VERSION_NUM(23, 3, 0, 0)
#define VDEV_NETVSC_TEL_ADD_U64(d, name, v) rte_tel_data_add_dict_uint(d, name, v)
#else
#define VDEV_NETVSC_TEL_ADD_U64(d, name, v) rte_tel_data_add_dict_u64(d, name, v)
#endif

#endif /* VDEV_NETVSC_COMPAT_H */
