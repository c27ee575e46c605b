/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * unit-select: the pure decisions of vdev_netvsc_select.c, and the
 * snapshot container they work on, over snapshots built in memory with
 * vdev_netvsc_snapshot_put(). Nothing here touches the system.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_log.h>

#include "../test_util.h"
#include "vdev_netvsc_private.h"
#include "unit.h"

/*
 * Defined and registered by vdev_netvsc.c, which these tests do not need:
 * weak, so that this definition neither pulls that object out of the
 * driver's archive nor clashes with it should it come in anyway.
 */
int vdev_netvsc_logtype __attribute__((weak));

/* Locally administered unicast addresses; A..D for NetVSCs and their VFs. */
#define MAC_A 0x0a
#define MAC_B 0x0b
#define MAC_C 0x0c
#define MAC_D 0x0d
#define MAC_E 0x0e

static struct rte_ether_addr
mac(uint8_t last)
{
	struct rte_ether_addr m = {
		.addr_bytes = { 0x02, 0x15, 0x5d, 0x00, 0x00, last },
	};

	return m;
}

/** Add one netdevice to a snapshot, failing the test when it cannot. */
static void
put(struct vdev_netvsc_snapshot *snap, int ifindex, const char *name,
    enum vdev_netvsc_kind kind, uint8_t mac_last, int master, bool routed)
{
	struct vdev_netvsc_netdev nd;

	memset(&nd, 0, sizeof(nd));
	nd.link.ifindex = ifindex;
	nd.link.master = master;
	snprintf(nd.link.name, sizeof(nd.link.name), "%s", name);
	nd.link.mac = mac(mac_last);
	nd.kind = kind;
	nd.routed = routed;
	if (kind == VDEV_NETVSC_KIND_PCI) {
		snprintf(nd.pci.addr, sizeof(nd.pci.addr), "7870:00:%02x.0",
			 ifindex & 0x1f);
		nd.pci.vendor = 0x15b3;
		nd.pci.device = 0x1016;
	}
	if (vdev_netvsc_snapshot_put(snap, &nd) != 0) {
		fprintf(stderr, "snapshot_put(%s) failed\n", name);
		exit(1);
	}
}

#define NETVSC VDEV_NETVSC_KIND_NETVSC
#define PCI VDEV_NETVSC_KIND_PCI
#define OTHER VDEV_NETVSC_KIND_OTHER

/** Parse devargs for a case; they are all valid. */
static struct vdev_netvsc_args
args_of(const char *devargs)
{
	struct vdev_netvsc_args args;

	if (vdev_netvsc_args_parse(devargs, &args) != 0) {
		fprintf(stderr, "devargs \"%s\" rejected\n", devargs);
		exit(1);
	}
	return args;
}

/** Result of one selection. */
struct sel {
	int ret;
	unsigned int count;
	int ifindex[8];
};

/**
 * Select over @p snap, its iface= resolved by name as
 * vdev_netvsc_snapshot_take() does, unless @p resolved: then as given.
 */
static struct sel
select_over(const struct vdev_netvsc_snapshot *snap, const char *devargs,
	    unsigned int max, bool resolved)
{
	struct vdev_netvsc_args args = args_of(devargs);
	struct vdev_netvsc_snapshot taken = *snap;
	const struct vdev_netvsc_netdev *nd;
	unsigned int i;
	struct sel s;

	for (i = 0; i != args.iface_n && !resolved; ++i) {
		nd = vdev_netvsc_snapshot_find_name(snap, args.iface[i]);
		taken.iface_ifindex[i] = nd != NULL ? nd->link.ifindex : 0;
	}
	memset(&s, 0, sizeof(s));
	s.count = 12345; /* must be overwritten */
	s.ret = vdev_netvsc_select(&args, &taken, s.ifindex, max, &s.count);
	return s;
}

static struct sel
select_with(const struct vdev_netvsc_snapshot *snap, const char *devargs,
	    unsigned int max)
{
	return select_over(snap, devargs, max, false);
}

