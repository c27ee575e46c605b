/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * unit-discovery: vdev_netvsc_snapshot_take() + vdev_netvsc_select() +
 * vdev_netvsc_vf_find() end to end, on real netdevices (netlink) and a
 * matching temporary sysfs tree (kinds).
 *
 * Runs inside a throwaway network namespace (discovery.sh makes it and
 * deletes it) and creates its netdevices there with ip(8): bridges stand
 * in for NetVSCs, veths for VFs.
 *
 * Usage: test_discovery small|big BASE_DIR
 *   small  NetVSCs with VFs by master, by MAC, by sysfs upper_ link;
 *          routed policy; renames; named interfaces; no VMBus tree
 *   big    3000 addressed interfaces + 4 NetVSCs (2 routed): auto mode
 *          must take exactly the 2 unrouted ones, with the kernel
 *          filtering address dumps and without (full dumps read to the
 *          end); snapshot_take timed
 */

#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <rte_ether.h>
#include <rte_log.h>

#include "../test_util.h"
#include "vdev_netvsc_private.h"
#include "tree.h"
#include "unit.h"

/*
 * Defined and registered by vdev_netvsc.c, which these tests do not need:
 * weak, so that this definition neither pulls that object out of the
 * driver's archive nor clashes with it should it come in anyway.
 */
int vdev_netvsc_logtype __attribute__((weak));

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

/*
 * The driver asks the kernel to filter address dumps by ifindex
 * (NETLINK_GET_STRICT_CHK, Linux >= 4.20) and falls back to reading the
 * whole dump. Linked with -Wl,--wrap=setsockopt, the driver's objects call
 * this, so that the fallback can be tested on any kernel.
 */
int __real_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len);
int __wrap_setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len);

static bool refuse_strict;
static unsigned int strict_asked;

int
__wrap_setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	if (level == SOL_NETLINK && name == NETLINK_GET_STRICT_CHK) {
		strict_asked++;
		if (refuse_strict) {
			errno = ENOPROTOOPT; /* as a kernel before 4.20 */
			return -1;
		}
	}
	return __real_setsockopt(fd, level, name, val, len);
}

static char *root;

static void
cleanup(void)
{
	tree_destroy(root);
	root = NULL;
}

/** The number the output of a shell command starts with. */
static long
sh_number(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	long n = -1;

	if (p == NULL || fscanf(p, "%ld", &n) != 1)
		n = -1;
	if (p != NULL)
		pclose(p);
	return n;
}

static int
ifindex_of(const char *name)
{
	int idx = if_nametoindex(name);

	if (idx == 0) {
		fprintf(stderr, "no netdevice %s\n", name);
		exit(1);
	}
	return idx;
}

/** Take a snapshot for @p devargs with a fresh query socket. */
static int
take(const char *devargs, struct vdev_netvsc_snapshot *snap,
     struct vdev_netvsc_args *args)
{
	struct vdev_netvsc_nl *nl;
	int ret;

