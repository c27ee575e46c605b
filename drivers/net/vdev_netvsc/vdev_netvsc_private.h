/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

#ifndef VDEV_NETVSC_PRIVATE_H
#define VDEV_NETVSC_PRIVATE_H

#include <net/if.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_ether.h>
#include <rte_ethdev.h>

#include "vdev_netvsc_compat.h"

#define VDEV_NETVSC_DRIVER net_vdev_netvsc
#define VDEV_NETVSC_DRIVER_NAME RTE_STR(VDEV_NETVSC_DRIVER)
#define VDEV_NETVSC_DRIVER_ALIAS "eth_vdev_netvsc"

/** Hyper-V class GUID of synthetic network devices (sysfs class_id). */
#define VDEV_NETVSC_CLASS_ID "{f8615163-df3e-46c5-913f-f2d2f965ed0e}"

/** Microsoft Azure Network Adapter: one PCI device, several ports by MAC. */
#define VDEV_NETVSC_MANA_VENDOR 0x1414
#define VDEV_NETVSC_MANA_DEVICE 0x00ba

/** Fail-safe port and tap sub-device names: PREFIX<N>. */
#define VDEV_NETVSC_PORT_PREFIX "net_failsafe_vsc"
#define VDEV_NETVSC_TAP_PREFIX "net_tap_vsc"

/** At most this many iface= and as many mac= per instance. */
#define VDEV_NETVSC_MAX_NAMES 16
/** "dddd:bb:dd.f" and a terminator, with room for a long domain. */
#define VDEV_NETVSC_PCI_ADDR_LEN 32
/** Longest line offered to fail-safe: "<pci>,mac=<MAC>\n". */
#define VDEV_NETVSC_LINE_LEN 64

/*
 * vdev_netvsc_args.c
 */

/** Devargs of one instance, parsed once. */
struct vdev_netvsc_args {
	char iface[VDEV_NETVSC_MAX_NAMES][IF_NAMESIZE]; /**< iface= values */
	unsigned int iface_n; /**< number of iface= */
	struct rte_ether_addr mac[VDEV_NETVSC_MAX_NAMES]; /**< mac= values */
	unsigned int mac_n; /**< number of mac= */
	bool force; /**< take named interfaces that are not NetVSC */
	bool ignore; /**< do nothing at all */
	uint64_t hotplug_poll; /**< fail-safe poll in ms, 0 for its default */
};

/* The device arguments, and how the PMD info names them. */
#define VDEV_NETVSC_ARG_IFACE "iface"
#define VDEV_NETVSC_ARG_MAC "mac"
#define VDEV_NETVSC_ARG_FORCE "force"
#define VDEV_NETVSC_ARG_IGNORE "ignore"
#define VDEV_NETVSC_ARG_HOTPLUG_POLL "hotplug_poll"
#define VDEV_NETVSC_PARAMS \
	VDEV_NETVSC_ARG_IFACE "=<string> " VDEV_NETVSC_ARG_MAC "=<string> " \
	VDEV_NETVSC_ARG_FORCE "=<int> " VDEV_NETVSC_ARG_IGNORE "=<int> " \
	VDEV_NETVSC_ARG_HOTPLUG_POLL "=<int>"

int vdev_netvsc_args_parse(const char *devargs, struct vdev_netvsc_args *args);
bool vdev_netvsc_args_named(const struct vdev_netvsc_args *args);

/*
 * vdev_netvsc_sysfs.c
 */

/** PCI identity of a netdevice whose sysfs device is on the PCI bus. */
struct vdev_netvsc_pci {
	char addr[VDEV_NETVSC_PCI_ADDR_LEN]; /**< sysfs name, e.g. cf63:00:02.0 */
	uint16_t vendor; /**< PCI vendor ID */
	uint16_t device; /**< PCI device ID */
};

/** Netdevice names, as a sysfs listing gives them. */
struct vdev_netvsc_names {
	char (*name)[IF_NAMESIZE]; /**< array of count names */
	unsigned int count; /**< names listed */
	unsigned int size; /**< names allocated */
};

const char *vdev_netvsc_sysfs_root(void);
int vdev_netvsc_sysfs_netvsc_list(struct vdev_netvsc_names *names);
int vdev_netvsc_sysfs_pci_list(struct vdev_netvsc_names *names);
void vdev_netvsc_names_free(struct vdev_netvsc_names *names);
int vdev_netvsc_sysfs_is_netvsc(const char *ifname);
int vdev_netvsc_sysfs_pci(const char *ifname, struct vdev_netvsc_pci *pci);
int vdev_netvsc_sysfs_upper(const char *ifname, char *upper, size_t size);