/** Check a selection succeeded with exactly these ifindexes, in order. */
static void
check_taken(const struct vdev_netvsc_snapshot *snap, const char *devargs,
	    unsigned int n, const int *expected)
{
	struct sel s = select_with(snap, devargs, 8);
	unsigned int i;

	unit_begin(devargs[0] ? devargs : "(auto)");
	CHECK_INT(s.ret, 0);
	CHECK_INT(s.count, n);
	for (i = 0; i != n && i < s.count; ++i)
		CHECK(s.ifindex[i] == expected[i], "ifindex[%u] %d, expected %d",
		      i, s.ifindex[i], expected[i]);
}

static void
check_fails(const struct vdev_netvsc_snapshot *snap, const char *devargs,
	    int err)
{
	struct sel s = select_with(snap, devargs, 8);

	unit_begin(devargs);
	CHECK_INT(s.ret, err);
}

#define TAKEN(snap, devargs, ...) do { \
	static const int exp_[] = { __VA_ARGS__ }; \
	check_taken(snap, devargs, RTE_DIM(exp_), exp_); \
} while (0)

/*
 * A guest: eth0 (routed, the primary NIC), eth1 and eth2 (unrouted) are
 * NetVSCs; enP1s1 is eth1's VF (enslaved), enP2s2 eth2's (same MAC, no
 * master, as before the kernel enslaves it); lo and docker0 are other.
 * They are listed in an order that does not follow the ifindexes.
 */
static void
guest(struct vdev_netvsc_snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	put(snap, 1, "lo", OTHER, 0, 0, true);
	put(snap, 7, "enP1s1", PCI, MAC_B, 3, false);
	put(snap, 2, "eth0", NETVSC, MAC_A, 0, true);
	put(snap, 3, "eth1", NETVSC, MAC_B, 0, false);
	put(snap, 8, "enP2s2", PCI, MAC_C, 0, false);
	put(snap, 4, "eth2", NETVSC, MAC_C, 0, false);
	put(snap, 9, "docker0", OTHER, MAC_D, 0, true);
	put(snap, 10, "enP3s3", PCI, MAC_E, 0, false); /* nobody's VF */
}

static void
test_auto(void)
{
	struct vdev_netvsc_snapshot snap;
	struct sel s;

	guest(&snap);
	/* Unrouted NetVSCs only, in snapshot order; never a VF or other. */
	TAKEN(&snap, "", 3, 4);
	TAKEN(&snap, "force=1", 3, 4);
	TAKEN(&snap, "hotplug_poll=100", 3, 4);

	/* Room for one only: -E2BIG, the first one kept. */
	s = select_with(&snap, "", 1);
	unit_begin("auto, max 1");
	CHECK_INT(s.ret, -E2BIG);
	CHECK_INT(s.count, 1);
	CHECK_INT(s.ifindex[0], 3);

	/* Every NetVSC routed: nothing taken, no error. */
	snap.netdev[3].routed = true; /* eth1 */
	snap.netdev[5].routed = true; /* eth2 */
	s = select_with(&snap, "", 8);
	unit_begin("auto, all routed");
	CHECK_INT(s.ret, 0);
	CHECK_INT(s.count, 0);
	vdev_netvsc_snapshot_free(&snap);

	/* An empty snapshot. */
	memset(&snap, 0, sizeof(snap));
	s = select_with(&snap, "", 8);
	unit_begin("auto, empty snapshot");
	CHECK_INT(s.ret, 0);
	CHECK_INT(s.count, 0);
	check_fails(&snap, "iface=eth1", -ENODEV);
	check_fails(&snap, "mac=02:15:5d:00:00:0b", -ENODEV);
}

