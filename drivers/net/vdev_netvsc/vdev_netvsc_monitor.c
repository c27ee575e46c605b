/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Events: link changes, pulled from the netlink monitor, keep the snapshot
 * current; ethdev events say when fail-safe takes or drops a VF. The work
 * runs on the EAL interrupt thread under vdev_netvsc_lock: the link
 * socket's callback, an alarm for each ethdev event, and a retry alarm
 * every 100 ms while a resync or a pipe write has failed.
 */

#include <errno.h>
#include <string.h>

#include <rte_alarm.h>
#include <rte_common.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_interrupts.h>
#include <rte_pause.h>
#include <rte_string_fns.h>

#include "vdev_netvsc_fault.h"
#include "vdev_netvsc_private.h"

/** Retry a failed resync or pipe write after this long (us). */
#define VSC_MONITOR_RETRY_US (100 * 1000)

/**
 * Whether a link change may concern a context: its NetVSC, a netdevice
 * under it or with its MAC (a VF).
 */
static bool
vsc_monitor_relevant(const struct vdev_netvsc_instance *inst,
		     const struct vdev_netvsc_link *link)
{
	const struct vdev_netvsc_ctx *ctx;

	LIST_FOREACH(ctx, &inst->ctx_list, next) {
		if (link->ifindex == ctx->ifindex)
			return true;
		if (link->master == ctx->ifindex ||
		    rte_is_same_ether_addr(&link->mac, &ctx->mac))
			return true;
	}
	return false;
}

/** Take one link change into the snapshot. */
static void
vsc_monitor_update(struct vdev_netvsc_instance *inst,
		   const struct vdev_netvsc_link_change *change)
{
	const struct vdev_netvsc_link *link = &change->link;
	struct vdev_netvsc_netdev *netdev;
	struct vdev_netvsc_netdev fresh = { .link = *link };

	inst->events++;
	netdev = vdev_netvsc_snapshot_find(&inst->snap, link->ifindex);
	if (change->removed) {
		if (netdev != NULL)
			vdev_netvsc_snapshot_del(&inst->snap, link->ifindex);
		return;
	}
	if (netdev != NULL && netdev->kind != VDEV_NETVSC_KIND_OTHER) {
		/* Renamed, re-mastered or re-addressed: sysfs kind holds. */
		netdev->link = *link;
		return;
	}
	if (!vsc_monitor_relevant(inst, link)) {
		if (netdev != NULL)
			netdev->link = *link;
		return;
	}
	/* A VF candidate, maybe new: sysfs tells whether it is on PCI. */
	vdev_netvsc_snapshot_classify(&fresh);
	if (netdev != NULL)
		fresh.routed = netdev->routed;
	if ((netdev != NULL || fresh.kind != VDEV_NETVSC_KIND_OTHER) &&
	    vdev_netvsc_snapshot_put(&inst->snap, &fresh) != 0) {
		/* The event is lost to the snapshot: a fresh one will tell. */
		DRV_LOG(ERR, "%s: link event of %s lost: %s, will resync",
			rte_dev_name(inst->dev), link->name, strerror(ENOMEM));
		inst->resync_pending = true;
	}
}

/** Decide each context's VF from the snapshot, and act. */
static void
vsc_monitor_apply(struct vdev_netvsc_instance *inst)
{
	struct vdev_netvsc_ctx *ctx;

	LIST_FOREACH(ctx, &inst->ctx_list, next) {
		const struct vdev_netvsc_netdev *netvsc;

		netvsc = vdev_netvsc_snapshot_find(&inst->snap, ctx->ifindex);
		if (netvsc != NULL && strcmp(netvsc->link.name, ctx->if_name)) {
			DRV_LOG(NOTICE, "%s: %s renamed %s", ctx->port_name,
				ctx->if_name, netvsc->link.name);
			strlcpy(ctx->if_name, netvsc->link.name,
				sizeof(ctx->if_name));
		}
		vdev_netvsc_ctx_offer(ctx,
				      vdev_netvsc_vf_find(&inst->snap, netvsc));
	}
}

/**
 * Take a fresh snapshot after lost events, keeping every context's NetVSC
 * listed by ifindex (a renamed one is no longer found by its iface= name).
 *
 * @param[in, out] inst
 *   The instance.
 */
