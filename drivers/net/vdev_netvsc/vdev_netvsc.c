/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * net_vdev_netvsc: one fail-safe port per NetVSC netdevice of a Hyper-V
 * guest, its sub-devices being the accelerated-networking VF and, where the
 * kernel allows, a tap PMD on the NetVSC itself.
 *
 * Registration, probe, remove and the auto-probe scan. Probe reads top to
 * bottom: parse devargs, take one snapshot, select, create one context per
 * NetVSC taken, start the monitor.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_hypervisor.h>

#include "vdev_netvsc_fault.h"
#include "vdev_netvsc_private.h"

/** At most this many NetVSCs per instance. */
#define VSC_MAX_CONTEXTS RTE_MAX_ETHPORTS

RTE_LOG_REGISTER_DEFAULT(vdev_netvsc_logtype, NOTICE);

struct vdev_netvsc_instance_list vdev_netvsc_instances =
	TAILQ_HEAD_INITIALIZER(vdev_netvsc_instances);
pthread_mutex_t vdev_netvsc_lock = PTHREAD_MUTEX_INITIALIZER;
/**
 * Probes and removes of instances, one at a time, so that two instances
 * never both see a NetVSC as free. Never taken by event callbacks.
 */
static pthread_mutex_t vsc_probe_lock = PTHREAD_MUTEX_INITIALIZER;

/** Free an instance whose monitor is stopped, removing its ports. */
static void
vsc_instance_free(struct vdev_netvsc_instance *inst)
{
	struct vdev_netvsc_ctx *ctx;

	while ((ctx = LIST_FIRST(&inst->ctx_list)) != NULL) {
		LIST_REMOVE(ctx, next);
		vdev_netvsc_ctx_destroy(ctx, inst->dev);
	}
	vdev_netvsc_nl_monitor_close(inst->mon);
	vdev_netvsc_nl_close(inst->nl);
	vdev_netvsc_snapshot_free(&inst->snap);
	free(inst);
}

/**
 * Whether tap's remote= can work on this kernel. Says so once, in one
 * message, rather than letting fail-safe retry a failing tap for ever.
 *
 * @return
 *   1 or 0, or -ENOMEM when the check ran out of memory (not cached).
 */
static int
vsc_tap_usable(void)
{
	static int usable = -1;
	char missing[64];
	int ret;

	if (usable >= 0)
		return usable;
	ret = vdev_netvsc_nl_tc_check(missing, sizeof(missing));
	if (ret == -ENOMEM) {
		/* out of memory now says nothing of later: ask again */
		DRV_LOG(ERR, "cannot check tap remote= support: %s",
			strerror(ENOMEM));
		return ret;
	}
	if (ret == -ENOTSUP) {
		DRV_LOG(WARNING, "this kernel lacks %s, which the tap PMD's"
			" remote= needs: ports get no tap sub-device, so there"
			" is no fallback path through the NetVSC interface and"
			" only the VF carries traffic", missing);
		usable = 0;
	} else {
		/* Could not tell (e.g. no CAP_NET_ADMIN): let tap try. */
		if (ret != 0)
			DRV_LOG(DEBUG, "cannot check tap remote= support: %s",
				strerror(-ret));
		usable = 1;
	}
	return usable;
}

/**
 * The instance whose context serves a NetVSC, if any: one process never
 * has two ports for one NetVSC, however its instances came (auto-probe,
 * --vdev, rte_dev_probe() at run time, one naming another's interface).
 * Called under vsc_probe_lock, which every change of the lists holds.
 */
static const struct vdev_netvsc_instance *
vsc_instance_serving(int ifindex, const struct vdev_netvsc_ctx **served)
{
	const struct vdev_netvsc_instance *inst;
	const struct vdev_netvsc_ctx *ctx;

	TAILQ_FOREACH(inst, &vdev_netvsc_instances, next)
		LIST_FOREACH(ctx, &inst->ctx_list, next)
			if (ctx->ifindex == ifindex) {
				*served = ctx;
				return inst;
			}
	return NULL;
}

/**
 * Leave out of a selection the NetVSCs other instances serve already,
 * saying which port serves each. The NetVSC's name comes from our own
 * snapshot: the other instance's monitor renames its context under
 * vdev_netvsc_lock, which is not held here; the port name never changes.
 *
 * @return
 *   The number left.
 */