static void
test_named(void)
{
	struct vdev_netvsc_snapshot snap;
	struct sel s;

	guest(&snap);
	/* Named: routed ones too, in the order named. */
	TAKEN(&snap, "iface=eth0", 2);
	TAKEN(&snap, "iface=eth2,iface=eth0", 4, 2);
	TAKEN(&snap, "iface=eth1", 3);
	/* A VF resolves to its NetVSC: by master, or by MAC without one. */
	TAKEN(&snap, "iface=enP1s1", 3);
	TAKEN(&snap, "iface=enP2s2", 4);
	/* Unknown names. */
	check_fails(&snap, "iface=eth9", -ENODEV);
	check_fails(&snap, "iface=eth1,iface=eth9", -ENODEV);
	check_fails(&snap, "iface=eth", -ENODEV);
	/* Not NetVSC: refused, unless forced. */
	check_fails(&snap, "iface=docker0", -ENODEV);
	check_fails(&snap, "iface=lo", -ENODEV);
	TAKEN(&snap, "iface=docker0,force=1", 9);
	TAKEN(&snap, "iface=lo,force=1", 1);
	/* A PCI netdevice that is nobody's VF is not a NetVSC either. */
	check_fails(&snap, "iface=enP3s3", -ENODEV);
	TAKEN(&snap, "iface=enP3s3,force=1", 10);
	/* force=1 does not make an unknown name exist. */
	check_fails(&snap, "iface=eth9,force=1", -ENODEV);

	/* mac=: the NetVSC of that MAC, not its VF listed before it. */
	TAKEN(&snap, "mac=02:15:5d:00:00:0b", 3);
	TAKEN(&snap, "mac=02:15:5d:00:00:0c", 4);
	TAKEN(&snap, "mac=02:15:5d:00:00:0a", 2); /* routed: named */
	check_fails(&snap, "mac=02:15:5d:00:00:99", -ENODEV);
	/* Only a non-NetVSC has it: refused unless forced. */
	check_fails(&snap, "mac=02:15:5d:00:00:0d", -ENODEV);
	TAKEN(&snap, "mac=02:15:5d:00:00:0d,force=1", 9);
	check_fails(&snap, "mac=02:15:5d:00:00:0e", -ENODEV);
	TAKEN(&snap, "mac=02:15:5d:00:00:0e,force=1", 10);

	/* The same NetVSC named twice over is taken once. */
	TAKEN(&snap, "iface=eth1,mac=02:15:5d:00:00:0b", 3);
	TAKEN(&snap, "iface=enP1s1,iface=eth1", 3);
	TAKEN(&snap, "iface=enP2s2,mac=02:15:5d:00:00:0c,iface=eth2", 4);
	TAKEN(&snap, "iface=eth1,mac=02:15:5d:00:00:0c,iface=enP1s1", 3, 4);
	/* iface= first, then mac=, whatever order they were given in. */
	TAKEN(&snap, "mac=02:15:5d:00:00:0a,iface=eth2", 4, 2);

	/* A later failure fails the whole selection. */
	check_fails(&snap, "iface=eth1,mac=02:15:5d:00:00:99", -ENODEV);

	/* Room: two named, room for one. */
	s = select_with(&snap, "iface=eth1,iface=eth2", 1);
	unit_begin("named, max 1");
	CHECK_INT(s.ret, -E2BIG);

	/*
	 * iface= goes by the ifindex the snapshot resolved, not by name:
	 * eth1 renamed since, or another netdevice called eth1 now.
	 */
	unit_begin("iface= as resolved");
	memset(snap.iface_ifindex, 0, sizeof(snap.iface_ifindex));
	snap.iface_ifindex[0] = 4; /* eth2 */
	s = select_over(&snap, "iface=eth1", 8, true);
	CHECK_INT(s.ret, 0);
	CHECK_INT(s.count, 1);
	CHECK_INT(s.ifindex[0], 4);
	snap.iface_ifindex[0] = 0; /* no netdevice had the name */
	s = select_over(&snap, "iface=eth1", 8, true);
	CHECK_INT(s.ret, -ENODEV);
	snap.iface_ifindex[0] = 99; /* gone since */
	s = select_over(&snap, "iface=eth1", 8, true);
	CHECK_INT(s.ret, -ENODEV);
	vdev_netvsc_snapshot_free(&snap);
}

