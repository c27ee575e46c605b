/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/* A temporary sysfs-like tree: see tree.h. */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"

static void __attribute__((noreturn, format(printf, 1, 2)))
tree_die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	fputs("tree: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	exit(1);
}

static void __attribute__((format(printf, 4, 5)))
tree_path(char *path, size_t size, const char *root, const char *fmt, ...)
{
	va_list ap;
	int n, m;

	n = snprintf(path, size, "%s/", root);
	va_start(ap, fmt);
	m = vsnprintf(path + n, size - n, fmt, ap);
	va_end(ap);
	if (n < 0 || m < 0 || (size_t)(n + m) >= size) {
		errno = ENAMETOOLONG;
		tree_die("path under %s", root);
	}
}

static void
mkdir_p(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p != '\0'; ++p) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			tree_die("mkdir %s", buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		tree_die("mkdir %s", buf);
}

/** Make the parent directories of a path. */
static void
mkdir_parent(const char *path)
{
	char buf[PATH_MAX];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	slash = strrchr(buf, '/');
	if (slash != NULL && slash != buf) {
		*slash = '\0';
		mkdir_p(buf);
	}
}

char *
tree_create(const char *base)
{
	char path[PATH_MAX];
	char *root;

	mkdir_p(base);
	snprintf(path, sizeof(path), "%s/sysfs.XXXXXX", base);
	if (mkdtemp(path) == NULL)
		tree_die("mkdtemp %s", path);
	root = strdup(path);
	if (root == NULL)
		tree_die("strdup");
	return root;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path);
	return unlink(path);
}

static void
rm_tree(const char *path)
{
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0 &&
	    errno != ENOENT)
		tree_die("remove %s", path);
}

void
tree_destroy(char *root)
{
	if (root == NULL)
		return;
	rm_tree(root);
	free(root);
}

void
tree_write(const char *root, const char *rel, const char *content)
{
	char path[PATH_MAX];
	size_t len = strlen(content);
	int fd;

	tree_path(path, sizeof(path), root, "%s", rel);
	mkdir_parent(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		tree_die("open %s", path);
	if (write(fd, content, len) != (ssize_t)len)
		tree_die("write %s", path);
	close(fd);
}

void
tree_mkdir(const char *root, const char *rel)
{
	char path[PATH_MAX];

	tree_path(path, sizeof(path), root, "%s", rel);
	mkdir_p(path);
}

void
tree_symlink(const char *root, const char *rel, const char *target)
{
	char path[PATH_MAX];

	tree_path(path, sizeof(path), root, "%s", rel);
	mkdir_parent(path);
	if (symlink(target, path) != 0)
		tree_die("symlink %s -> %s", path, target);
}

void
tree_unlink(const char *root, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	tree_path(path, sizeof(path), root, "%s", rel);
	if (lstat(path, &st) != 0)
		tree_die("lstat %s", path);
	if ((S_ISDIR(st.st_mode) ? rmdir(path) : unlink(path)) != 0)
		tree_die("remove %s", path);
}

void
tree_rmtree(const char *root, const char *rel)
{
	char path[PATH_MAX];

	tree_path(path, sizeof(path), root, "%s", rel);
	rm_tree(path);
}

void
tree_rename(const char *root, const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];

	tree_path(a, sizeof(a), root, "%s", from);
	tree_path(b, sizeof(b), root, "%s", to);
	if (rename(a, b) != 0)
		tree_die("rename %s %s", a, b);
}

void
tree_vmbus_device(const char *root, const char *guid, const char *class_id)
{
	char rel[PATH_MAX], content[128];

	snprintf(rel, sizeof(rel), "bus/vmbus/devices/%s/class_id", guid);
	snprintf(content, sizeof(content), "%s\n", class_id);
	tree_write(root, rel, content);
	/* device_id is the instance GUID, the directory's name in braces */
	snprintf(rel, sizeof(rel), "bus/vmbus/devices/%s/device_id", guid);
	snprintf(content, sizeof(content), "{%s}\n", guid);
	tree_write(root, rel, content);
	snprintf(rel, sizeof(rel), "bus/vmbus/devices/%s/subsystem", guid);
	tree_symlink(root, rel, "../../../../bus/vmbus");
}

/** class/net/<ifname>/device -> the device, and the device's net/<ifname>. */
static void
tree_netdev(const char *root, const char *bus, const char *id,
	    const char *ifname)
{
	char rel[PATH_MAX], target[PATH_MAX];

	snprintf(rel, sizeof(rel), "bus/%s/devices/%s/net/%s", bus, id, ifname);
	tree_mkdir(root, rel);
	snprintf(rel, sizeof(rel), "class/net/%s/device", ifname);
	snprintf(target, sizeof(target), "../../../bus/%s/devices/%s", bus, id);
	tree_symlink(root, rel, target);
}