static unsigned int
vsc_select_free(const struct vdev_netvsc_instance *inst, int *ifindex,
		unsigned int count)
{
	const struct vdev_netvsc_instance *other;
	const struct vdev_netvsc_netdev *netvsc;
	const struct vdev_netvsc_ctx *ctx;
	unsigned int i, n = 0;

	for (i = 0; i != count; ++i) {
		other = vsc_instance_serving(ifindex[i], &ctx);
		if (other == NULL) {
			ifindex[n++] = ifindex[i];
			continue;
		}
		netvsc = vdev_netvsc_snapshot_find(&inst->snap, ifindex[i]);
		DRV_LOG(NOTICE, "%s: %s is served by %s of %s already, nothing"
			" created for it", rte_dev_name(inst->dev),
			netvsc->link.name, ctx->port_name,
			rte_dev_name(other->dev));
	}
	return n;
}

/** Create one context per NetVSC selected. */
static int
vsc_instance_populate(struct vdev_netvsc_instance *inst,
		      const int *ifindex, unsigned int count)
{
	struct vdev_netvsc_port_opts opts = {
		.hotplug_poll = inst->args.hotplug_poll,
	};
	unsigned int i;
	int ret;

	if (count == 0)
		return 0;
	ret = vsc_tap_usable();
	if (ret < 0)
		return ret;
	opts.tap = ret;
	for (i = 0; i != count; ++i) {
		const struct vdev_netvsc_netdev *netvsc;
		struct vdev_netvsc_ctx *ctx;

		netvsc = vdev_netvsc_snapshot_find(&inst->snap, ifindex[i]);
		ctx = vdev_netvsc_ctx_create(netvsc,
				vdev_netvsc_vf_find(&inst->snap, netvsc), &opts);
		if (ctx == NULL)
			return -rte_errno;
		LIST_INSERT_HEAD(&inst->ctx_list, ctx, next);
	}
	return 0;
}

/** Probe an instance: parse, snapshot, select, create, listen. */
static int
vsc_probe_locked(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct vdev_netvsc_instance *inst;
	int *ifindex = NULL;
	unsigned int count;
	int ret;

	inst = VSC_ALLOC(NULL, calloc(1, sizeof(*inst)));
	if (inst == NULL) {
		DRV_LOG(ERR, "%s: %s, nothing created", name, strerror(ENOMEM));
		return -ENOMEM;
	}
	inst->dev = &vdev->device;
	LIST_INIT(&inst->ctx_list);
	ret = vdev_netvsc_args_parse(rte_vdev_device_args(vdev), &inst->args);
	if (ret != 0) {
		DRV_LOG(ERR, "%s: %s, nothing created", name,
			ret == -ENOMEM ? strerror(ENOMEM) : "invalid devargs");
		goto free_inst;
	}
	if (inst->args.ignore) {
		DRV_LOG(DEBUG, "%s: ignore=1, nothing to do", name);
		goto keep_inst;
	}
	/* Subscribe before the snapshot, so no event falls in between. */
	inst->mon = vdev_netvsc_nl_monitor_open();
	inst->nl = vdev_netvsc_nl_open();
	if (inst->mon == NULL || inst->nl == NULL) {
		ret = -rte_errno;
		DRV_LOG(ERR, "%s: cannot open netlink sockets: %s", name,
			strerror(rte_errno));
		goto free_inst;
	}
	ret = vdev_netvsc_snapshot_take(&inst->snap, &inst->args, inst->nl);
	if (ret != 0)
		goto free_inst;
	ifindex = VSC_ALLOC(NULL, calloc(VSC_MAX_CONTEXTS, sizeof(*ifindex)));
	if (ifindex == NULL) {
		ret = -ENOMEM;
		DRV_LOG(ERR, "%s: %s, nothing created", name, strerror(ENOMEM));
		goto free_inst;
	}
	ret = vdev_netvsc_select(&inst->args, &inst->snap, ifindex,
				 VSC_MAX_CONTEXTS, &count);
	if (ret == 0) {
		count = vsc_select_free(inst, ifindex, count);
		ret = vsc_instance_populate(inst, ifindex, count);
	}
	free(ifindex);
	if (ret != 0)
		goto free_inst;
	if (count == 0) {
		/* Nothing to watch: stay silent and idle, holding no socket. */
		DRV_LOG(DEBUG, "%s: no NetVSC interface to take", name);
		vdev_netvsc_nl_monitor_close(inst->mon);
		inst->mon = NULL;
		vdev_netvsc_nl_close(inst->nl);
		inst->nl = NULL;
		goto keep_inst;
	}
	ret = vdev_netvsc_monitor_start(inst);
	if (ret != 0)
		goto free_inst;
keep_inst:
	pthread_mutex_lock(&vdev_netvsc_lock);
	TAILQ_INSERT_TAIL(&vdev_netvsc_instances, inst, next);
	pthread_mutex_unlock(&vdev_netvsc_lock);
	return 0;
free_inst:
	vsc_instance_free(inst);
	return ret;
}