/** mac= with several non-NetVSC netdevices of that MAC and force=1. */
static void
test_mac_force_prefers_non_pci(void)
{
	struct vdev_netvsc_snapshot snap;

	memset(&snap, 0, sizeof(snap));
	put(&snap, 20, "enP9s9", PCI, MAC_D, 0, false);
	put(&snap, 21, "br0", OTHER, MAC_D, 0, false);
	put(&snap, 22, "enP9s10", PCI, MAC_D, 0, false);
	/* The VF-looking PCI one is passed over for the bridge. */
	TAKEN(&snap, "mac=02:15:5d:00:00:0d,force=1", 21);
	check_fails(&snap, "mac=02:15:5d:00:00:0d", -ENODEV);
	vdev_netvsc_snapshot_free(&snap);

	/* A VF enslaved to a non-NetVSC master: resolved by MAC still. */
	memset(&snap, 0, sizeof(snap));
	put(&snap, 30, "bond0", OTHER, MAC_E, 0, false);
	put(&snap, 31, "eth5", NETVSC, MAC_A, 0, false);
	put(&snap, 32, "enP4s4", PCI, MAC_A, 30, false);
	put(&snap, 33, "enP5s5", PCI, MAC_B, 30, false);
	TAKEN(&snap, "iface=enP4s4", 31);
	check_fails(&snap, "iface=enP5s5", -ENODEV);
	TAKEN(&snap, "iface=enP5s5,force=1", 33);
	vdev_netvsc_snapshot_free(&snap);
}

static const char *
name_of(const struct vdev_netvsc_netdev *nd)
{
	return nd != NULL ? nd->link.name : "(none)";
}

static void
test_vf_find(void)
{
	struct vdev_netvsc_snapshot snap;
	const struct vdev_netvsc_netdev *vf;

	guest(&snap);
	unit_begin("vf_find on the guest");
	CHECK_STR(name_of(vdev_netvsc_vf_find(&snap,
		vdev_netvsc_snapshot_find_name(&snap, "eth1"))), "enP1s1");
	CHECK_STR(name_of(vdev_netvsc_vf_find(&snap,
		vdev_netvsc_snapshot_find_name(&snap, "eth2"))), "enP2s2");
	CHECK_STR(name_of(vdev_netvsc_vf_find(&snap,
		vdev_netvsc_snapshot_find_name(&snap, "eth0"))), "(none)");
	CHECK(vdev_netvsc_vf_find(&snap, NULL) == NULL);
	vdev_netvsc_snapshot_free(&snap);

	/* The master wins over a MAC match listed first. */
	memset(&snap, 0, sizeof(snap));
	put(&snap, 40, "eth1", NETVSC, MAC_A, 0, false);
	put(&snap, 41, "enPmac", PCI, MAC_A, 0, false);
	put(&snap, 42, "enPmaster", PCI, MAC_B, 40, false);
	unit_begin("master wins over MAC");
	CHECK_STR(name_of(vdev_netvsc_vf_find(&snap, &snap.netdev[0])),
		  "enPmaster");
	vdev_netvsc_snapshot_free(&snap);

	/* A MAC match only counts without a master. */
	memset(&snap, 0, sizeof(snap));
	put(&snap, 50, "eth1", NETVSC, MAC_A, 0, false);
	put(&snap, 51, "eth2", NETVSC, MAC_B, 0, false);
	put(&snap, 52, "bond0", OTHER, MAC_C, 0, false);
	put(&snap, 53, "enPother", PCI, MAC_A, 51, false); /* eth2's */
	put(&snap, 54, "enPbond", PCI, MAC_A, 52, false); /* bond0's */
	unit_begin("MAC match needs no master");
	CHECK_STR(name_of(vdev_netvsc_vf_find(&snap, &snap.netdev[0])),
		  "(none)");
	/* ... and eth2 does get the one enslaved to it, whatever its MAC. */
	CHECK_STR(name_of(vdev_netvsc_vf_find(&snap, &snap.netdev[1])),
		  "enPother");
	/* Once free of its master, the MAC says whose VF it is. */
	snap.netdev[3].link.master = 0;
	CHECK_STR(name_of(vdev_netvsc_vf_find(&snap, &snap.netdev[0])),
		  "enPother");
	CHECK_STR(name_of(vdev_netvsc_vf_find(&snap, &snap.netdev[1])),
		  "(none)");
	vdev_netvsc_snapshot_free(&snap);

	/* A netdevice not on the PCI bus is never a VF. */
	memset(&snap, 0, sizeof(snap));
	put(&snap, 60, "eth1", NETVSC, MAC_A, 0, false);
	put(&snap, 61, "macvlan0", OTHER, MAC_A, 0, false);
	put(&snap, 62, "vlan9", OTHER, MAC_B, 60, false);
	put(&snap, 63, "eth2", NETVSC, MAC_A, 60, false);
	unit_begin("non-PCI is never a VF");
	CHECK_STR(name_of(vdev_netvsc_vf_find(&snap, &snap.netdev[0])),
		  "(none)");
	/* A PCI one arriving later is found, the rest still passed over. */
	put(&snap, 64, "enP7s7", PCI, MAC_A, 0, false);
	vf = vdev_netvsc_vf_find(&snap, &snap.netdev[0]);
	CHECK_STR(name_of(vf), "enP7s7");
	CHECK(vf == NULL || vf->link.ifindex == 64);
	vdev_netvsc_snapshot_free(&snap);

	/* A NetVSC is never its own VF, even if it looked like PCI. */
	memset(&snap, 0, sizeof(snap));
	put(&snap, 70, "odd0", PCI, MAC_A, 0, false);
	unit_begin("not its own VF");
	CHECK_STR(name_of(vdev_netvsc_vf_find(&snap, &snap.netdev[0])),
		  "(none)");
	vdev_netvsc_snapshot_free(&snap);
}

