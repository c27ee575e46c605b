/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Decisions over a snapshot, without touching the system: which NetVSCs an
 * instance takes, which netdevice is the VF of a NetVSC, and what line tells
 * fail-safe about it.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ether.h>

#include "vdev_netvsc_private.h"

/** Add an ifindex to the selection once; -E2BIG when full. */
static int
vsc_select_add(int *ifindex, unsigned int max, unsigned int *count, int idx)
{
	unsigned int i;

	for (i = 0; i != *count; ++i)
		if (ifindex[i] == idx)
			return 0;
	if (*count == max)
		return -E2BIG;
	ifindex[(*count)++] = idx;
	return 0;
}

/** The NetVSC a VF belongs to: its master, else the NetVSC of its MAC. */
static const struct vdev_netvsc_netdev *
vsc_select_vf_owner(const struct vdev_netvsc_snapshot *snap,
		    const struct vdev_netvsc_netdev *vf)
{
	const struct vdev_netvsc_netdev *master;

	master = vdev_netvsc_snapshot_find(snap, vf->link.master);
	if (master != NULL && master->kind == VDEV_NETVSC_KIND_NETVSC)
		return master;
	return vdev_netvsc_snapshot_find_mac(snap, VDEV_NETVSC_KIND_NETVSC,
					     &vf->link.mac);
}

/** Take a named netdevice, warning when the kernel uses it. */
static int
vsc_select_named(const struct vdev_netvsc_netdev *netdev, const char *how,
		 int *ifindex, unsigned int max, unsigned int *count)
{
	if (netdev->routed)
		DRV_LOG(WARNING, "%s: %s carries IP addresses, taken anyway as it"
			" is named", how, netdev->link.name);
	return vsc_select_add(ifindex, max, count, netdev->link.ifindex);
}

/** Take what the @p i th iface= names, as the snapshot resolved it. */
static int
vsc_select_iface(const struct vdev_netvsc_args *args,
		 const struct vdev_netvsc_snapshot *snap, unsigned int i,
		 int *ifindex, unsigned int max, unsigned int *count)
{
	const struct vdev_netvsc_netdev *netdev;
	const struct vdev_netvsc_netdev *owner;
	char how[IF_NAMESIZE + 8];

	snprintf(how, sizeof(how), "iface=%s", args->iface[i]);
	netdev = snap->iface_ifindex[i] != 0 ?
		vdev_netvsc_snapshot_find(snap, snap->iface_ifindex[i]) : NULL;
	if (netdev == NULL) {
		DRV_LOG(ERR, "%s: no such interface", how);
		return -ENODEV;
	}
	if (netdev->kind == VDEV_NETVSC_KIND_NETVSC)
		return vsc_select_named(netdev, how, ifindex, max, count);
	if (netdev->kind == VDEV_NETVSC_KIND_PCI) {
		owner = vsc_select_vf_owner(snap, netdev);
		if (owner != NULL) {
			DRV_LOG(NOTICE, "%s: a VF of NetVSC %s, taking %s", how,
				owner->link.name, owner->link.name);
			return vsc_select_named(owner, how, ifindex, max, count);
		}
	}
	if (args->force)
		return vsc_select_named(netdev, how, ifindex, max, count);
	DRV_LOG(ERR, "%s: not a NetVSC interface (force=1 takes it anyway)",
		how);
	return -ENODEV;
}

/** Resolve one mac= value: the NetVSC of that MAC, else with force any. */
static int
vsc_select_mac(const struct vdev_netvsc_args *args,
	       const struct vdev_netvsc_snapshot *snap,
	       const struct rte_ether_addr *mac,
	       int *ifindex, unsigned int max, unsigned int *count)
{
	const struct vdev_netvsc_netdev *other = NULL;
	char how[RTE_ETHER_ADDR_FMT_SIZE + 4];
	unsigned int i;

	strcpy(how, "mac=");
	rte_ether_format_addr(how + 4, sizeof(how) - 4, mac);
	for (i = 0; i != snap->count; ++i) {
		const struct vdev_netvsc_netdev *netdev = &snap->netdev[i];

		if (!rte_is_same_ether_addr(&netdev->link.mac, mac))
			continue;
		if (netdev->kind == VDEV_NETVSC_KIND_NETVSC)
			return vsc_select_named(netdev, how, ifindex, max,
						count);
		/* A VF shares the MAC of its NetVSC: prefer anything else. */
		if (other == NULL || other->kind == VDEV_NETVSC_KIND_PCI)
			other = netdev;
	}
	if (other != NULL && args->force)
		return vsc_select_named(other, how, ifindex, max, count);
	if (other != NULL)
		DRV_LOG(ERR, "%s: %s is not a NetVSC interface (force=1 takes it"
			" anyway)", how, other->link.name);
	else
		DRV_LOG(ERR, "%s: no interface has this address", how);
	return -ENODEV;
}