/*
 * vdev_netvsc_nl.c: the only file that talks netlink (through libnl).
 */

/** What netlink says of one netdevice. */
struct vdev_netvsc_link {
	int ifindex; /**< stable key: names change */
	int master; /**< ifindex of the master, 0 when none */
	char name[IF_NAMESIZE]; /**< current name */
	struct rte_ether_addr mac; /**< hardware address */
};

struct vdev_netvsc_nl;
struct vdev_netvsc_nl_monitor;

/** Called with each link of a dump; non-zero stops the walk. */
typedef int (vdev_netvsc_nl_link_cb)(const struct vdev_netvsc_link *link,
				     void *arg);
/** One link event. */
struct vdev_netvsc_link_change {
	struct vdev_netvsc_link link; /**< the netdevice after the change */
	bool removed; /**< it is gone (RTM_DELLINK) */
};

struct vdev_netvsc_nl *vdev_netvsc_nl_open(void);
void vdev_netvsc_nl_close(struct vdev_netvsc_nl *nl);
int vdev_netvsc_nl_link_get(struct vdev_netvsc_nl *nl, int ifindex,
			    const char *name, struct vdev_netvsc_link *link);
int vdev_netvsc_nl_link_dump(struct vdev_netvsc_nl *nl,
			     vdev_netvsc_nl_link_cb *cb, void *arg);
int vdev_netvsc_nl_routed(struct vdev_netvsc_nl *nl, int ifindex);
int vdev_netvsc_nl_tc_check(char *missing, size_t size);

struct vdev_netvsc_nl_monitor *vdev_netvsc_nl_monitor_open(void);
void vdev_netvsc_nl_monitor_close(struct vdev_netvsc_nl_monitor *mon);
int vdev_netvsc_nl_monitor_fd(const struct vdev_netvsc_nl_monitor *mon);
int vdev_netvsc_nl_monitor_next(struct vdev_netvsc_nl_monitor *mon,
				struct vdev_netvsc_link_change *change);

/*
 * vdev_netvsc_snapshot.c: what the system looks like now.
 */

/** What a netdevice is to this driver. */
enum vdev_netvsc_kind {
	VDEV_NETVSC_KIND_OTHER, /**< neither of the below */
	VDEV_NETVSC_KIND_NETVSC, /**< synthetic NetVSC netdevice */
	VDEV_NETVSC_KIND_PCI, /**< on the PCI bus: a VF candidate */
};

/** One netdevice of a snapshot. */
struct vdev_netvsc_netdev {
	struct vdev_netvsc_link link; /**< from netlink */
	enum vdev_netvsc_kind kind; /**< from sysfs */
	bool routed; /**< IPv4 or non-link-local IPv6 address */
	struct vdev_netvsc_pci pci; /**< when kind is PCI */
};

/**
 * The netdevices that matter to one instance: the NetVSCs, the named
 * interfaces and the VF candidates, or every netdevice after a full dump;
 * and what each iface= names, resolved once: names change.
 */
struct vdev_netvsc_snapshot {
	struct vdev_netvsc_netdev *netdev; /**< array of count entries */
	unsigned int count; /**< entries in use */
	unsigned int size; /**< entries allocated */
	/** ifindex of the netdevice each iface= names, 0 when none */
	int iface_ifindex[VDEV_NETVSC_MAX_NAMES];
};

int vdev_netvsc_snapshot_take(struct vdev_netvsc_snapshot *snap,
			      const struct vdev_netvsc_args *args,
			      struct vdev_netvsc_nl *nl);
void vdev_netvsc_snapshot_free(struct vdev_netvsc_snapshot *snap);
struct vdev_netvsc_netdev *
vdev_netvsc_snapshot_find(const struct vdev_netvsc_snapshot *snap,
			  int ifindex);
struct vdev_netvsc_netdev *
vdev_netvsc_snapshot_find_name(const struct vdev_netvsc_snapshot *snap,
			       const char *name);
struct vdev_netvsc_netdev *
vdev_netvsc_snapshot_find_mac(const struct vdev_netvsc_snapshot *snap,
			      enum vdev_netvsc_kind kind,
			      const struct rte_ether_addr *mac);
int vdev_netvsc_snapshot_put(struct vdev_netvsc_snapshot *snap,
			     const struct vdev_netvsc_netdev *netdev);
void vdev_netvsc_snapshot_del(struct vdev_netvsc_snapshot *snap, int ifindex);
int vdev_netvsc_snapshot_classify(struct vdev_netvsc_netdev *netdev);

/*
 * vdev_netvsc_select.c: pure decisions over a snapshot.
 */