static void
test_vf_line(void)
{
	struct vdev_netvsc_netdev vf;
	char line[VDEV_NETVSC_LINE_LEN];
	char small[8];
	size_t len;
	int ret;

	memset(&vf, 0, sizeof(vf));
	vf.kind = PCI;
	vf.link.mac = mac(MAC_B);
	snprintf(vf.pci.addr, sizeof(vf.pci.addr), "7870:00:02.0");

	unit_begin("vf_line mlx5");
	vf.pci.vendor = 0x15b3;
	vf.pci.device = 0x1016;
	ret = vdev_netvsc_vf_line(&vf, line, sizeof(line));
	CHECK_INT(ret, 0);
	CHECK_STR(line, "7870:00:02.0\n");

	unit_begin("vf_line MANA");
	vf.pci.vendor = 0x1414;
	vf.pci.device = 0x00ba;
	memset(line, 'x', sizeof(line));
	ret = vdev_netvsc_vf_line(&vf, line, sizeof(line));
	CHECK_INT(ret, 0);
	/* rte_ether_format_addr() writes upper-case hex digits */
	CHECK_STR(line, "7870:00:02.0,mac=02:15:5D:00:00:0B\n");

	unit_begin("vf_line Microsoft, not MANA");
	vf.pci.device = 0x00bb;
	ret = vdev_netvsc_vf_line(&vf, line, sizeof(line));
	CHECK_INT(ret, 0);
	CHECK_STR(line, "7870:00:02.0\n");
	unit_begin("vf_line MANA device ID, other vendor");
	vf.pci.vendor = 0x15b3;
	vf.pci.device = 0x00ba;
	ret = vdev_netvsc_vf_line(&vf, line, sizeof(line));
	CHECK_INT(ret, 0);
	CHECK_STR(line, "7870:00:02.0\n");

	/* Exactly fitting, one byte short, far too short. */
	unit_begin("vf_line sizes");
	len = strlen("7870:00:02.0\n");
	CHECK_INT(vdev_netvsc_vf_line(&vf, line, len + 1), 0);
	CHECK_STR(line, "7870:00:02.0\n");
	CHECK_INT(vdev_netvsc_vf_line(&vf, line, len), -ENAMETOOLONG);
	CHECK_INT(vdev_netvsc_vf_line(&vf, small, sizeof(small)),
		  -ENAMETOOLONG);
	vf.pci.vendor = 0x1414;
	len = strlen("7870:00:02.0,mac=02:15:5D:00:00:0B\n");
	CHECK_INT(vdev_netvsc_vf_line(&vf, line, len + 1), 0);
	CHECK_INT(vdev_netvsc_vf_line(&vf, line, len), -ENAMETOOLONG);

	/* The longest PCI address the struct holds still fits a line. */
	unit_begin("vf_line longest address");
	memset(vf.pci.addr, '1', sizeof(vf.pci.addr) - 1);
	vf.pci.addr[sizeof(vf.pci.addr) - 1] = '\0';
	CHECK_INT(vdev_netvsc_vf_line(&vf, line, sizeof(line)), 0);
	CHECK_INT(strlen(line), sizeof(vf.pci.addr) - 1 +
		  strlen(",mac=02:15:5D:00:00:0B\n"));
}