/**
 * Choose the netdevices an instance takes.
 *
 * Without iface= or mac=, every NetVSC the kernel does not use; otherwise
 * exactly the named ones, each of which must exist.
 *
 * @param[in] args
 *   The instance's devargs.
 * @param[in] snap
 *   A snapshot taken for these devargs: iface= values are resolved there.
 * @param[out] ifindex
 *   The ifindexes taken, in the order named.
 * @param[in] max
 *   Room in @p ifindex.
 * @param[out] count
 *   Number taken.
 * @return
 *   0, -ENODEV when a named interface does not qualify (logged), or
 *   -E2BIG when more than @p max are taken.
 */
int
vdev_netvsc_select(const struct vdev_netvsc_args *args,
		   const struct vdev_netvsc_snapshot *snap,
		   int *ifindex, unsigned int max, unsigned int *count)
{
	unsigned int i;
	int ret = 0;

	*count = 0;
	if (vdev_netvsc_args_named(args)) {
		for (i = 0; i != args->iface_n && ret == 0; ++i)
			ret = vsc_select_iface(args, snap, i, ifindex, max,
					       count);
		for (i = 0; i != args->mac_n && ret == 0; ++i)
			ret = vsc_select_mac(args, snap, &args->mac[i],
					     ifindex, max, count);
		return ret;
	}
	for (i = 0; i != snap->count && ret == 0; ++i) {
		const struct vdev_netvsc_netdev *netdev = &snap->netdev[i];

		if (netdev->kind != VDEV_NETVSC_KIND_NETVSC)
			continue;
		if (netdev->routed) {
			DRV_LOG(INFO, "%s: skipped, in use by the kernel (IPv4 or"
				" global IPv6 address); name it with iface= to"
				" take it", netdev->link.name);
			continue;
		}
		ret = vsc_select_add(ifindex, max, count, netdev->link.ifindex);
	}
	return ret;
}

/**
 * The VF of a NetVSC: the PCI netdevice enslaved to it, else the PCI
 * netdevice with its MAC address and no master.
 *
 * @return
 *   The VF, or NULL when there is none.
 */
const struct vdev_netvsc_netdev *
vdev_netvsc_vf_find(const struct vdev_netvsc_snapshot *snap,
		    const struct vdev_netvsc_netdev *netvsc)
{
	const struct vdev_netvsc_netdev *by_mac = NULL;
	unsigned int i;

	if (netvsc == NULL)
		return NULL;
	for (i = 0; i != snap->count; ++i) {
		const struct vdev_netvsc_netdev *netdev = &snap->netdev[i];

		if (netdev->kind != VDEV_NETVSC_KIND_PCI ||
		    netdev->link.ifindex == netvsc->link.ifindex)
			continue;
		if (netdev->link.master == netvsc->link.ifindex)
			return netdev;
		if (by_mac == NULL && netdev->link.master == 0 &&
		    rte_is_same_ether_addr(&netdev->link.mac,
					   &netvsc->link.mac))
			by_mac = netdev;
	}
	return by_mac;
}

/**
 * The line that tells fail-safe where a VF is: its PCI address, plus the
 * port's MAC for MANA, whose one PCI device carries several ports.
 *
 * @param[in] vf
 *   The VF.
 * @param[out] line
 *   The line, newline-terminated.
 * @param[in] size
 *   Size of @p line.
 * @return
 *   0, or -ENAMETOOLONG.
 */
int
vdev_netvsc_vf_line(const struct vdev_netvsc_netdev *vf,
		    char *line, size_t size)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	int n;

	if (vf->pci.vendor == VDEV_NETVSC_MANA_VENDOR &&
	    vf->pci.device == VDEV_NETVSC_MANA_DEVICE) {
		rte_ether_format_addr(mac, sizeof(mac), &vf->link.mac);
		n = snprintf(line, size, "%s,mac=%s\n", vf->pci.addr, mac);
	} else {
		n = snprintf(line, size, "%s\n", vf->pci.addr);
	}
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