static void
vsc_monitor_sync(struct vdev_netvsc_instance *inst)
{
	struct vdev_netvsc_snapshot snap;
	struct vdev_netvsc_ctx *ctx;
	int ret;

	inst->resyncs++;
	ret = vdev_netvsc_snapshot_take(&snap, &inst->args, inst->nl);
	/* logged; keep what we had, and try again later */
	inst->resync_pending = ret != 0;
	if (ret != 0)
		return;
	LIST_FOREACH(ctx, &inst->ctx_list, next) {
		struct vdev_netvsc_netdev netdev = { .kind = VDEV_NETVSC_KIND_OTHER };

		if (vdev_netvsc_snapshot_find(&snap, ctx->ifindex) != NULL)
			continue;
		if (vdev_netvsc_nl_link_get(inst->nl, ctx->ifindex, NULL,
					    &netdev.link) != 0)
			continue;
		vdev_netvsc_snapshot_classify(&netdev);
		vdev_netvsc_snapshot_put(&snap, &netdev);
	}
	vdev_netvsc_snapshot_free(&inst->snap);
	inst->snap = snap;
}

/**
 * The link socket is readable: take each link change into the snapshot
 * until the socket is drained (or take a fresh snapshot after lost
 * changes), then decide each context's VF and act, once for them all.
 * What the interrupt callback does, without the lock or the interrupt
 * thread, so that a test harness can drive it.
 *
 * @param[in, out] inst
 *   The instance; the caller holds vdev_netvsc_lock if it is listed.
 */
void
vdev_netvsc_monitor_handle(struct vdev_netvsc_instance *inst)
{
	struct vdev_netvsc_link_change change;
	int ret;

	while ((ret = vdev_netvsc_nl_monitor_next(inst->mon, &change)) > 0)
		vsc_monitor_update(inst, &change);
	if (ret == -ENOBUFS)
		DRV_LOG(WARNING, "%s: link events lost (socket overrun), taking"
			" a fresh snapshot", rte_dev_name(inst->dev));
	else if (ret < 0)
		DRV_LOG(ERR, "%s: cannot read link events: %s, taking a fresh"
			" snapshot", rte_dev_name(inst->dev), strerror(-ret));
	if (ret < 0 || inst->resync_pending)
		vsc_monitor_sync(inst);
	vsc_monitor_apply(inst);
}

static void vsc_monitor_retry_alarm(void *arg);

/**
 * After a failed resync or pipe write, whose fault may clear with no new
 * event to notice it: come back later. Called under the lock.
 */
static void
vsc_monitor_retry_arm(struct vdev_netvsc_instance *inst)
{
	const struct vdev_netvsc_ctx *ctx;
	bool pending = inst->resync_pending;

	LIST_FOREACH(ctx, &inst->ctx_list, next)
		pending |= ctx->offer_pending;
	if (pending && !inst->stopping &&
	    rte_eal_alarm_set(VSC_MONITOR_RETRY_US, vsc_monitor_retry_alarm,
			      inst) != 0)
		DRV_LOG(ERR, "%s: cannot schedule a retry: %s",
			rte_dev_name(inst->dev), strerror(rte_errno));
}

/** Retry what failed, as if the link socket were readable. */
static void
vsc_monitor_retry_alarm(void *arg)
{
	struct vdev_netvsc_instance *inst = arg;

	pthread_mutex_lock(&vdev_netvsc_lock);
	if (!inst->stopping) {
		vdev_netvsc_monitor_handle(inst);
		vsc_monitor_retry_arm(inst);
	}
	pthread_mutex_unlock(&vdev_netvsc_lock);
}

/** The link socket is readable: handle it under the lock. */
static void
vsc_monitor_intr(void *arg)
{
	struct vdev_netvsc_instance *inst = arg;

	pthread_mutex_lock(&vdev_netvsc_lock);
	vdev_netvsc_monitor_handle(inst);
	/* one retry alarm at a time: a readable socket may come first */
	rte_eal_alarm_cancel(vsc_monitor_retry_alarm, inst);
	vsc_monitor_retry_arm(inst);
	pthread_mutex_unlock(&vdev_netvsc_lock);
}

/** Deferred from an ethdev event: see what fail-safe runs on now. */
static void
vsc_monitor_ethdev_alarm(void *arg)
{
	struct vdev_netvsc_instance *inst = arg;
	struct vdev_netvsc_ctx *ctx;

	pthread_mutex_lock(&vdev_netvsc_lock);
	LIST_FOREACH(ctx, &inst->ctx_list, next) {
		struct vdev_netvsc_link link;
		bool alive;

		alive = ctx->vf_ifindex != 0 &&
			vdev_netvsc_nl_link_get(inst->nl, ctx->vf_ifindex,
						NULL, &link) == 0;
		vdev_netvsc_ctx_reoffer(ctx, alive);
	}
	/* a line offered again may not have been written */
	rte_eal_alarm_cancel(vsc_monitor_retry_alarm, inst);
	vsc_monitor_retry_arm(inst);
	pthread_mutex_unlock(&vdev_netvsc_lock);
}