/** The snapshot container the selection works on. */
static void
test_snapshot(void)
{
	struct vdev_netvsc_snapshot snap;
	struct vdev_netvsc_netdev nd;
	unsigned int i;
	char name[IF_NAMESIZE];
	bool ok;

	memset(&snap, 0, sizeof(snap));
	unit_begin("snapshot grows");
	for (i = 1; i <= 100; ++i) {
		snprintf(name, sizeof(name), "n%u", i);
		put(&snap, (int)i, name, i % 3 ? OTHER : NETVSC, i, 0, false);
	}
	CHECK_INT(snap.count, 100);
	CHECK(snap.size >= 100);
	ok = true;
	for (i = 1; i <= 100; ++i) {
		const struct vdev_netvsc_netdev *f;

		snprintf(name, sizeof(name), "n%u", i);
		f = vdev_netvsc_snapshot_find(&snap, (int)i);
		ok = ok && f != NULL && strcmp(f->link.name, name) == 0 &&
		     vdev_netvsc_snapshot_find_name(&snap, name) == f;
	}
	CHECK(ok, "every entry found by ifindex and by name");
	CHECK(vdev_netvsc_snapshot_find(&snap, 101) == NULL);
	CHECK(vdev_netvsc_snapshot_find(&snap, 0) == NULL);
	CHECK(vdev_netvsc_snapshot_find_name(&snap, "n101") == NULL);
	CHECK(vdev_netvsc_snapshot_find_name(&snap, "n") == NULL);

	/* put() with a known ifindex replaces: a rename. */
	unit_begin("snapshot put replaces");
	memset(&nd, 0, sizeof(nd));
	nd.link.ifindex = 50;
	snprintf(nd.link.name, sizeof(nd.link.name), "renamed");
	nd.kind = PCI;
	CHECK_INT(vdev_netvsc_snapshot_put(&snap, &nd), 0);
	CHECK_INT(snap.count, 100);
	CHECK(vdev_netvsc_snapshot_find_name(&snap, "n50") == NULL);
	CHECK(vdev_netvsc_snapshot_find_name(&snap, "renamed") ==
	      vdev_netvsc_snapshot_find(&snap, 50));
	CHECK_INT(vdev_netvsc_snapshot_find(&snap, 50)->kind, PCI);

	/* del() removes one and keeps the others findable. */
	unit_begin("snapshot del");
	vdev_netvsc_snapshot_del(&snap, 1);
	vdev_netvsc_snapshot_del(&snap, 100);
	vdev_netvsc_snapshot_del(&snap, 50);
	vdev_netvsc_snapshot_del(&snap, 50); /* absent: nothing happens */
	vdev_netvsc_snapshot_del(&snap, 1000);
	CHECK_INT(snap.count, 97);
	ok = true;
	for (i = 1; i <= 100; ++i) {
		bool gone = i == 1 || i == 100 || i == 50;

		ok = ok && (vdev_netvsc_snapshot_find(&snap, (int)i) == NULL) ==
			gone;
	}
	CHECK(ok, "exactly the deleted ones are gone");
	/* The auto selection sees what is left: i % 3 == 0, not 1/50/100. */
	{
		struct sel s = select_with(&snap, "", 8);

		CHECK_INT(s.ret, -E2BIG); /* 33 NetVSCs, room for 8 */
		CHECK_INT(s.count, 8);
	}

	unit_begin("snapshot free");
	vdev_netvsc_snapshot_free(&snap);
	CHECK(snap.netdev == NULL);
	CHECK_INT(snap.count, 0);
	CHECK_INT(snap.size, 0);
	/* usable again after free */
	put(&snap, 5, "again", NETVSC, 1, 0, false);
	CHECK_INT(snap.count, 1);
	TAKEN(&snap, "", 5);
	vdev_netvsc_snapshot_free(&snap);
}

int
main(void)
{
	if (test_driver_log(&vdev_netvsc_logtype, true) != 0)
		return 1;
	test_auto();
	test_named();
	test_mac_force_prefers_non_pci();
	test_vf_find();
	test_vf_line();
	test_snapshot();
	return unit_summary("unit-select");
}
