/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * fuzz_sysfs: the sysfs readers (vdev_netvsc_sysfs.c, and
 * vdev_netvsc_snapshot_classify() on top of them) on a tree whose values
 * come from the input: a VMBus device's class_id, a PCI device's vendor
 * and device IDs, netdevice names, an upper_ entry, odd link targets.
 *
 * The input is fields separated by NUL bytes, each optional:
 *   0 class_id file of VMBus device A (as written, newline or not)
 *   1 name of A's netdevice (none when empty)
 *   2 name of the PCI device directory (default 7870:00:02.0)
 *   3 its vendor file    4 its device file
 *   5 name of the PCI device's netdevice (none when empty)
 *   6 suffix of an upper_<suffix> entry of that netdevice (none if absent)
 *   7 target of its class/net/<name>/device link (the right one if empty)
 *   8 target of the PCI device's subsystem link (../../../../bus/pci if
 *     empty)
 * Names lose '/' and are at most 255 bytes, as in a directory.
 *
 * Each answer is checked against the tree read independently (whole files,
 * links resolved by the kernel): the lists hold the names that fit a
 * netdevice's (IF_NAMESIZE); a NetVSC is a device whose class_id is
 * the NetVSC GUID, case aside, once trailing newlines and blanks are gone
 * (the file at most 63 bytes); a PCI identity needs a subsystem link
 * ending in "pci", a device link ending in a real name, and IDs that
 * strtoul() reads whole in base 16, that fit in 16 bits (the file at most
 * 15 bytes); an upper_ entry needs a name after the prefix that
 * fits; classify agrees with the readers; no fd is left open.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "vdev_netvsc_private.h"
#include "tree.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define GUID_A "000d3a6e-4c2f-000d-3a6e-4c2f000d3a6e"
#define FIELDS 9
#define NAME_MAX_LEN 255
/** Longest class_id and ID files the driver reads, newline included. */
#define CLASS_MAX 63
#define ID_MAX 15

/** Where the trees go: a tmpfs when there is one. */
static const char *tree_base;
/** Lowest free fd when nothing of an input is open. */
static int fd_baseline;

/** One field of the input (not NUL-terminated in the input). */
struct field {
	const char *p;
	size_t len;
	bool present;
};

static void
split(const uint8_t *data, size_t size, struct field *f)
{
	const char *p = (const char *)data;
	const char *end = p + size;
	unsigned int i;

	memset(f, 0, sizeof(*f) * FIELDS);
	for (i = 0; i != FIELDS && p <= end; ++i) {
		const char *nul = memchr(p, '\0', end - p);

		f[i].p = p;
		f[i].len = (nul != NULL ? nul : end) - p;
		f[i].present = true;
		if (nul == NULL)
			break;
		p = nul + 1;
	}
}

/** A file or directory name from a field: no '/', not "." or "..". */
static void
field_name(const struct field *f, char *name, size_t size, const char *dflt)
{
	size_t i, n = 0;

	for (i = 0; i != f->len && n + 1 < size && n < NAME_MAX_LEN; ++i)
		if (f->p[i] != '/')
			name[n++] = f->p[i];
	name[n] = '\0';
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    (n == 0 && dflt != NULL))
		snprintf(name, size, "%s", dflt != NULL ? dflt : "");
}

static void
field_str(const struct field *f, char *s, size_t size)
{
	size_t n = RTE_MIN(f->len, size - 1);

	if (n != 0)
		memcpy(s, f->p, n);
	s[n] = '\0';
}

/** A whole file of the tree, or false. */
static bool
read_whole(const char *path, char *buf, size_t size)
{
	FILE *file = fopen(path, "re");
	size_t n;

	if (file == NULL)
		return false;
	n = fread(buf, 1, size - 1, file);
	buf[n] = '\0';
	fclose(file);
	return true;
}

