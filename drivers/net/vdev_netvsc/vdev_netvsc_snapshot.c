/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * One snapshot of the system: the netdevices that matter to an instance,
 * from netlink (links, addresses) and sysfs (NetVSC or PCI). The work is
 * proportional to the NetVSC and PCI netdevices the sysfs buses list, not
 * to every netdevice (class/net is the fallback when there is no VMBus
 * tree); a full link dump is made for a mac= that is no NetVSC's.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "vdev_netvsc_fault.h"
#include "vdev_netvsc_private.h"

/** Room for a few NetVSCs and their VFs before growing. */
#define VSC_SNAPSHOT_MIN 16u

/**
 * Find a netdevice by ifindex.
 *
 * @return
 *   The entry, or NULL when the snapshot does not list it.
 */
struct vdev_netvsc_netdev *
vdev_netvsc_snapshot_find(const struct vdev_netvsc_snapshot *snap, int ifindex)
{
	unsigned int i;

	for (i = 0; i != snap->count; ++i)
		if (snap->netdev[i].link.ifindex == ifindex)
			return &snap->netdev[i];
	return NULL;
}

/**
 * Find a netdevice by its current name.
 *
 * @return
 *   The entry, or NULL when the snapshot does not list it.
 */
struct vdev_netvsc_netdev *
vdev_netvsc_snapshot_find_name(const struct vdev_netvsc_snapshot *snap,
			       const char *name)
{
	unsigned int i;

	for (i = 0; i != snap->count; ++i)
		if (strcmp(snap->netdev[i].link.name, name) == 0)
			return &snap->netdev[i];
	return NULL;
}

/**
 * Find a netdevice of a kind by its MAC address.
 *
 * @return
 *   The first such entry, or NULL when the snapshot lists none.
 */
struct vdev_netvsc_netdev *
vdev_netvsc_snapshot_find_mac(const struct vdev_netvsc_snapshot *snap,
			      enum vdev_netvsc_kind kind,
			      const struct rte_ether_addr *mac)
{
	unsigned int i;

	for (i = 0; i != snap->count; ++i)
		if (snap->netdev[i].kind == kind &&
		    rte_is_same_ether_addr(&snap->netdev[i].link.mac, mac))
			return &snap->netdev[i];
	return NULL;
}

/**
 * Add a netdevice, or replace the entry of the same ifindex.
 *
 * @return
 *   0, or -ENOMEM.
 */
int
vdev_netvsc_snapshot_put(struct vdev_netvsc_snapshot *snap,
			 const struct vdev_netvsc_netdev *netdev)
{
	struct vdev_netvsc_netdev *entry;

	entry = vdev_netvsc_snapshot_find(snap, netdev->link.ifindex);
	if (entry != NULL) {
		*entry = *netdev;
		return 0;
	}
	if (snap->count == snap->size) {
		unsigned int size = RTE_MAX(snap->size * 2, VSC_SNAPSHOT_MIN);
		void *grown = VSC_ALLOC(NULL, realloc(snap->netdev,
						 size * sizeof(*entry)));

		if (grown == NULL)
			return -ENOMEM;
		snap->netdev = grown;
		snap->size = size;
	}
	snap->netdev[snap->count++] = *netdev;
	return 0;
}

/** Drop a netdevice from the snapshot; absent is fine. */
void
vdev_netvsc_snapshot_del(struct vdev_netvsc_snapshot *snap, int ifindex)
{
	struct vdev_netvsc_netdev *entry;

	entry = vdev_netvsc_snapshot_find(snap, ifindex);
	if (entry == NULL)
		return;
	*entry = snap->netdev[--snap->count];
}

/** Free what a snapshot holds; it can be taken again. */
void
vdev_netvsc_snapshot_free(struct vdev_netvsc_snapshot *snap)
{
	free(snap->netdev);
	memset(snap, 0, sizeof(*snap));
}

/**
 * Say that a netdevice on the PCI bus could not be read (its sysfs entries
 * went between listing and reading, as when the device is being removed):
 * it is no VF candidate until an event of it comes.
 */
static void
vsc_pci_unreadable(const char *ifname, int err)
{
	DRV_LOG(NOTICE, "%s: PCI device unreadable in sysfs (%s), not taken"
		" as a VF", ifname, strerror(-err));
}

/**
 * Tell from sysfs what a netdevice is.
 *
 * @param[in, out] netdev
 *   Its link must be filled; kind and pci are set.
 * @return
 *   The kind found.
 */
