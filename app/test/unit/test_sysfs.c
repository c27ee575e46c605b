/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * unit-sysfs: vdev_netvsc_sysfs.c (and snapshot_classify on top of it)
 * against a temporary tree laid out as the sysfs of a Hyper-V guest with
 * accelerated networking, read through $VDEV_NETVSC_SYSFS_ROOT.
 *
 * Usage: test_sysfs [BASE_DIR]   the tree goes in a fresh BASE_DIR/sysfs.*
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

#define GUID_ETH1 "000d3a6e-4c2f-000d-3a6e-4c2f000d3a6e"
#define GUID_SCSI "f8b3781b-1e82-4818-a1c3-63d806ec15bb"
#define GUID_NONET "9a3f0b1c-77aa-4e6e-8d21-5f0c2b7e1d40"
#define GUID_ETH2 "5b9e40d2-1c4a-4f3e-9b7d-2a6c8e0f1d33"
#define PCI_MLX "7870:00:02.0"
#define PCI_MANA "cf63:00:02.0"
#define PCI_HOST "0000:00:00.0"

static char *root;

static void
cleanup(void)
{
	tree_destroy(root);
	root = NULL;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/**
 * A listing, sorted and comma-joined: "eth1,eth2"; its return in @p ret.
 * An empty list on error, or the check fails.
 */
static const char *
joined(int (*list)(struct vdev_netvsc_names *), int *ret)
{
	static char out[16 * (IF_NAMESIZE + 1)];
	struct vdev_netvsc_names names;
	unsigned int i;
	size_t len = 0;

	memset(&names, 0x5a, sizeof(names));
	*ret = list(&names);
	CHECK(*ret == 0 || (names.count == 0 && names.name == NULL),
	      "a list on error");
	CHECK(names.count <= names.size);
	if (names.count > 1) /* an empty list may have no array at all */
		qsort(names.name, names.count, IF_NAMESIZE, cmp_name);
	out[0] = '\0';
	for (i = 0; i != names.count && len < sizeof(out); ++i)
		len += snprintf(out + len, sizeof(out) - len, "%s%s",
				i ? "," : "", names.name[i]);
	vdev_netvsc_names_free(&names);
	CHECK(names.name == NULL && names.count == 0 && names.size == 0);
	return out;
}

static const char *
netvsc_names(int *ret)
{
	return joined(vdev_netvsc_sysfs_netvsc_list, ret);
}

static const char *
pci_names(int *ret)
{
	return joined(vdev_netvsc_sysfs_pci_list, ret);
}

/** A Hyper-V guest: eth1 NetVSC with an mlx5 VF, a MANA VF, storage... */
static void
build_guest(void)
{
	/* eth1: NetVSC, its VF enP30832s1 enslaved to it */
	tree_netvsc(root, GUID_ETH1, "eth1");
	tree_pci(root, PCI_MLX, 0x15b3, 0x1016, "enP30832s1");
	tree_upper(root, "enP30832s1", "eth1");
	/* a MANA VF whose NetVSC is not listed (another instance's) */
	tree_pci(root, PCI_MANA, 0x1414, 0x00ba, "enP53091s1");
	/* the storage controller: a VMBus device of another class */
	tree_vmbus_device(root, GUID_SCSI, TREE_CLASS_STORAGE);
	/* a NetVSC whose netdevice is not created yet: no net/ */
	tree_vmbus_device(root, GUID_NONET, TREE_CLASS_NETVSC);
	/* a PCI device without netdevice */
	tree_pci(root, PCI_HOST, 0x8086, 0x7192, NULL);
	/* lo has no device */
	tree_mkdir(root, "class/net/lo");
}

static void
set_class_id(const char *content)
{
	tree_write(root, "bus/vmbus/devices/" GUID_ETH1 "/class_id", content);
}

static void
test_root(void)
{
	unit_begin("sysfs root");
	unsetenv("VDEV_NETVSC_SYSFS_ROOT");
	CHECK_STR(vdev_netvsc_sysfs_root(), "/sys");
	setenv("VDEV_NETVSC_SYSFS_ROOT", "", 1);
	CHECK_STR(vdev_netvsc_sysfs_root(), "/sys");
	setenv("VDEV_NETVSC_SYSFS_ROOT", root, 1);
	CHECK_STR(vdev_netvsc_sysfs_root(), root);
}

static void
test_netvsc_list(void)
{
	char rel[256];
	unsigned int i;
	int ret;

	unit_begin("netvsc_list");
	CHECK_STR(netvsc_names(&ret), "eth1");
	CHECK_INT(ret, 0);

	/* class_id as sysfs may print it: with or without newline, any case */
	set_class_id(TREE_CLASS_NETVSC);
	unit_begin("class_id without newline");
	CHECK_STR(netvsc_names(&ret), "eth1");
	CHECK_INT(ret, 0);
	set_class_id("{F8615163-DF3E-46C5-913F-F2D2F965ED0E}\n");
	unit_begin("class_id upper case");
	CHECK_STR(netvsc_names(&ret), "eth1");
	set_class_id("{F8615163-DF3E-46C5-913F-F2D2F965ED0E}");
	unit_begin("class_id upper case, no newline");
	CHECK_STR(netvsc_names(&ret), "eth1");
	/* not the NetVSC class: a near miss, braces missing, empty */
	set_class_id("{f8615163-df3e-46c5-913f-f2d2f965ed0f}\n");
	unit_begin("class_id of another class");
	CHECK_STR(netvsc_names(&ret), "");
	CHECK_INT(ret, 0);
	set_class_id("f8615163-df3e-46c5-913f-f2d2f965ed0e\n");
	unit_begin("class_id without braces");
	CHECK_STR(netvsc_names(&ret), "");
	set_class_id("");
	unit_begin("class_id empty");
	CHECK_STR(netvsc_names(&ret), "");
	tree_unlink(root, "bus/vmbus/devices/" GUID_ETH1 "/class_id");
	unit_begin("class_id missing");
	CHECK_STR(netvsc_names(&ret), "");
	CHECK_INT(ret, 0);
	set_class_id(TREE_CLASS_NETVSC "\n");

	/* A device of another class is skipped even with a net/ entry. */
	tree_mkdir(root, "bus/vmbus/devices/" GUID_SCSI "/net/bogus0");
	unit_begin("storage class with net/");
	CHECK_STR(netvsc_names(&ret), "eth1");
	tree_rmtree(root, "bus/vmbus/devices/" GUID_SCSI "/net");

	/* A second NetVSC. */
	tree_netvsc(root, GUID_ETH2, "eth2");
	unit_begin("two NetVSCs");
	CHECK_STR(netvsc_names(&ret), "eth1,eth2");
	CHECK_INT(ret, 0);

	/* Past the first allocation: 8 names; an entry too long is none. */
	unit_begin("many names, one too long for a netdevice");
	for (i = 0; i != 9; ++i) {
		snprintf(rel, sizeof(rel), "bus/vmbus/devices/" GUID_ETH2
			 "/net/e%u", i);
		tree_mkdir(root, rel);
	}
	tree_mkdir(root, "bus/vmbus/devices/" GUID_ETH2
		   "/net/abcdefghijklmnop");
	CHECK_STR(netvsc_names(&ret),
		  "e0,e1,e2,e3,e4,e5,e6,e7,e8,eth1,eth2");
	CHECK_INT(ret, 0);
	tree_netdev_remove(root, "eth2");
	tree_rmtree(root, "bus/vmbus/devices/" GUID_ETH2);
	unit_begin("second NetVSC gone");
	CHECK_STR(netvsc_names(&ret), "eth1");
}

static void
test_pci_list(void)
{
	int ret;

	unit_begin("pci_list");
	CHECK_STR(pci_names(&ret), "enP30832s1,enP53091s1");
	CHECK_INT(ret, 0);
}

static void
test_is_netvsc(void)
{
	unit_begin("is_netvsc");
	CHECK_INT(vdev_netvsc_sysfs_is_netvsc("eth1"), 1);
	CHECK_INT(vdev_netvsc_sysfs_is_netvsc("enP30832s1"), 0);
	CHECK_INT(vdev_netvsc_sysfs_is_netvsc("enP53091s1"), 0);
	CHECK_INT(vdev_netvsc_sysfs_is_netvsc("lo"), 0);
	CHECK_INT(vdev_netvsc_sysfs_is_netvsc("nosuch0"), 0);
	set_class_id("{F8615163-DF3E-46C5-913F-F2D2F965ED0E}");
	CHECK_INT(vdev_netvsc_sysfs_is_netvsc("eth1"), 1);
	set_class_id(TREE_CLASS_STORAGE "\n");
	CHECK_INT(vdev_netvsc_sysfs_is_netvsc("eth1"), 0);
	set_class_id(TREE_CLASS_NETVSC "\n");
	CHECK_INT(vdev_netvsc_sysfs_is_netvsc("eth1"), 1);
}

static void
test_pci(void)
{
	struct vdev_netvsc_pci pci;

	unit_begin("pci mlx5");
	memset(&pci, 0xff, sizeof(pci));
	CHECK_INT(vdev_netvsc_sysfs_pci("enP30832s1", &pci), 0);
	CHECK_STR(pci.addr, PCI_MLX);
	CHECK_INT(pci.vendor, 0x15b3);
	CHECK_INT(pci.device, 0x1016);

	unit_begin("pci MANA");
	CHECK_INT(vdev_netvsc_sysfs_pci("enP53091s1", &pci), 0);
	CHECK_STR(pci.addr, PCI_MANA);
	CHECK_INT(pci.vendor, 0x1414);
	CHECK_INT(pci.device, 0x00ba);

	unit_begin("pci of non-PCI");
	CHECK_INT(vdev_netvsc_sysfs_pci("eth1", &pci), -ENODEV);
	CHECK_INT(vdev_netvsc_sysfs_pci("lo", &pci), -ENODEV);
	CHECK_INT(vdev_netvsc_sysfs_pci("nosuch0", &pci), -ENODEV);

	/* IDs as the kernel prints them, and what it never prints. */
	unit_begin("pci ID without newline");
	tree_write(root, "bus/pci/devices/" PCI_MLX "/vendor", "0x15b3");
	CHECK_INT(vdev_netvsc_sysfs_pci("enP30832s1", &pci), 0);
	CHECK_INT(pci.vendor, 0x15b3);
	unit_begin("pci ID not hex");
	tree_write(root, "bus/pci/devices/" PCI_MLX "/vendor", "0xzz\n");
	CHECK_INT(vdev_netvsc_sysfs_pci("enP30832s1", &pci), -EINVAL);
	unit_begin("pci ID too large");
	tree_write(root, "bus/pci/devices/" PCI_MLX "/vendor", "0x115b3\n");
	CHECK_INT(vdev_netvsc_sysfs_pci("enP30832s1", &pci), -EINVAL);
	unit_begin("pci ID empty");
	tree_write(root, "bus/pci/devices/" PCI_MLX "/vendor", "\n");
	CHECK_INT(vdev_netvsc_sysfs_pci("enP30832s1", &pci), -EINVAL);
	tree_write(root, "bus/pci/devices/" PCI_MLX "/vendor", "0x15b3\n");
	unit_begin("pci device ID missing");
	tree_unlink(root, "bus/pci/devices/" PCI_MLX "/device");
	CHECK_INT(vdev_netvsc_sysfs_pci("enP30832s1", &pci), -ENOENT);
	tree_write(root, "bus/pci/devices/" PCI_MLX "/device", "0x1016\n");
	CHECK_INT(vdev_netvsc_sysfs_pci("enP30832s1", &pci), 0);

	/* A device whose subsystem is not the PCI bus is not a VF. */
	unit_begin("pci subsystem of another bus");
	tree_unlink(root, "bus/pci/devices/" PCI_MLX "/subsystem");
	tree_symlink(root, "bus/pci/devices/" PCI_MLX "/subsystem",
		     "../../../../bus/platform");
	CHECK_INT(vdev_netvsc_sysfs_pci("enP30832s1", &pci), -ENODEV);
	/* nor one whose bus name merely starts like it */
	tree_unlink(root, "bus/pci/devices/" PCI_MLX "/subsystem");
	tree_symlink(root, "bus/pci/devices/" PCI_MLX "/subsystem",
		     "../../../../bus/pci_express");
	CHECK_INT(vdev_netvsc_sysfs_pci("enP30832s1", &pci), -ENODEV);
	tree_unlink(root, "bus/pci/devices/" PCI_MLX "/subsystem");
	tree_symlink(root, "bus/pci/devices/" PCI_MLX "/subsystem",
		     "../../../../bus/pci");
	unit_begin("pci restored");
	CHECK_INT(vdev_netvsc_sysfs_pci("enP30832s1", &pci), 0);
	CHECK_STR(pci.addr, PCI_MLX);
}

static void
test_upper(void)
{
	char upper[IF_NAMESIZE];
	char small[4];

	unit_begin("upper");
	memset(upper, 0, sizeof(upper));
	CHECK_INT(vdev_netvsc_sysfs_upper("enP30832s1", upper, sizeof(upper)),
		  0);
	CHECK_STR(upper, "eth1");
	CHECK_INT(vdev_netvsc_sysfs_upper("eth1", upper, sizeof(upper)),
		  -ENOENT);
	CHECK_INT(vdev_netvsc_sysfs_upper("enP53091s1", upper, sizeof(upper)),
		  -ENOENT);
	CHECK_INT(vdev_netvsc_sysfs_upper("lo", upper, sizeof(upper)), -ENOENT);
	CHECK_INT(vdev_netvsc_sysfs_upper("nosuch0", upper, sizeof(upper)),
		  -ENOENT);
	/* A name that does not fit is never returned cut short. */
	CHECK(vdev_netvsc_sysfs_upper("enP30832s1", small, sizeof(small)) != 0);
	/* lower_ links (of the master) are not upper_ ones */
	tree_symlink(root, "class/net/eth1/lower_enP30832s1",
		     "../enP30832s1");
	CHECK_INT(vdev_netvsc_sysfs_upper("eth1", upper, sizeof(upper)),
		  -ENOENT);
	tree_unlink(root, "class/net/eth1/lower_enP30832s1");
}

static void
test_classify(void)
{
	struct vdev_netvsc_netdev nd;

	unit_begin("classify");
	memset(&nd, 0xee, sizeof(nd));
	snprintf(nd.link.name, sizeof(nd.link.name), "eth1");
	CHECK_INT(vdev_netvsc_snapshot_classify(&nd), VDEV_NETVSC_KIND_NETVSC);
	CHECK_INT(nd.kind, VDEV_NETVSC_KIND_NETVSC);
	CHECK_STR(nd.pci.addr, "");

	memset(&nd, 0xee, sizeof(nd));
	snprintf(nd.link.name, sizeof(nd.link.name), "enP53091s1");
	CHECK_INT(vdev_netvsc_snapshot_classify(&nd), VDEV_NETVSC_KIND_PCI);
	CHECK_STR(nd.pci.addr, PCI_MANA);
	CHECK_INT(nd.pci.vendor, 0x1414);
	CHECK_INT(nd.pci.device, 0x00ba);

	memset(&nd, 0xee, sizeof(nd));
	snprintf(nd.link.name, sizeof(nd.link.name), "lo");
	CHECK_INT(vdev_netvsc_snapshot_classify(&nd), VDEV_NETVSC_KIND_OTHER);
	CHECK_STR(nd.pci.addr, "");
	CHECK_INT(nd.pci.vendor, 0);
}

static void
test_missing_tree(void)
{
	char path[4096];
	struct vdev_netvsc_pci pci;
	int ret;

	/*
	 * No VMBus tree, and class/net's device links lead nowhere (not a
	 * Hyper-V guest): class/net is listed, nothing is a NetVSC.
	 */
	unit_begin("no VMBus tree");
	tree_rename(root, "bus/vmbus", "bus.vmbus.away");
	CHECK_STR(netvsc_names(&ret), "");
	CHECK_INT(ret, 0);
	CHECK_STR(pci_names(&ret), "enP30832s1,enP53091s1");
	CHECK_INT(ret, 0);
	CHECK_INT(vdev_netvsc_sysfs_is_netvsc("eth1"), 0);
	tree_rename(root, "bus.vmbus.away", "bus/vmbus");
	CHECK_STR(netvsc_names(&ret), "eth1");
	CHECK_INT(ret, 0);

	/*
	 * A sysfs view with class/net but no VMBus bus (a container's): the
	 * NetVSCs are those whose device has the NetVSC class_id.
	 */
	unit_begin("class/net without VMBus tree");
	tree_vmbus_hide(root);
	CHECK_INT(vdev_netvsc_sysfs_is_netvsc("eth1"), 1);
	CHECK_STR(netvsc_names(&ret), "eth1");
	CHECK_INT(ret, 0);
	tree_vmbus_show(root);
	CHECK_STR(netvsc_names(&ret), "eth1");
	CHECK_INT(ret, 0);

	unit_begin("no tree at all");
	snprintf(path, sizeof(path), "%s/does-not-exist", root);
	setenv("VDEV_NETVSC_SYSFS_ROOT", path, 1);
	CHECK_STR(netvsc_names(&ret), "");
	CHECK_INT(ret, -ENOENT);
	CHECK_STR(pci_names(&ret), "");
	CHECK_INT(ret, -ENOENT);
	CHECK_INT(vdev_netvsc_sysfs_is_netvsc("eth1"), 0);
	CHECK_INT(vdev_netvsc_sysfs_pci("enP30832s1", &pci), -ENODEV);
	setenv("VDEV_NETVSC_SYSFS_ROOT", root, 1);
}

int
main(int argc, char **argv)
{
	const char *base = argc > 1 ? argv[1] : ".";

	if (test_driver_log(&vdev_netvsc_logtype, false) != 0)
		return 1;
	root = tree_create(base);
	atexit(cleanup);
	build_guest();
	test_root();
	test_netvsc_list();
	test_pci_list();
	test_is_netvsc();
	test_pci();
	test_upper();
	test_classify();
	test_missing_tree();
	return unit_summary("unit-sysfs");
}