/**
 * A port was created or destroyed, maybe a VF sub-device of ours. Runs in
 * whatever thread did it: only defer to the interrupt thread.
 */
static int
vsc_monitor_ethdev_event(uint16_t port_id __rte_unused,
			 enum rte_eth_event_type event __rte_unused,
			 void *arg, void *ret_param __rte_unused)
{
	struct vdev_netvsc_instance *inst = arg;

	if (!inst->stopping)
		rte_eal_alarm_set(1, vsc_monitor_ethdev_alarm, inst);
	return 0;
}

static void
vsc_monitor_ethdev_unregister(struct vdev_netvsc_instance *inst)
{
	static const enum rte_eth_event_type events[] = {
		RTE_ETH_EVENT_NEW, RTE_ETH_EVENT_DESTROY,
	};
	unsigned int i;

	for (i = 0; i != RTE_DIM(events); ++i)
		while (rte_eth_dev_callback_unregister(RTE_ETH_ALL, events[i],
				vsc_monitor_ethdev_event, inst) == -EAGAIN)
			rte_pause();
}

/**
 * Hand the link socket (opened before the snapshot, so that no event is
 * lost in between) to the EAL interrupt thread, and listen to ethdev
 * events.
 *
 * @param[in, out] inst
 *   The instance, its contexts created.
 * @return
 *   0 or a negative errno; on error, as after vdev_netvsc_monitor_stop().
 */
int
vdev_netvsc_monitor_start(struct vdev_netvsc_instance *inst)
{
	int ret;

	inst->intr = VSC_ALLOC(NULL,
		rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE));
	if (inst->intr == NULL) {
		ret = -ENOMEM;
		goto stop;
	}
	if (rte_intr_fd_set(inst->intr,
			    vdev_netvsc_nl_monitor_fd(inst->mon)) != 0 ||
	    rte_intr_type_set(inst->intr, RTE_INTR_HANDLE_EXT) != 0) {
		ret = -rte_errno;
		goto stop;
	}
	ret = rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_NEW,
					    vsc_monitor_ethdev_event, inst);
	if (ret == 0)
		ret = rte_eth_dev_callback_register(RTE_ETH_ALL,
						    RTE_ETH_EVENT_DESTROY,
						    vsc_monitor_ethdev_event,
						    inst);
	if (ret == 0)
		ret = rte_intr_callback_register(inst->intr, vsc_monitor_intr,
						 inst);
	if (ret != 0)
		goto stop;
	/*
	 * A VF offered at creation may not have been written. The interrupt
	 * thread may already handle the link socket: under the lock.
	 */
	pthread_mutex_lock(&vdev_netvsc_lock);
	vsc_monitor_retry_arm(inst);
	pthread_mutex_unlock(&vdev_netvsc_lock);
	return 0;
stop:
	/* an ethdev event may have deferred work to an alarm already */
	vdev_netvsc_monitor_stop(inst);
	DRV_LOG(ERR, "%s: cannot listen to events: %s", rte_dev_name(inst->dev),
		strerror(-ret));
	return ret;
}

/**
 * Stop listening: after this, nothing of the instance runs on the
 * interrupt thread.
 *
 * @param[in, out] inst
 *   The instance.
 */
void
vdev_netvsc_monitor_stop(struct vdev_netvsc_instance *inst)
{
	inst->stopping = true;
	if (inst->intr != NULL) {
		vsc_monitor_ethdev_unregister(inst);
		/* -EAGAIN while the callback runs: wait for it to return. */
		while (rte_intr_callback_unregister(inst->intr,
				vsc_monitor_intr, inst) == -EAGAIN)
			rte_pause();
		rte_intr_instance_free(inst->intr);
		inst->intr = NULL;
	}
	rte_eal_alarm_cancel(vsc_monitor_ethdev_alarm, inst);
	rte_eal_alarm_cancel(vsc_monitor_retry_alarm, inst);
	vdev_netvsc_nl_monitor_close(inst->mon);
	inst->mon = NULL;
}