static void
strip_trailing(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

/** Oracle: whether a class_id file names the NetVSC class. */
static bool
oracle_netvsc(const char *path)
{
	char buf[8192];

	if (!read_whole(path, buf, sizeof(buf)) || strlen(buf) > CLASS_MAX)
		return false;
	strip_trailing(buf);
	return strcasecmp(buf, VDEV_NETVSC_CLASS_ID) == 0;
}

/** Oracle: an ID file, or -1. */
static long
oracle_id(const char *path)
{
	char buf[8192];
	unsigned long v;
	char *end;

	if (!read_whole(path, buf, sizeof(buf)) || strlen(buf) > ID_MAX)
		return -1;
	strip_trailing(buf);
	errno = 0;
	v = strtoul(buf, &end, 16);
	if (errno != 0 || end == buf || *end != '\0' || v > UINT16_MAX)
		return -1;
	return (long)v;
}

/** Oracle: the last component of a link's target, or false. */
static bool
oracle_link_base(const char *path, char *base, size_t size)
{
	char target[PATH_MAX];
	const char *slash;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	slash = strrchr(target, '/');
	slash = slash != NULL ? slash + 1 : target;
	if (strlen(slash) >= size)
		return false;
	snprintf(base, size, "%s", slash);
	return true;
}

/** "<root>/<fmt...>": a path of the tree for the oracles. */
static void __attribute__((format(printf, 4, 5)))
tree_file(char *path, size_t size, const char *root, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(path, size, "%s/", root);

	va_start(ap, fmt);
	vsnprintf(path + n, size - n, fmt, ap);
	va_end(ap);
}

/**
 * A listing: empty on error, else @p want alone, or nothing when @p want
 * is "" or longer than a netdevice name can be.
 */
static void
check_list(int (*list)(struct vdev_netvsc_names *), const char *what,
	   const char *want)
{
	struct vdev_netvsc_names names;
	bool listed = want[0] != '\0' && strlen(want) < IF_NAMESIZE;
	int ret;

	memset(&names, 0x5a, sizeof(names));
	ret = list(&names);
	FUZZ_CHECK(ret == 0, "%s %d", what, ret);
	FUZZ_CHECK(names.count == (listed ? 1u : 0u), "%s: %u names", what,
		   names.count);
	if (listed && names.count == 1)
		FUZZ_CHECK(strcmp(names.name[0], want) == 0);
	vdev_netvsc_names_free(&names);
}

/** The lists hold A's netdevice if A is a NetVSC, and the PCI one. */
static void
check_walks(const char *root, const char *if_a, const char *if_p,
	    const char *pci_dir)
{
	char path[PATH_MAX];
	bool netvsc;

	tree_file(path, sizeof(path), root, "bus/vmbus/devices/%s/class_id",
		  GUID_A);
	netvsc = oracle_netvsc(path);
	check_list(vdev_netvsc_sysfs_netvsc_list, "netvsc_list",
		   netvsc ? if_a : "");
	/* Device directories beginning with '.' are skipped, as by EAL. */
	check_list(vdev_netvsc_sysfs_pci_list, "pci_list",
		   pci_dir[0] != '.' ? if_p : "");
}

/** What the readers say of one netdevice, against the oracles. */
static void
check_netdev(const char *root, const char *ifname)
{
	struct vdev_netvsc_netdev nd = { .link.ifindex = 1 };
	struct vdev_netvsc_pci pci;
	char upper[IF_NAMESIZE];
	char path[PATH_MAX], base[VDEV_NETVSC_PCI_ADDR_LEN], bus[16];
	bool on_pci, upper_ok = false;
	long vendor, device;
	int is_netvsc, ret;
	DIR *dir;
	struct dirent *e;

	tree_file(path, sizeof(path), root, "class/net/%s/device/class_id",
		  ifname);
	is_netvsc = vdev_netvsc_sysfs_is_netvsc(ifname);
	FUZZ_CHECK(is_netvsc == oracle_netvsc(path), "is_netvsc(%s) %d",
		   ifname, is_netvsc);

	memset(&pci, 0x5a, sizeof(pci));
	ret = vdev_netvsc_sysfs_pci(ifname, &pci);
	tree_file(path, sizeof(path), root, "class/net/%s/device/subsystem",
		  ifname);
	on_pci = oracle_link_base(path, bus, sizeof(bus)) &&
		 strcmp(bus, "pci") == 0;
	if (!on_pci) {
		FUZZ_CHECK(ret != 0, "sysfs_pci(%s) on bus %s", ifname, bus);
	} else {
		tree_file(path, sizeof(path), root, "class/net/%s/device",
			  ifname);
		on_pci = oracle_link_base(path, base, sizeof(base)) &&
			 base[0] != '\0' && strcmp(base, ".") != 0 &&
			 strcmp(base, "..") != 0;
		tree_file(path, sizeof(path), root,
			  "class/net/%s/device/vendor", ifname);
		vendor = oracle_id(path);
		tree_file(path, sizeof(path), root,
			  "class/net/%s/device/device", ifname);
		device = oracle_id(path);
		on_pci = on_pci && vendor >= 0 && device >= 0;
		FUZZ_CHECK((ret == 0) == on_pci, "sysfs_pci(%s) %d", ifname,
			   ret);
		if (ret == 0) {
			FUZZ_CHECK(strcmp(pci.addr, base) == 0,
				   "address \"%s\", link \"%s\"", pci.addr,
				   base);
			FUZZ_CHECK(pci.vendor == vendor && pci.device == device);
		}
	}

	/* classify: the readers' answers, NetVSC first */
	snprintf(nd.link.name, sizeof(nd.link.name), "%s", ifname);
	if (strlen(ifname) < IF_NAMESIZE) {
		vdev_netvsc_snapshot_classify(&nd);
		FUZZ_CHECK(nd.kind == (is_netvsc ? VDEV_NETVSC_KIND_NETVSC :
				       ret == 0 ? VDEV_NETVSC_KIND_PCI :
				       VDEV_NETVSC_KIND_OTHER));
	}

	ret = vdev_netvsc_sysfs_upper(ifname, upper, sizeof(upper));
	tree_file(path, sizeof(path), root, "class/net/%s", ifname);
	dir = opendir(path);
	while (dir != NULL && (e = readdir(dir)) != NULL) {
		size_t len;

		if (strncmp(e->d_name, "upper_", 6) != 0)
			continue;
		len = strlen(e->d_name + 6);
		if (len > 0 && len < sizeof(upper)) {
			upper_ok = true;
			if (ret == 0 && strcmp(upper, e->d_name + 6) == 0)
				ret = 1; /* found the one returned */
		}
	}
	if (dir != NULL)
		closedir(dir);
	FUZZ_CHECK(upper_ok ? ret == 1 : ret < 0, "upper(%s) %d \"%s\"",
		   ifname, ret, ret == 0 ? upper : "");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_log_init();
	tree_base = getenv("FUZZ_TMPDIR");
	if (tree_base == NULL)
		tree_base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	fd_baseline = dup(0);
	close(fd_baseline);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct field f[FIELDS];
	char if_a[NAME_MAX_LEN + 1], if_p[NAME_MAX_LEN + 1];
	char pci_dir[NAME_MAX_LEN + 1], suffix[NAME_MAX_LEN + 1];
	char rel[PATH_MAX], target[PATH_MAX], content[8192];
	char *root;
	int fd;

	split(data, size, f);
	root = tree_create(tree_base);
	setenv("VDEV_NETVSC_SYSFS_ROOT", root, 1);

	/* VMBus device A, maybe a NetVSC, maybe with a netdevice */
	field_str(&f[0], content, sizeof(content));
	snprintf(rel, sizeof(rel), "bus/vmbus/devices/%s/class_id", GUID_A);
	tree_write(root, rel, content);
	snprintf(rel, sizeof(rel), "bus/vmbus/devices/%s/subsystem", GUID_A);
	tree_symlink(root, rel, "../../../../bus/vmbus");
	field_name(&f[1], if_a, sizeof(if_a), NULL);
	if (if_a[0] != '\0') {
		snprintf(rel, sizeof(rel), "bus/vmbus/devices/%s/net/%s",
			 GUID_A, if_a);
		tree_mkdir(root, rel);
		snprintf(rel, sizeof(rel), "class/net/%s/device", if_a);
		tree_symlink(root, rel, "../../../bus/vmbus/devices/" GUID_A);
	}

	/* the PCI device, its IDs and links */
	field_name(&f[2], pci_dir, sizeof(pci_dir), "7870:00:02.0");
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/vendor", pci_dir);
	field_str(&f[3], content, sizeof(content));
	tree_write(root, rel, content);
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/device", pci_dir);
	field_str(&f[4], content, sizeof(content));
	tree_write(root, rel, content);
	field_str(&f[8], target, sizeof(target));
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/subsystem", pci_dir);
	tree_symlink(root, rel, target[0] ? target : "../../../../bus/pci");
	field_name(&f[5], if_p, sizeof(if_p), NULL);
	if (strcmp(if_p, if_a) == 0 && if_p[0] != '\0')
		snprintf(if_p, sizeof(if_p), "%.200s-vf", if_a);
	if (if_p[0] != '\0') {
		snprintf(rel, sizeof(rel), "bus/pci/devices/%s/net/%s",
			 pci_dir, if_p);
		tree_mkdir(root, rel);
		field_str(&f[7], target, sizeof(target));
		if (target[0] == '\0')
			snprintf(target, sizeof(target),
				 "../../../bus/pci/devices/%s", pci_dir);
		snprintf(rel, sizeof(rel), "class/net/%s/device", if_p);
		tree_symlink(root, rel, target);
		if (f[6].present) {
			field_name(&f[6], suffix, sizeof(suffix) - 6, NULL);
			snprintf(rel, sizeof(rel), "class/net/%s/upper_%s",
				 if_p, suffix);
			tree_symlink(root, rel, "../eth1");
		}
	}

	check_walks(root, if_a, if_p, pci_dir);
	if (if_a[0] != '\0')
		check_netdev(root, if_a);
	if (if_p[0] != '\0')
		check_netdev(root, if_p);
	check_netdev(root, "nosuch0");

	tree_destroy(root);
	fd = dup(0);
	close(fd);
	FUZZ_CHECK(fd == fd_baseline, "fd %d open, baseline %d", fd,
		   fd_baseline);
	return 0;
}