	if (vdev_netvsc_args_parse(devargs, args) != 0) {
		fprintf(stderr, "devargs \"%s\" rejected\n", devargs);
		exit(1);
	}
	nl = vdev_netvsc_nl_open();
	if (nl == NULL) {
		fprintf(stderr, "vdev_netvsc_nl_open failed\n");
		exit(1);
	}
	ret = vdev_netvsc_snapshot_take(snap, args, nl);
	vdev_netvsc_nl_close(nl);
	return ret;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/**
 * Snapshot + select for @p devargs; the names taken, sorted, comma-joined
 * (from the kernel's ifindex-to-name, not from the snapshot), or
 * "error <n>" when the snapshot or the selection fails.
 */
static const char *
selected(const char *devargs)
{
	static char out[256];
	struct vdev_netvsc_snapshot snap;
	struct vdev_netvsc_args args;
	int ifindex[16];
	char names[16][IF_NAMESIZE];
	const char *sorted[16];
	unsigned int count = 0, i;
	size_t len = 0;
	int ret;

	ret = take(devargs, &snap, &args);
	if (ret != 0) {
		snprintf(out, sizeof(out), "snapshot error %d", ret);
		return out;
	}
	ret = vdev_netvsc_select(&args, &snap, ifindex, RTE_DIM(ifindex),
				 &count);
	vdev_netvsc_snapshot_free(&snap);
	if (ret != 0) {
		snprintf(out, sizeof(out), "error %d", ret);
		return out;
	}
	for (i = 0; i != count; ++i) {
		if (if_indextoname(ifindex[i], names[i]) == NULL)
			snprintf(names[i], IF_NAMESIZE, "#%d", ifindex[i]);
		sorted[i] = names[i];
	}
	qsort(sorted, count, sizeof(sorted[0]), cmp_str);
	out[0] = '\0';
	for (i = 0; i != count; ++i)
		len += snprintf(out + len, sizeof(out) - len, "%s%s",
				i ? "," : "", sorted[i]);
	return out;
}

/** The entry of @p name in a snapshot, checked against the kernel. */
static const struct vdev_netvsc_netdev *
entry(const struct vdev_netvsc_snapshot *snap, const char *name,
      enum vdev_netvsc_kind kind, bool routed)
{
	const struct vdev_netvsc_netdev *nd;
	struct rte_ether_addr mac;

