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

/**
 * Add a netdevice sysfs listed as a NetVSC or on the PCI bus, unless
 * netlink does not know it or it is listed already.
 *
 * @return
 *   0 or a negative errno.
 */
static int
vsc_take_listed(struct vdev_netvsc_snapshot *snap, struct vdev_netvsc_nl *nl,
		const char *ifname, enum vdev_netvsc_kind kind)
{
	struct vdev_netvsc_netdev netdev = { .kind = kind };
	int ret;

	ret = vdev_netvsc_nl_link_get(nl, 0, ifname, &netdev.link);
	if (ret == -ENODEV)
		return 0; /* gone already, or in another namespace */
	if (ret != 0)
		return ret;
	if (vdev_netvsc_snapshot_find(snap, netdev.link.ifindex) != NULL)
		return 0;
	if (kind == VDEV_NETVSC_KIND_PCI) {
		ret = vdev_netvsc_sysfs_pci(ifname, &netdev.pci);
		if (ret != 0) {
			if (ret != -ENODEV)
				vsc_pci_unreadable(ifname, ret);
			return 0;
		}
	}
	return vdev_netvsc_snapshot_put(snap, &netdev);
}

/** Add the netdevices of a sysfs listing, all of one kind. */
static int
vsc_take_list(struct vdev_netvsc_snapshot *snap, struct vdev_netvsc_nl *nl,
	      const struct vdev_netvsc_names *names,
	      enum vdev_netvsc_kind kind)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i != names->count && ret == 0; ++i)
		ret = vsc_take_listed(snap, nl, names->name[i], kind);
	return ret;
}

/** Add a netdevice of a kind told by sysfs, if not listed yet. */
static int
vsc_take_link(struct vdev_netvsc_snapshot *snap,
	      const struct vdev_netvsc_link *link)
{
	struct vdev_netvsc_netdev netdev = { .link = *link };

	if (vdev_netvsc_snapshot_find(snap, link->ifindex) != NULL)
		return 0;
	vdev_netvsc_snapshot_classify(&netdev);
	return vdev_netvsc_snapshot_put(snap, &netdev);
}

/**
 * Resolve each iface= to the ifindex of the netdevice of that name, once:
 * every later step goes by ifindex. Each is listed, with its master (a
 * VF's NetVSC).
 */
static int
vsc_take_ifaces(struct vdev_netvsc_snapshot *snap, struct vdev_netvsc_nl *nl,
		const struct vdev_netvsc_args *args)
{
	struct vdev_netvsc_link link;
	unsigned int i;
	int ret;

	for (i = 0; i != args->iface_n; ++i) {
		ret = vdev_netvsc_nl_link_get(nl, 0, args->iface[i], &link);
		if (ret == -ENODEV)
			continue; /* 0: select says there is no such one */
		if (ret == 0)
			ret = vsc_take_link(snap, &link);
		if (ret != 0)
			return ret;
		snap->iface_ifindex[i] = link.ifindex;
		/* 0 is no master; below, no netdevice (numbered from 1) */
		if (link.master <= 0 ||
		    vdev_netvsc_snapshot_find(snap, link.master) != NULL)
			continue;
		ret = vdev_netvsc_nl_link_get(nl, link.master, NULL, &link);
		if (ret == 0)
			ret = vsc_take_link(snap, &link);
		if (ret != 0 && ret != -ENODEV)
			return ret;
	}
	return 0;
}