void
tree_netvsc(const char *root, const char *guid, const char *ifname)
{
	tree_vmbus_device(root, guid, TREE_CLASS_NETVSC);
	tree_netdev(root, "vmbus", guid, ifname);
}

void
tree_pci(const char *root, const char *addr, uint16_t vendor,
	 uint16_t device, const char *ifname)
{
	char rel[PATH_MAX], content[16];

	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/vendor", addr);
	snprintf(content, sizeof(content), "0x%04x\n", vendor);
	tree_write(root, rel, content);
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/device", addr);
	snprintf(content, sizeof(content), "0x%04x\n", device);
	tree_write(root, rel, content);
	snprintf(rel, sizeof(rel), "bus/pci/devices/%s/subsystem", addr);
	tree_symlink(root, rel, "../../../../bus/pci");
	if (ifname != NULL)
		tree_netdev(root, "pci", addr, ifname);
}

void
tree_upper(const char *root, const char *ifname, const char *upper)
{
	char rel[PATH_MAX], target[PATH_MAX];

	snprintf(rel, sizeof(rel), "class/net/%s/upper_%s", ifname, upper);
	snprintf(target, sizeof(target), "../%s", upper);
	tree_symlink(root, rel, target);
}

/** The device directory of a netdevice, relative to the tree. */
static void
tree_netdev_device(const char *root, const char *ifname, char *dev,
		   size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	const char *p;

	tree_path(path, sizeof(path), root, "class/net/%s/device", ifname);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		tree_die("readlink %s", path);
	target[n] = '\0';
	/* "../../../bus/..." relative to class/net/<ifname> */
	p = target;
	while (strncmp(p, "../", 3) == 0)
		p += 3;
	snprintf(dev, size, "%s", p);
}

void
tree_netdev_rename(const char *root, const char *from, const char *to)
{
	char dev[PATH_MAX], a[PATH_MAX], b[PATH_MAX];

	tree_netdev_device(root, from, dev, sizeof(dev));
	snprintf(a, sizeof(a), "%s/net/%s", dev, from);
	snprintf(b, sizeof(b), "%s/net/%s", dev, to);
	tree_rename(root, a, b);
	snprintf(a, sizeof(a), "class/net/%s", from);
	snprintf(b, sizeof(b), "class/net/%s", to);
	tree_rename(root, a, b);
}

void
tree_netdev_remove(const char *root, const char *ifname)
{
	char dev[PATH_MAX], rel[PATH_MAX];

	tree_netdev_device(root, ifname, dev, sizeof(dev));
	snprintf(rel, sizeof(rel), "%s/net/%s", dev, ifname);
	tree_rmtree(root, rel);
	snprintf(rel, sizeof(rel), "class/net/%s", ifname);
	tree_rmtree(root, rel);
}

/**
 * Point every class/net/<ifname>/device link from one device directory
 * prefix to another (targets are relative to class/net/<ifname>/).
 */
static void
tree_relink_devices(const char *root, const char *from, const char *to)
{
	char dir[PATH_MAX], rel[PATH_MAX], target[PATH_MAX], fixed[PATH_MAX];
	size_t len = strlen(from);
	struct dirent *e;
	ssize_t n;
	DIR *d;

	tree_path(dir, sizeof(dir), root, "class/net");
	d = opendir(dir);
	if (d == NULL)
		tree_die("opendir %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "class/net/%s/device", e->d_name);
		tree_path(target, sizeof(target), root, "%s", rel);
		n = readlink(target, fixed, sizeof(fixed) - 1);
		if (n < 0)
			continue; /* a virtual netdevice: no device link */
		fixed[n] = '\0';
		if (strncmp(fixed, from, len) != 0)
			continue;
		snprintf(target, sizeof(target), "%s%s", to, fixed + len);
		tree_unlink(root, rel);
		tree_symlink(root, rel, target);
	}
	closedir(d);
}

void
tree_vmbus_hide(const char *root)
{
	tree_rename(root, "bus/vmbus", "devices.vmbus");
	tree_relink_devices(root, "../../../bus/vmbus/", "../../../devices.vmbus/");
}

void
tree_vmbus_show(const char *root)
{
	tree_rename(root, "devices.vmbus", "bus/vmbus");
	tree_relink_devices(root, "../../../devices.vmbus/", "../../../bus/vmbus/");
}