	nd = vdev_netvsc_snapshot_find_name(snap, name);
	CHECK(nd != NULL, "%s not in the snapshot", name);
	if (nd == NULL)
		return NULL;
	mac = test_mac_of(name);
	CHECK(nd->link.ifindex == ifindex_of(name), "%s ifindex %d, kernel %d",
	      name, nd->link.ifindex, ifindex_of(name));
	CHECK(rte_is_same_ether_addr(&nd->link.mac, &mac), "%s MAC", name);
	CHECK(nd->kind == kind, "%s kind %d, expected %d", name, nd->kind,
	      kind);
	CHECK(nd->routed == routed, "%s routed %d, expected %d", name,
	      nd->routed, routed);
	return nd;
}

static const char *
vf_of(const struct vdev_netvsc_snapshot *snap, const char *netvsc)
{
	const struct vdev_netvsc_netdev *vf;

	vf = vdev_netvsc_vf_find(snap,
				 vdev_netvsc_snapshot_find_name(snap, netvsc));
	return vf != NULL ? vf->link.name : "(none)";
}

/*
 * The small guest.
 *
 *   vsc0  NetVSC, IPv4          VF vf0 enslaved to it (mlx5)
 *   vsc1  NetVSC, global IPv6   VF vf1 same MAC, no master (MANA)
 *   vsc2  NetVSC, link-local    no VF; "decoy" (not PCI) has its MAC
 *   vsc3  NetVSC, no address    VF vf3, other MAC, enslaved per sysfs only
 *   plain0  a veth with IPv4, not in sysfs (neither NetVSC nor PCI)
 *   ghost0  listed by sysfs as NetVSC, unknown to netlink
 */
#define MAC0 "02:15:5d:00:01:01"
#define MAC1 "02:15:5d:00:01:02"
#define MAC2 "02:15:5d:00:01:03"
#define MAC3 "02:15:5d:00:01:04"
#define MAC_VF3 "02:15:5d:00:02:04"
#define MAC_PLAIN "02:15:5d:00:09:01"

static void
small_setup(void)
{
	test_sh("ip link add vsc0 address " MAC0 " type bridge");
	test_sh("ip link add vsc1 address " MAC1 " type bridge");
	test_sh("ip link add vsc2 address " MAC2 " type bridge");
	test_sh("ip link add vsc3 address " MAC3 " type bridge");
	test_sh("ip link add vf0 address " MAC0 " type veth peer name vf0p");
	test_sh("ip link set vf0 master vsc0");
	test_sh("ip link add vf1 address " MAC1 " type veth peer name vf1p");
	test_sh("ip link add vf3 address " MAC_VF3 " type veth peer name vf3p");
	test_sh("ip link add decoy address " MAC2 " type veth peer name decoyp");
	test_sh("ip link add plain0 address " MAC_PLAIN " type veth peer name plain0p");
	test_sh("ip addr add 198.18.0.1/24 dev vsc0");
	test_sh("ip addr add 2001:db8:1::1/64 dev vsc1 nodad");
	test_sh("ip addr add fe80::1/64 dev vsc2 nodad");
	test_sh("ip addr add 198.18.2.1/32 dev vf0");
	test_sh("ip addr add 198.18.9.1/32 dev plain0");

	tree_netvsc(root, "3b0c8d6e-0000-4000-8000-000000000000", "vsc0");
	tree_netvsc(root, "3b0c8d6e-0001-4000-8000-000000000000", "vsc1");
	tree_netvsc(root, "3b0c8d6e-0002-4000-8000-000000000000", "vsc2");
	tree_netvsc(root, "3b0c8d6e-0003-4000-8000-000000000000", "vsc3");
	tree_netvsc(root, "3b0c8d6e-0005-4000-8000-000000000000", "ghost0");
	tree_vmbus_device(root, "f8b3781b-1e82-4818-a1c3-63d806ec15bb",
			  TREE_CLASS_STORAGE);
	tree_pci(root, "0001:00:02.0", 0x15b3, 0x1016, "vf0");
	tree_upper(root, "vf0", "vsc0");
	tree_pci(root, "0002:00:02.0", 0x1414, 0x00ba, "vf1");
	tree_pci(root, "0003:00:02.0", 0x15b3, 0x101a, "vf3");
	tree_upper(root, "vf3", "vsc3");
	tree_mkdir(root, "class/net/plain0");
	tree_mkdir(root, "class/net/decoy");
	tree_mkdir(root, "class/net/lo");
}

static void
small_snapshot(void)
{
	struct vdev_netvsc_snapshot snap;
	struct vdev_netvsc_args args;
	const struct vdev_netvsc_netdev *nd;
	char line[VDEV_NETVSC_LINE_LEN];
	int ret;

	unit_begin("snapshot, auto");
	ret = take("", &snap, &args);
	CHECK_INT(ret, 0);
	if (ret != 0)
		return;
	/* NetVSCs and PCI netdevices, nothing else (ghost0 skipped) */
	CHECK_INT(snap.count, 7);
	entry(&snap, "vsc0", VDEV_NETVSC_KIND_NETVSC, true);
	entry(&snap, "vsc1", VDEV_NETVSC_KIND_NETVSC, true);
	entry(&snap, "vsc2", VDEV_NETVSC_KIND_NETVSC, false);
	entry(&snap, "vsc3", VDEV_NETVSC_KIND_NETVSC, false);
	/* VFs: not asked whether routed (vf0 has an IPv4 address) */
	nd = entry(&snap, "vf0", VDEV_NETVSC_KIND_PCI, false);
	if (nd != NULL) {
		CHECK_INT(nd->link.master, ifindex_of("vsc0"));
		CHECK_STR(nd->pci.addr, "0001:00:02.0");
		CHECK_INT(nd->pci.vendor, 0x15b3);
		CHECK_INT(nd->pci.device, 0x1016);
	}
	nd = entry(&snap, "vf1", VDEV_NETVSC_KIND_PCI, false);
	if (nd != NULL) {
		CHECK_INT(nd->link.master, 0);
		CHECK_STR(nd->pci.addr, "0002:00:02.0");
		CHECK_INT(nd->pci.vendor, 0x1414);
		CHECK_INT(nd->pci.device, 0x00ba);
		CHECK_INT(vdev_netvsc_vf_line(nd, line, sizeof(line)), 0);
		CHECK_STR(line, "0002:00:02.0,mac=02:15:5D:00:01:02\n");
	}
	/* netlink says no master: sysfs upper_vsc3 does */
	nd = entry(&snap, "vf3", VDEV_NETVSC_KIND_PCI, false);
	if (nd != NULL)
		CHECK_INT(nd->link.master, ifindex_of("vsc3"));
	CHECK(vdev_netvsc_snapshot_find_name(&snap, "ghost0") == NULL);
	CHECK(vdev_netvsc_snapshot_find_name(&snap, "decoy") == NULL);
	CHECK(vdev_netvsc_snapshot_find_name(&snap, "plain0") == NULL);

	unit_begin("VF pairing");
	CHECK_STR(vf_of(&snap, "vsc0"), "vf0");
	CHECK_STR(vf_of(&snap, "vsc1"), "vf1");
	CHECK_STR(vf_of(&snap, "vsc2"), "(none)");
	CHECK_STR(vf_of(&snap, "vsc3"), "vf3");
	vdev_netvsc_snapshot_free(&snap);

	/* The same devargs named: routed state asked of plain0 too. */
	unit_begin("snapshot, named non-NetVSC");
	ret = take("iface=plain0,force=1", &snap, &args);
	CHECK_INT(ret, 0);
	if (ret == 0) {
		entry(&snap, "plain0", VDEV_NETVSC_KIND_OTHER, true);
		CHECK_INT(snap.count, 8);
		vdev_netvsc_snapshot_free(&snap);
	}
}

static void
small_select(void)
{
	unit_begin("select");
	/* auto: unrouted NetVSCs only */
	CHECK_STR(selected(""), "vsc2,vsc3");
	CHECK_STR(selected("force=1"), "vsc2,vsc3");
	/* named: routed ones too */
	CHECK_STR(selected("iface=vsc0"), "vsc0");
	CHECK_STR(selected("iface=vsc1,iface=vsc2"), "vsc1,vsc2");
	/* a VF names its NetVSC: by master, by MAC, by sysfs upper_ */
	CHECK_STR(selected("iface=vf0"), "vsc0");
	CHECK_STR(selected("iface=vf1"), "vsc1");
	CHECK_STR(selected("iface=vf3"), "vsc3");
	/* mac=: the NetVSC, not its VF */
	CHECK_STR(selected("mac=" MAC1), "vsc1");
	CHECK_STR(selected("mac=" MAC0), "vsc0");
	CHECK_STR(selected("iface=vsc1,mac=" MAC1 ",iface=vf1"), "vsc1");
	/* not NetVSC, unknown */
	CHECK_STR(selected("iface=plain0"), "error -19");
	CHECK_STR(selected("iface=plain0,force=1"), "plain0");
	CHECK_STR(selected("mac=" MAC_PLAIN), "error -19");
	CHECK_STR(selected("mac=" MAC_PLAIN ",force=1"), "plain0");
	CHECK_STR(selected("iface=decoy"), "error -19");
	CHECK_STR(selected("iface=vf0p"), "error -19");
	CHECK_STR(selected("iface=nosuch0"), "error -19");
	CHECK_STR(selected("iface=ghost0"), "error -19");
	CHECK_STR(selected("mac=02:15:5d:00:0f:0f"), "error -19");
}

/** Routed state follows the addresses. */
static void
small_routed(void)
{
	unit_begin("routed policy");
	test_sh("ip addr add 198.18.3.3/32 dev vsc3");
	CHECK_STR(selected(""), "vsc2");
	test_sh("ip addr del 198.18.3.3/32 dev vsc3");
	CHECK_STR(selected(""), "vsc2,vsc3");
	test_sh("ip addr add 2001:db8:3::3/128 dev vsc3 nodad");
	CHECK_STR(selected(""), "vsc2");
	test_sh("ip addr del 2001:db8:3::3/128 dev vsc3");
	test_sh("ip addr add fe80::3/64 dev vsc3 nodad");
	test_sh("ip addr add fe80::33/64 dev vsc3 nodad");
	CHECK_STR(selected(""), "vsc2,vsc3");
	/* routed ones are taken when named */
	test_sh("ip addr add 198.18.3.3/32 dev vsc3");
	CHECK_STR(selected("iface=vsc3"), "vsc3");
	test_sh("ip addr del 198.18.3.3/32 dev vsc3");
	/* an address on the VF does not make its NetVSC routed */
	test_sh("ip addr add 2001:db8:f3::3/128 dev vf3 nodad");
	CHECK_STR(selected(""), "vsc2,vsc3");
	/* all gone from vsc1: unrouted again */
	test_sh("ip addr flush dev vsc1");
	CHECK_STR(selected(""), "vsc1,vsc2,vsc3");
	test_sh("ip addr add 2001:db8:1::1/64 dev vsc1 nodad");
	CHECK_STR(selected(""), "vsc2,vsc3");
}

/** Renamed interfaces: ifindexes stay, names follow. */
static void
small_rename(void)
{
	struct vdev_netvsc_snapshot snap;
	struct vdev_netvsc_args args;
	int vsc2 = ifindex_of("vsc2");
	int vsc3 = ifindex_of("vsc3");
	int vf0 = ifindex_of("vf0");
	const struct vdev_netvsc_netdev *vf;
	int ret;

	test_sh("ip link set vsc2 name vsc2r");
	tree_netdev_rename(root, "vsc2", "vsc2r");
	test_sh("ip link set vf0 name vf0r");
	tree_netdev_rename(root, "vf0", "vf0r");
	test_sh("ip link set vsc3 name vsc3r");
	tree_netdev_rename(root, "vsc3", "vsc3r");
	/* the kernel renames upper_ links after their master */
	tree_unlink(root, "class/net/vf3/upper_vsc3");
	tree_upper(root, "vf3", "vsc3r");

	unit_begin("renamed");
	ret = take("", &snap, &args);
	CHECK_INT(ret, 0);
	if (ret == 0) {
		const struct vdev_netvsc_netdev *nd;

		nd = entry(&snap, "vsc2r", VDEV_NETVSC_KIND_NETVSC, false);
		CHECK(nd != NULL && nd->link.ifindex == vsc2);
		nd = entry(&snap, "vsc3r", VDEV_NETVSC_KIND_NETVSC, false);
		CHECK(nd != NULL && nd->link.ifindex == vsc3);
		CHECK(vdev_netvsc_snapshot_find_name(&snap, "vsc2") == NULL);
		vf = vdev_netvsc_vf_find(&snap,
			vdev_netvsc_snapshot_find_name(&snap, "vsc0"));
		CHECK(vf != NULL && vf->link.ifindex == vf0);
		CHECK_STR(vf != NULL ? vf->link.name : "", "vf0r");
		CHECK_STR(vf_of(&snap, "vsc3r"), "vf3");
		vdev_netvsc_snapshot_free(&snap);
	}
	CHECK_STR(selected(""), "vsc2r,vsc3r");
	CHECK_STR(selected("iface=vsc2r"), "vsc2r");
	CHECK_STR(selected("iface=vsc2"), "error -19");
	CHECK_STR(selected("iface=vf0r"), "vsc0");
	CHECK_STR(selected("iface=vf3"), "vsc3r");
}

/**
 * A sysfs view with class/net but no VMBus bus (a container's): auto mode
 * finds the NetVSCs through class/net/<if>/device/class_id, with the same
 * routed policy and VF pairing, and needs no full dump.
 */
static void
small_classnet_only(void)
{
	struct vdev_netvsc_snapshot snap;
	struct vdev_netvsc_args args;
	int ret;

	tree_vmbus_hide(root);
	unit_begin("class/net only, auto");
	ret = take("", &snap, &args);
	CHECK_INT(ret, 0);
	if (ret == 0) {
		/* class/net lists the NetVSCs: nothing else is asked */
		CHECK_INT(snap.count, 7);
		CHECK(vdev_netvsc_snapshot_find_name(&snap, "plain0") == NULL);
		entry(&snap, "vsc0", VDEV_NETVSC_KIND_NETVSC, true);
		entry(&snap, "vsc2", VDEV_NETVSC_KIND_NETVSC, false);
		entry(&snap, "vf0", VDEV_NETVSC_KIND_PCI, false);
		vdev_netvsc_snapshot_free(&snap);
	}
	CHECK_STR(selected(""), "vsc2,vsc3");
	unit_begin("class/net only, named");
	CHECK_STR(selected("iface=vsc0"), "vsc0");
	CHECK_STR(selected("mac=" MAC1), "vsc1");
	CHECK_STR(selected("iface=vf0"), "vsc0");
	CHECK_STR(selected("iface=plain0"), "error -19");
	tree_vmbus_show(root);
}

/**
 * No VMBus tree and no class/net device links to a NetVSC (not a Hyper-V
 * guest): no NetVSC; named ones found by name or by a full dump.
 */
static void
small_no_vmbus(void)
{
	struct vdev_netvsc_snapshot snap;
	struct vdev_netvsc_args args;
	int ret;

	tree_rename(root, "bus/vmbus", "bus.vmbus.away");
	unit_begin("no VMBus, auto");
	ret = take("", &snap, &args);
	CHECK_INT(ret, 0);
	if (ret == 0) {
		/* the VF candidates only: no NetVSC, no dump */
		CHECK_INT(snap.count, 3);
		CHECK(vdev_netvsc_snapshot_find_name(&snap, "vf0r") != NULL);
		CHECK(vdev_netvsc_snapshot_find_name(&snap, "plain0") == NULL);
		vdev_netvsc_snapshot_free(&snap);
	}
	CHECK_STR(selected(""), "");

	unit_begin("no VMBus, mac=");
	ret = take("mac=" MAC_PLAIN ",force=1", &snap, &args);
	CHECK_INT(ret, 0);
	if (ret == 0) {
		/* a mac= no NetVSC has: every netdevice, from a full dump */
		CHECK_INT(snap.count, sh_number("ip -o link show | wc -l"));
		vdev_netvsc_snapshot_free(&snap);
	}
	CHECK_STR(selected("mac=" MAC_PLAIN ",force=1"), "plain0");
	CHECK_STR(selected("mac=" MAC_PLAIN), "error -19");
	CHECK_STR(selected("iface=plain0,force=1"), "plain0");
	/* nothing is a NetVSC now */
	CHECK_STR(selected("iface=vsc0"), "error -19");
	CHECK_STR(selected("mac=" MAC0), "error -19");
	tree_rename(root, "bus.vmbus.away", "bus/vmbus");
	CHECK_STR(selected("mac=" MAC0), "vsc0");
}

static void
phase_small(void)
{
	small_setup();
	small_snapshot();
	small_select();
	small_routed();
	small_classnet_only();
	small_rename();
	small_no_vmbus();
	/* the same decisions without kernel-side dump filtering */
	refuse_strict = true;
	strict_asked = 0;
	unit_begin("without strict dumps");
	CHECK_STR(selected(""), "vsc2r,vsc3r");
	CHECK_STR(selected("iface=vsc0"), "vsc0");
	CHECK(strict_asked > 0, "the driver did not ask for strict dumps");
	refuse_strict = false;
}

/*
 * The big one: 1500 veth pairs, each end with an IPv4 and an IPv6
 * address (3000 interfaces, 6000 addresses), then 4 NetVSC stand-ins,
 * created last so that their addresses come last in a full dump.
 */
#define BIG_PAIRS 1500

static void
big_setup(void)
{
	char batch[4096];
	FILE *f;
	double t;
	int i;

	snprintf(batch, sizeof(batch), "%s/big.batch", root);
	f = fopen(batch, "w");
	if (f == NULL) {
		perror(batch);
		exit(1);
	}
	for (i = 0; i != BIG_PAIRS; ++i)
		fprintf(f, "link add va%d type veth peer name vb%d\n", i, i);
	for (i = 0; i != BIG_PAIRS; ++i) {
		fprintf(f, "addr add 198.18.%d.%d/32 dev va%d\n",
			i / 256, i % 256, i);
		fprintf(f, "addr add 198.19.%d.%d/32 dev vb%d\n",
			i / 256, i % 256, i);
		fprintf(f, "addr add 2001:db8:a::%x/128 dev va%d nodad\n", i, i);
		fprintf(f, "addr add 2001:db8:b::%x/128 dev vb%d nodad\n", i, i);
	}
	fprintf(f, "link add big0 address 02:15:5d:00:10:00 type bridge\n");
	fprintf(f, "link add big1 address 02:15:5d:00:10:01 type bridge\n");
	fprintf(f, "link add big2 address 02:15:5d:00:10:02 type bridge\n");
	fprintf(f, "link add big3 address 02:15:5d:00:10:03 type bridge\n");
	fprintf(f, "addr add fe80::10/64 dev big0 nodad\n");
	fprintf(f, "addr add fe80::11/64 dev big1 nodad\n");
	fprintf(f, "addr add fe80::12/64 dev big2 nodad\n");
	fprintf(f, "addr add 198.18.200.2/32 dev big2\n");
	fprintf(f, "addr add fe80::13/64 dev big3 nodad\n");
	fprintf(f, "addr add 2001:db8:ffff::3/64 dev big3 nodad\n");
	fclose(f);
	t = test_now();
	test_sh("ip -batch %s", batch);
	printf("# created %d veth pairs, %d addresses in %.2f s\n", BIG_PAIRS,
	       4 * BIG_PAIRS + 6, test_now() - t);
	tree_netvsc(root, "6d1e0b7a-0000-4000-8000-000000000000", "big0");
	tree_netvsc(root, "6d1e0b7a-0001-4000-8000-000000000000", "big1");
	tree_netvsc(root, "6d1e0b7a-0002-4000-8000-000000000000", "big2");
	tree_netvsc(root, "6d1e0b7a-0003-4000-8000-000000000000", "big3");
}

static void
big_check(const char *mode)
{
	struct vdev_netvsc_snapshot snap;
	struct vdev_netvsc_args args;
	double t, best = 1e9, worst = 0;
	int ret, i;

	unit_begin(mode);
	for (i = 0; i != 3; ++i) {
		t = test_now();
		ret = take("", &snap, &args);
		t = test_now() - t;
		best = RTE_MIN(best, t);
		worst = RTE_MAX(worst, t);
		CHECK_INT(ret, 0);
		if (ret != 0)
			return;
		if (i == 0) {
			CHECK_INT(snap.count, 4);
			entry(&snap, "big0", VDEV_NETVSC_KIND_NETVSC, false);
			entry(&snap, "big1", VDEV_NETVSC_KIND_NETVSC, false);
			entry(&snap, "big2", VDEV_NETVSC_KIND_NETVSC, true);
			entry(&snap, "big3", VDEV_NETVSC_KIND_NETVSC, true);
		}
		vdev_netvsc_snapshot_free(&snap);
	}
	printf("# snapshot_take (%s), %ld addresses in the namespace:"
	       " best %.2f ms, worst %.2f ms of 3\n", mode,
	       sh_number("ip -o addr show | wc -l"), best * 1e3, worst * 1e3);
	CHECK_STR(selected(""), "big0,big1");
	CHECK_STR(selected("iface=big3,iface=big0"), "big0,big3");
}

static void
phase_big(void)
{
	long links, addrs;

	big_setup();
	links = sh_number("ip -o link show | wc -l");
	addrs = sh_number("ip -o addr show | wc -l");
	printf("# %ld netdevices, %ld addresses\n", links, addrs);
	unit_begin("big setup");
	CHECK(links >= 2 * BIG_PAIRS + 4, "only %ld netdevices", links);
	CHECK(addrs >= 4 * BIG_PAIRS + 6, "only %ld addresses", addrs);

	big_check("big, strict dumps");
	refuse_strict = true;
	strict_asked = 0;
	big_check("big, full dumps");
	CHECK(strict_asked > 0, "the driver did not ask for strict dumps");
	refuse_strict = false;
}

int
main(int argc, char **argv)
{
	if (argc != 3 ||
	    (strcmp(argv[1], "small") != 0 && strcmp(argv[1], "big") != 0)) {
		fprintf(stderr, "usage: %s small|big BASE_DIR\n", argv[0]);
		return 2;
	}
	if (test_driver_log(&vdev_netvsc_logtype, true) != 0)
		return 1;
	root = tree_create(argv[2]);
	atexit(cleanup);
	setenv("VDEV_NETVSC_SYSFS_ROOT", root, 1);
	if (strcmp(argv[1], "small") == 0)
		phase_small();
	else
		phase_big();
	return unit_summary(strcmp(argv[1], "small") == 0 ?
			    "unit-discovery small" : "unit-discovery big");
}