static int
vdev_netvsc_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		/* The primary owns the ports; fail-safe attaches them here. */
		DRV_LOG(DEBUG, "%s: secondary process, nothing to do", name);
		return 0;
	}
	pthread_mutex_lock(&vsc_probe_lock);
	ret = vsc_probe_locked(vdev);
	pthread_mutex_unlock(&vsc_probe_lock);
	return ret;
}

static int
vdev_netvsc_remove(struct rte_vdev_device *vdev)
{
	struct vdev_netvsc_instance *inst;

	pthread_mutex_lock(&vsc_probe_lock);
	pthread_mutex_lock(&vdev_netvsc_lock);
	TAILQ_FOREACH(inst, &vdev_netvsc_instances, next)
		if (inst->dev == &vdev->device)
			break;
	if (inst != NULL)
		TAILQ_REMOVE(&vdev_netvsc_instances, inst, next);
	pthread_mutex_unlock(&vdev_netvsc_lock);
	if (inst != NULL) {
		/*
		 * Not under vdev_netvsc_lock: stopping waits for callbacks
		 * that take it. Under vsc_probe_lock: its NetVSCs are free
		 * again only once its ports are gone.
		 */
		vdev_netvsc_monitor_stop(inst);
		vsc_instance_free(inst);
	}
	pthread_mutex_unlock(&vsc_probe_lock);
	return 0;
}

/*
 * Auto-probe: in a Hyper-V guest, add an instance unless the user gave one.
 */

/** Whether a devargs entry names an instance of this driver. */
static bool
vsc_devargs_ours(const struct rte_devargs *da)
{
	return strncmp(da->name, VDEV_NETVSC_DRIVER_NAME,
		       strlen(VDEV_NETVSC_DRIVER_NAME)) == 0 ||
	       strncmp(da->name, VDEV_NETVSC_DRIVER_ALIAS,
		       strlen(VDEV_NETVSC_DRIVER_ALIAS)) == 0;
}

/**
 * vdev custom scan: runs at every vdev bus scan, adds devargs once, in the
 * primary process only. A secondary would do nothing with the instance
 * (see vdev_netvsc_probe()), and from 26.07 on the first devargs added
 * for a bus turn it to allow-list mode: the secondary would then ignore
 * the vdevs it learns from the primary, our fail-safe ports among them.
 */
static void
vsc_scan(void *arg __rte_unused)
{
	static bool done;
	struct rte_devargs *da;

	if (done || rte_eal_process_type() != RTE_PROC_PRIMARY)
		return;
	done = true;
	RTE_EAL_DEVARGS_FOREACH("vdev", da)
		if (vsc_devargs_ours(da))
			return;
	if (rte_devargs_add(RTE_DEVTYPE_VIRTUAL, VDEV_NETVSC_DRIVER_NAME) < 0)
		DRV_LOG(ERR, "cannot add %s devargs for auto-probe",
			VDEV_NETVSC_DRIVER_NAME);
}

/** Whether sysfs lists a NetVSC netdevice. */
static bool
vsc_netvsc_present(void)
{
	struct vdev_netvsc_names netvscs;
	bool present;

	present = vdev_netvsc_sysfs_netvsc_list(&netvscs) == 0 &&
		  netvscs.count != 0;
	vdev_netvsc_names_free(&netvscs);
	return present;
}

RTE_INIT(vdev_netvsc_auto_probe)
{
	if (rte_hypervisor_get() != RTE_HYPERVISOR_HYPERV &&
	    !vsc_netvsc_present())
		return;
	if (rte_vdev_add_custom_scan(vsc_scan, NULL) < 0)
		DRV_LOG(ERR, "cannot register the auto-probe scan");
}

/*
 * Registration: the devargs keys are the args module's own
 * (vdev_netvsc_private.h); the old name stays an alias; the vdev bus
 * calls probe and remove.
 */
RTE_PMD_REGISTER_PARAM_STRING(VDEV_NETVSC_DRIVER, VDEV_NETVSC_PARAMS);
RTE_PMD_REGISTER_ALIAS(VDEV_NETVSC_DRIVER, eth_vdev_netvsc);
static struct rte_vdev_driver vdev_netvsc_driver = {
	.probe = vdev_netvsc_probe,
	.remove = vdev_netvsc_remove,
};
RTE_PMD_REGISTER_VDEV(VDEV_NETVSC_DRIVER, vdev_netvsc_driver);