int
vdev_netvsc_snapshot_classify(struct vdev_netvsc_netdev *netdev)
{
	int ret;

	memset(&netdev->pci, 0, sizeof(netdev->pci));
	if (vdev_netvsc_sysfs_is_netvsc(netdev->link.name)) {
		netdev->kind = VDEV_NETVSC_KIND_NETVSC;
		return netdev->kind;
	}
	ret = vdev_netvsc_sysfs_pci(netdev->link.name, &netdev->pci);
	netdev->kind = ret == 0 ? VDEV_NETVSC_KIND_PCI : VDEV_NETVSC_KIND_OTHER;
	if (ret != 0 && ret != -ENODEV)
		vsc_pci_unreadable(netdev->link.name, ret);
	return netdev->kind;
}

/** What a snapshot walk needs. */
struct vsc_take {
	struct vdev_netvsc_snapshot *snap; /**< being filled */
	struct vdev_netvsc_nl *nl; /**< query socket */
	const struct vdev_netvsc_args *args; /**< what the user named */
	enum vdev_netvsc_kind kind; /**< kind of the netdevices listed */
	int err; /**< first hard error */
};

/** Add one netdevice, asked of netlink by name, if not listed yet. */
static int
vsc_take_name(const char *ifname, void *opaque)
{
	struct vsc_take *take = opaque;
	struct vdev_netvsc_netdev netdev = { .kind = take->kind };
	int ret;

	if (vdev_netvsc_snapshot_find_name(take->snap, ifname) != NULL)
		return 0;
	ret = vdev_netvsc_nl_link_get(take->nl, 0, ifname, &netdev.link);
	if (ret == -ENODEV)
		return 0; /* gone already, or in another namespace */
	if (ret == 0 && netdev.kind == VDEV_NETVSC_KIND_PCI) {
		ret = vdev_netvsc_sysfs_pci(ifname, &netdev.pci);
		if (ret != 0) {
			if (ret != -ENODEV)
				vsc_pci_unreadable(ifname, ret);
			return 0;
		}
	}
	if (ret == 0 && netdev.kind == VDEV_NETVSC_KIND_OTHER)
		vdev_netvsc_snapshot_classify(&netdev);
	if (ret == 0)
		ret = vdev_netvsc_snapshot_put(take->snap, &netdev);
	if (ret != 0)
		take->err = ret;
	return ret;
}

/** Add a netdevice by ifindex (a master), if not listed yet. */
static int
vsc_take_index(struct vsc_take *take, int ifindex)
{
	struct vdev_netvsc_netdev netdev = { .kind = VDEV_NETVSC_KIND_OTHER };
	int ret;

	/* 0 is no master; below, no netdevice (the kernel numbers from 1) */
	if (ifindex <= 0 || vdev_netvsc_snapshot_find(take->snap, ifindex))
		return 0;
	ret = vdev_netvsc_nl_link_get(take->nl, ifindex, NULL, &netdev.link);
	if (ret == -ENODEV)
		return 0;
	if (ret != 0)
		return ret;
	vdev_netvsc_snapshot_classify(&netdev);
	return vdev_netvsc_snapshot_put(take->snap, &netdev);
}

/** Whether a full dump must find netdevices by MAC address. */
static bool
vsc_take_wants_mac(const struct vsc_take *take,
		   const struct rte_ether_addr *mac)
{
	const struct vdev_netvsc_args *args = take->args;
	const struct vdev_netvsc_snapshot *snap = take->snap;
	unsigned int i;

	for (i = 0; i != args->mac_n; ++i)
		if (rte_is_same_ether_addr(&args->mac[i], mac))
			return true;
	for (i = 0; i != snap->count; ++i)
		if (snap->netdev[i].kind != VDEV_NETVSC_KIND_NETVSC &&
		    rte_is_same_ether_addr(&snap->netdev[i].link.mac, mac))
			return true;
	return false;
}

/** One link of a full dump: listed, classified only when it may matter. */
static int
vsc_take_dumped(const struct vdev_netvsc_link *link, void *opaque)
{
	struct vsc_take *take = opaque;
	struct vdev_netvsc_netdev netdev = {
		.link = *link,
		.kind = VDEV_NETVSC_KIND_OTHER,
	};

	if (vdev_netvsc_snapshot_find(take->snap, link->ifindex) != NULL)
		return 0;
	if (vsc_take_wants_mac(take, &link->mac))
		vdev_netvsc_snapshot_classify(&netdev);
	take->err = vdev_netvsc_snapshot_put(take->snap, &netdev);
	return take->err;
}

/**
 * Whether a mac= names an address that no NetVSC listed so far has: only a
 * full dump can tell whether another netdevice (force=1) has it, or none.
 */
static bool
vsc_take_mac_unmatched(const struct vsc_take *take)
{
	const struct vdev_netvsc_args *args = take->args;
	unsigned int i;

	for (i = 0; i != args->mac_n; ++i)
		if (vdev_netvsc_snapshot_find_mac(take->snap,
				VDEV_NETVSC_KIND_NETVSC, &args->mac[i]) == NULL)
			return true;
	return false;
}