int vdev_netvsc_select(const struct vdev_netvsc_args *args,
		       const struct vdev_netvsc_snapshot *snap,
		       int *ifindex, unsigned int max, unsigned int *count);
const struct vdev_netvsc_netdev *
vdev_netvsc_vf_find(const struct vdev_netvsc_snapshot *snap,
		    const struct vdev_netvsc_netdev *netvsc);
int vdev_netvsc_vf_line(const struct vdev_netvsc_netdev *vf,
			char *line, size_t size);

/*
 * vdev_netvsc_context.c: one fail-safe port per NetVSC taken.
 */

/** One NetVSC taken by an instance, and its fail-safe port. */
struct vdev_netvsc_ctx {
	LIST_ENTRY(vdev_netvsc_ctx) next; /**< in the instance's list */
	int ifindex; /**< the NetVSC's ifindex: stable, names are not */
	char if_name[IF_NAMESIZE]; /**< its current name */
	struct rte_ether_addr mac; /**< its MAC, given to fail-safe */
	unsigned int id; /**< N of net_failsafe_vsc<N> */
	char port_name[RTE_ETH_NAME_MAX_LEN]; /**< net_failsafe_vsc<N> */
	int pipe[2]; /**< fail-safe reads pipe[0] with fd(N) */
	int vf_ifindex; /**< the VF offered, 0 when none */
	char vf_pci[VDEV_NETVSC_PCI_ADDR_LEN]; /**< its PCI address */
	char vf_line[VDEV_NETVSC_LINE_LEN]; /**< the line offered */
	bool vf_attached; /**< fail-safe runs on the VF */
	uint64_t offers; /**< lines written to the pipe */
	bool offer_pending; /**< vf_line could not be written: retry */
};

/** Fail-safe port options shared by the contexts of one instance. */
struct vdev_netvsc_port_opts {
	bool tap; /**< add the tap sub-device (kernel supports remote=) */
	uint64_t hotplug_poll; /**< fail-safe poll in ms, 0 for default */
};

struct vdev_netvsc_ctx *
vdev_netvsc_ctx_create(const struct vdev_netvsc_netdev *netvsc,
		       const struct vdev_netvsc_netdev *vf,
		       const struct vdev_netvsc_port_opts *opts);
void vdev_netvsc_ctx_destroy(struct vdev_netvsc_ctx *ctx,
			     const struct rte_device *owner);
void vdev_netvsc_ctx_offer(struct vdev_netvsc_ctx *ctx,
			   const struct vdev_netvsc_netdev *vf);
void vdev_netvsc_ctx_reoffer(struct vdev_netvsc_ctx *ctx, bool vf_alive);

/*
 * vdev_netvsc_failsafe.c: which fail-safe serves our ports.
 */

/** Fixes of fail-safe's VF removal path that a fail-safe must carry. */
#define VDEV_NETVSC_FAILSAFE_FIXES 4

void vdev_netvsc_failsafe_check(const char *port_name);

/*
 * vdev_netvsc.c and vdev_netvsc_monitor.c: instances and their events.
 */

/** One probed net_vdev_netvsc device. */
struct vdev_netvsc_instance {
	TAILQ_ENTRY(vdev_netvsc_instance) next; /**< in the global list */
	const struct rte_device *dev; /**< our vdev */
	struct vdev_netvsc_args args; /**< its devargs */
	struct vdev_netvsc_snapshot snap; /**< kept current by the monitor */
	LIST_HEAD(, vdev_netvsc_ctx) ctx_list; /**< NetVSCs taken */
	struct vdev_netvsc_nl *nl; /**< netlink query socket */
	struct vdev_netvsc_nl_monitor *mon; /**< link event socket */
	struct rte_intr_handle *intr; /**< mon's fd on the interrupt thread */
	bool stopping; /**< remove under way: defer nothing more */
	uint64_t events; /**< link events handled */
	uint64_t resyncs; /**< resyncs after lost events */
	bool resync_pending; /**< a resync or an event failed: retry */
};

/** Probed instances, in probe order. */
TAILQ_HEAD(vdev_netvsc_instance_list, vdev_netvsc_instance);
extern struct vdev_netvsc_instance_list vdev_netvsc_instances;
/**
 * Held by whoever changes instances or contexts once they are listed (the
 * interrupt thread, remove) and by telemetry, which reads them.
 */
extern pthread_mutex_t vdev_netvsc_lock;

int vdev_netvsc_monitor_start(struct vdev_netvsc_instance *inst);
void vdev_netvsc_monitor_stop(struct vdev_netvsc_instance *inst);
void vdev_netvsc_monitor_handle(struct vdev_netvsc_instance *inst);

#endif /* VDEV_NETVSC_PRIVATE_H */