/** Whether an address is a mac= one, or that of a non-NetVSC listed. */
static bool
vsc_take_wants_mac(const struct vdev_netvsc_snapshot *snap,
		   const struct vdev_netvsc_args *args,
		   const struct rte_ether_addr *mac)
{
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

/** A full dump being read into a snapshot. */
struct vsc_dump {
	struct vdev_netvsc_snapshot *snap; /**< being filled */
	const struct vdev_netvsc_args *args; /**< its mac= */
};

/** One link of a full dump: listed, classified only when it may matter. */
static int
vsc_take_dumped(const struct vdev_netvsc_link *link, void *opaque)
{
	struct vsc_dump *dump = opaque;
	struct vdev_netvsc_netdev netdev = {
		.link = *link,
		.kind = VDEV_NETVSC_KIND_OTHER,
	};

	if (vdev_netvsc_snapshot_find(dump->snap, link->ifindex) != NULL)
		return 0;
	if (vsc_take_wants_mac(dump->snap, dump->args, &link->mac))
		vdev_netvsc_snapshot_classify(&netdev);
	return vdev_netvsc_snapshot_put(dump->snap, &netdev);
}

/**
 * Whether a mac= names an address that no NetVSC listed has: only a full
 * dump can tell whether another netdevice (force=1) has it, or none.
 */
static bool
vsc_take_mac_unmatched(const struct vdev_netvsc_snapshot *snap,
		       const struct vdev_netvsc_args *args)
{
	unsigned int i;

	for (i = 0; i != args->mac_n; ++i)
		if (vdev_netvsc_snapshot_find_mac(snap,
				VDEV_NETVSC_KIND_NETVSC, &args->mac[i]) == NULL)
			return true;
	return false;
}

/** Whether the routed state of a netdevice matters to a selection. */
static bool
vsc_take_needs_routed(const struct vdev_netvsc_snapshot *snap,
		      const struct vdev_netvsc_args *args,
		      const struct vdev_netvsc_netdev *netdev)
{
	unsigned int i;

	if (netdev->kind == VDEV_NETVSC_KIND_NETVSC)
		return true;
	for (i = 0; i != args->iface_n; ++i)
		if (snap->iface_ifindex[i] == netdev->link.ifindex)
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

/** Ask netlink whether the netdevices that matter carry addresses. */
static int
vsc_take_routed(struct vdev_netvsc_snapshot *snap, struct vdev_netvsc_nl *nl,
		const struct vdev_netvsc_args *args)
{
	unsigned int i;
	int ret;

	for (i = 0; i != snap->count; ++i) {
		struct vdev_netvsc_netdev *netdev = &snap->netdev[i];

		if (!vsc_take_needs_routed(snap, args, netdev))
			continue;
		ret = vdev_netvsc_nl_routed(nl, netdev->link.ifindex);
		if (ret < 0)
			return ret;
		netdev->routed = ret;
	}
	return 0;
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
 *   0 or a negative errno (logged).
 */
int
vdev_netvsc_snapshot_take(struct vdev_netvsc_snapshot *snap,
			  const struct vdev_netvsc_args *args,
			  struct vdev_netvsc_nl *nl)
{
	struct vdev_netvsc_names netvscs, pcis;
	struct vsc_dump dump = { .snap = snap, .args = args };
	int ret;

	memset(snap, 0, sizeof(*snap));
	/* A tree sysfs does not list has no such netdevice: not an error. */
	ret = vdev_netvsc_sysfs_netvsc_list(&netvscs);
	if (ret != -ENOMEM)
		ret = vdev_netvsc_sysfs_pci_list(&pcis);
	if (ret == -ENOMEM) {
		vdev_netvsc_names_free(&netvscs);
		goto error;
	}
	ret = vsc_take_list(snap, nl, &netvscs, VDEV_NETVSC_KIND_NETVSC);
	if (ret == 0)
		ret = vsc_take_list(snap, nl, &pcis, VDEV_NETVSC_KIND_PCI);
	vdev_netvsc_names_free(&netvscs);
	vdev_netvsc_names_free(&pcis);
	if (ret == 0)
		ret = vsc_take_ifaces(snap, nl, args);
	/* A mac= no NetVSC has: its netdevices, and VFs' peers, in a dump. */
	if (ret == 0 && vsc_take_mac_unmatched(snap, args))
		ret = vdev_netvsc_nl_link_dump(nl, vsc_take_dumped, &dump);
	if (ret != 0)
		goto error;
	vsc_take_uppers(snap);
	ret = vsc_take_routed(snap, nl, args);
	if (ret != 0)
		goto error;
	return 0;
error:
	DRV_LOG(ERR, "cannot take a snapshot of netdevices: %s",
		strerror(-ret));
	vdev_netvsc_snapshot_free(snap);
	return ret;
}