/** Whether the routed state of a netdevice matters to a selection. */
static bool
vsc_take_needs_routed(const struct vdev_netvsc_args *args,
		      const struct vdev_netvsc_netdev *netdev)
{
	unsigned int i;

	if (netdev->kind == VDEV_NETVSC_KIND_NETVSC)
		return true;
	for (i = 0; i != args->iface_n; ++i)
		if (strcmp(args->iface[i], netdev->link.name) == 0)
			return true;
	for (i = 0; i != args->mac_n; ++i)
		if (rte_is_same_ether_addr(&args->mac[i], &netdev->link.mac))
			return true;
	return false;
}

/** Resolve VF masters given by sysfs upper_ links (netlink said none). */
static void
vsc_take_uppers(struct vdev_netvsc_snapshot *snap)
{
	char upper[IF_NAMESIZE];
	unsigned int i;

	for (i = 0; i != snap->count; ++i) {
		struct vdev_netvsc_netdev *netdev = &snap->netdev[i];
		const struct vdev_netvsc_netdev *master;

		if (netdev->kind != VDEV_NETVSC_KIND_PCI ||
		    netdev->link.master != 0)
			continue;
		if (vdev_netvsc_sysfs_upper(netdev->link.name, upper,
					    sizeof(upper)) != 0)
			continue;
		master = vdev_netvsc_snapshot_find_name(snap, upper);
		if (master != NULL)
			netdev->link.master = master->link.ifindex;
	}
}

/**
 * Take a snapshot of what matters to an instance.
 *
 * NetVSCs come from the VMBus sysfs tree (or, in a sysfs view without it,
 * from class/net and each netdevice's class_id), VF candidates from the
 * PCI tree, named interfaces from targeted netlink queries; a full link
 * dump is made only when a mac= names an address no NetVSC has.
 * The routed state is asked of NetVSC and named netdevices only.
 *
 * @param[out] snap
 *   Filled; free with vdev_netvsc_snapshot_free().
 * @param[in] args
 *   The instance's devargs.
 * @param[in] nl
 *   Query socket.
 * @return
 *   0 or a negative errno.
 */
int
vdev_netvsc_snapshot_take(struct vdev_netvsc_snapshot *snap,
			  const struct vdev_netvsc_args *args,
			  struct vdev_netvsc_nl *nl)
{
	struct vsc_take take = { .snap = snap, .nl = nl, .args = args };
	unsigned int i;
	int ret;

	memset(snap, 0, sizeof(*snap));
	/* from the VMBus tree, else from class/net (a partial sysfs view) */
	take.kind = VDEV_NETVSC_KIND_NETVSC;
	vdev_netvsc_sysfs_netvsc_foreach(vsc_take_name, &take);
	if (take.err != 0)
		goto error;
	take.kind = VDEV_NETVSC_KIND_OTHER; /* classified from sysfs */
	for (i = 0; i != args->iface_n && take.err == 0; ++i) {
		const struct vdev_netvsc_netdev *netdev;

		vsc_take_name(args->iface[i], &take);
		netdev = vdev_netvsc_snapshot_find_name(snap, args->iface[i]);
		if (netdev != NULL && take.err == 0)
			take.err = vsc_take_index(&take, netdev->link.master);
	}
	if (take.err != 0)
		goto error;
	take.kind = VDEV_NETVSC_KIND_PCI;
	vdev_netvsc_sysfs_pci_netdev_foreach(vsc_take_name, &take);
	if (take.err != 0)
		goto error;
	if (vsc_take_mac_unmatched(&take)) {
		/*
		 * A mac= is no NetVSC's: find the netdevices of that MAC (and
		 * the VFs' MAC peers) in one full dump.
		 */
		ret = vdev_netvsc_nl_link_dump(nl, vsc_take_dumped, &take);
		if (ret < 0 || take.err != 0) {
			take.err = ret < 0 ? ret : take.err;
			goto error;
		}
		snap->full = true;
	}
	vsc_take_uppers(snap);
	for (i = 0; i != snap->count; ++i) {
		struct vdev_netvsc_netdev *netdev = &snap->netdev[i];

		if (!vsc_take_needs_routed(args, netdev))
			continue;
		ret = vdev_netvsc_nl_routed(nl, netdev->link.ifindex);
		if (ret < 0) {
			take.err = ret;
			goto error;
		}
		netdev->routed = ret;
	}
	return 0;
error:
	DRV_LOG(ERR, "cannot take a snapshot of netdevices: %s",
		strerror(-take.err));
	vdev_netvsc_snapshot_free(snap);
	return take.err;
}
