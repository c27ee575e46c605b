/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Telemetry: which NetVSC each port stands for and where its VF is.
 * Telemetry runs on its own thread, so it reads under vdev_netvsc_lock.
 */

#include <pthread.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_telemetry.h>

#include "vdev_netvsc_private.h"

/** /vdev_netvsc/list: the fail-safe ports of every instance. */
static int
vsc_tel_list(const char *cmd __rte_unused, const char *params __rte_unused,
	     struct rte_tel_data *d)
{
	const struct vdev_netvsc_instance *inst;
	const struct vdev_netvsc_ctx *ctx;

	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	pthread_mutex_lock(&vdev_netvsc_lock);
	TAILQ_FOREACH(inst, &vdev_netvsc_instances, next)
		LIST_FOREACH(ctx, &inst->ctx_list, next)
			rte_tel_data_add_array_string(d, ctx->port_name);
	pthread_mutex_unlock(&vdev_netvsc_lock);
	return 0;
}

static void
vsc_tel_ctx(const struct vdev_netvsc_instance *inst,
	    const struct vdev_netvsc_ctx *ctx, struct rte_tel_data *d)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	rte_ether_format_addr(mac, sizeof(mac), &ctx->mac);
	rte_tel_data_add_dict_string(d, "port", ctx->port_name);
	rte_tel_data_add_dict_string(d, "instance", rte_dev_name(inst->dev));
	rte_tel_data_add_dict_string(d, "iface", ctx->if_name);
	rte_tel_data_add_dict_int(d, "ifindex", ctx->ifindex);
	rte_tel_data_add_dict_string(d, "mac", mac);
	rte_tel_data_add_dict_string(d, "vf_pci", ctx->vf_pci);
	rte_tel_data_add_dict_int(d, "vf_ifindex", ctx->vf_ifindex);
	rte_tel_data_add_dict_int(d, "vf_attached", ctx->vf_attached);
	VDEV_NETVSC_TEL_ADD_U64(d, "vf_offers", ctx->offers);
	VDEV_NETVSC_TEL_ADD_U64(d, "link_events", inst->events);
	VDEV_NETVSC_TEL_ADD_U64(d, "resyncs", inst->resyncs);
}

/** /vdev_netvsc/info,<port or interface name>: one context. */
static int
vsc_tel_info(const char *cmd __rte_unused, const char *params,
	     struct rte_tel_data *d)
{
	const struct vdev_netvsc_instance *inst;
	const struct vdev_netvsc_ctx *ctx;
	int ret = -ENODEV;

	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&vdev_netvsc_lock);
	TAILQ_FOREACH(inst, &vdev_netvsc_instances, next) {
		LIST_FOREACH(ctx, &inst->ctx_list, next) {
			if (strcmp(ctx->port_name, params) != 0 &&
			    strcmp(ctx->if_name, params) != 0)
				continue;
			vsc_tel_ctx(inst, ctx, d);
			ret = 0;
			break;
		}
		if (ret == 0)
			break;
	}
	pthread_mutex_unlock(&vdev_netvsc_lock);
	return ret;
}

RTE_INIT(vdev_netvsc_telemetry)
{
	rte_telemetry_register_cmd("/vdev_netvsc/list", vsc_tel_list,
		"Returns the fail-safe ports net_vdev_netvsc created.");
	rte_telemetry_register_cmd("/vdev_netvsc/info", vsc_tel_info,
		"Returns the NetVSC and VF of a port. Parameters: port or interface name");
}
