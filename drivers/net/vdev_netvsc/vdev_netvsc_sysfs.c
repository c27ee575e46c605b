/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * What sysfs says of netdevices: which are NetVSC, which sit on the PCI
 * bus. Every path is built from one root, $VDEV_NETVSC_SYSFS_ROOT or /sys,
 * so that tests can point the driver at a tree of their own.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "vdev_netvsc_fault.h"
#include "vdev_netvsc_private.h"

#define VDEV_NETVSC_SYSFS_ENV "VDEV_NETVSC_SYSFS_ROOT"
#define VDEV_NETVSC_SYSFS_DEFAULT "/sys"

/**
 * The sysfs root, read from the environment at each call, so that a test
 * can move it.
 *
 * @return
 *   $VDEV_NETVSC_SYSFS_ROOT when set and not empty, /sys otherwise.
 */
const char *
vdev_netvsc_sysfs_root(void)
{
	const char *root = getenv(VDEV_NETVSC_SYSFS_ENV);

	return root != NULL && root[0] != '\0' ?
		root : VDEV_NETVSC_SYSFS_DEFAULT;
}

/** Build "<root>/<fmt...>" into @p path; -ENAMETOOLONG on truncation. */
static int __rte_format_printf(3, 4)
vsc_path(char *path, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;
	int n;

	len = snprintf(path, size, "%s/", vdev_netvsc_sysfs_root());
	if (len < 0 || (size_t)len >= size)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	n = vsnprintf(path + len, size - len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - len)
		return -ENAMETOOLONG;
	return 0;
}

/**
 * Read a small sysfs attribute, trailing newline stripped. One that does
 * not fit is -EOVERFLOW: its beginning alone may look valid.
 */
static int
vsc_read_attr(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* A full buffer leaves no room for the NUL: the value is too long. */
	n = read(fd, buf, size);
	close(fd);
	if (n < 0)
		return -errno;
	if ((size_t)n == size)
		return -EOVERFLOW;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/** Read a "0x1414"-style ID attribute. */
static int
vsc_read_id(const char *path, uint16_t *id)
{
	char buf[16];
	unsigned long v;
	char *end;
	int ret;

	ret = vsc_read_attr(path, buf, sizeof(buf));
	if (ret != 0)
		return ret;
	errno = 0;
	v = strtoul(buf, &end, 16);
	if (errno != 0 || end == buf || *end != '\0' || v > UINT16_MAX)
		return -EINVAL;
	*id = v;
	return 0;
}

/** Whether a class_id attribute names the NetVSC class. */
static bool
vsc_class_is_netvsc(const char *path)
{
	char class_id[64];

	if (vsc_read_attr(path, class_id, sizeof(class_id)) != 0)
		return false;
	return strcasecmp(class_id, VDEV_NETVSC_CLASS_ID) == 0;
}

/** Free a list of names; it can be filled again. */
void
vdev_netvsc_names_free(struct vdev_netvsc_names *names)
{
	free(names->name);
	memset(names, 0, sizeof(*names));
}

/**
 * Add a directory entry to a list of netdevice names. The kernel gives no
 * netdevice a longer name: such an entry is none.
 */
static int
vsc_names_add(struct vdev_netvsc_names *names, const char *name)
{
	if (strlen(name) >= IF_NAMESIZE)
		return 0;
	if (names->count == names->size) {
		unsigned int size = RTE_MAX(names->size * 2, 8u);
		void *grown = VSC_ALLOC(NULL, realloc(names->name,
						 size * sizeof(*names->name)));

		if (grown == NULL)
			return -ENOMEM;
		names->name = grown;
		names->size = size;
	}
	strlcpy(names->name[names->count++], name, IF_NAMESIZE);
	return 0;
}

/**
 * Add the entries of a directory but "." and ".." to a list (a netdevice
 * name may begin with a dot: ".eth1" is valid to the kernel), only the
 * NetVSCs with @p netvsc_only.
 *
 * @return
 *   0, -ENOMEM, or the negative errno of opendir().
 */
static int
vsc_list_dir(const char *path, bool netvsc_only,
	     struct vdev_netvsc_names *names)
{
	struct dirent *e;
	DIR *dir;
	int ret = 0;

	dir = opendir(path);
	if (dir == NULL)
		return -errno;
	while (ret == 0 && (e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (netvsc_only && !vdev_netvsc_sysfs_is_netvsc(e->d_name))
			continue;
		ret = vsc_names_add(names, e->d_name);
	}
	closedir(dir);
	return ret;
}

/**
 * Add the netdevices of a bus's devices (their net/ entries) to a list,
 * only those of NetVSC class devices with @p netvsc_only.
 *
 * @return
 *   0, -ENOMEM, or a negative errno when the bus is not listed.
 */
static int
vsc_list_bus(const char *bus, bool netvsc_only,
	     struct vdev_netvsc_names *names)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int ret;

	ret = vsc_path(path, sizeof(path), "bus/%s/devices", bus);
	if (ret != 0)
		return ret;
	dir = opendir(path);
	if (dir == NULL)
		return -errno;
	while (ret == 0 && (e = readdir(dir)) != NULL) {
		/* The kernel names no device so; test tools build them under one. */
		if (e->d_name[0] == '.')
			continue;
		if (netvsc_only &&
		    (vsc_path(path, sizeof(path), "bus/%s/devices/%s/class_id",
			      bus, e->d_name) != 0 || !vsc_class_is_netvsc(path)))
			continue;
		if (vsc_path(path, sizeof(path), "bus/%s/devices/%s/net", bus,
			     e->d_name) != 0)
			continue;
		ret = vsc_list_dir(path, false, names);
		/* a device without netdevice (yet) is no error */
		if (ret != -ENOMEM)
			ret = 0;
	}
	closedir(dir);
	return ret;
}

/**
 * List the NetVSC netdevices: those the VMBus sysfs tree knows, opening
 * files per VMBus device rather than per netdevice; or, in a sysfs view
 * without that tree (a container's partial one, say), those of class/net
 * whose device has the NetVSC class_id, one class_id read per netdevice.
 *
 * @param[out] names
 *   The names, in directory order; free with vdev_netvsc_names_free().
 * @return
 *   0, -ENOMEM, or another negative errno (-ENOENT: neither tree) with
 *   @p names empty.
 */
int
vdev_netvsc_sysfs_netvsc_list(struct vdev_netvsc_names *names)
{
	char path[PATH_MAX];
	int ret;

	memset(names, 0, sizeof(*names));
	ret = vsc_list_bus("vmbus", true, names);
	if (ret == -ENOENT) {
		ret = vsc_path(path, sizeof(path), "class/net");
		if (ret == 0)
			ret = vsc_list_dir(path, true, names);
	}
	if (ret != 0)
		vdev_netvsc_names_free(names);
	return ret;
}

/**
 * List the netdevices of PCI devices: the VF candidates.
 *
 * @param[out] names
 *   The names, in directory order; free with vdev_netvsc_names_free().
 * @return
 *   0, -ENOMEM, or another negative errno (the bus is not listed) with
 *   @p names empty.
 */
int
vdev_netvsc_sysfs_pci_list(struct vdev_netvsc_names *names)
{
	int ret;

	memset(names, 0, sizeof(*names));
	ret = vsc_list_bus("pci", false, names);
	if (ret != 0)
		vdev_netvsc_names_free(names);
	return ret;
}

/**
 * Whether a netdevice is a NetVSC one.
 *
 * @param[in] ifname
 *   Netdevice name.
 * @return
 *   1 if its device has the NetVSC class GUID, 0 otherwise.
 */
int
vdev_netvsc_sysfs_is_netvsc(const char *ifname)
{
	char path[PATH_MAX];

	if (vsc_path(path, sizeof(path), "class/net/%s/device/class_id",
		    ifname) != 0)
		return 0;
	return vsc_class_is_netvsc(path);
}

/**
 * Basename of a symbolic link's target: a name, not "", "." or ".." (a
 * target ending with '/' or in a dot entry names no device).
 */
static int
vsc_link_base(const char *path, char *base, size_t size)
{
	char target[PATH_MAX];
	const char *name;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	name = strrchr(target, '/');
	name = name != NULL ? name + 1 : target;
	if (name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return -EINVAL;
	if (strlcpy(base, name, size) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/**
 * PCI identity of a netdevice, when its sysfs device is on the PCI bus.
 *
 * @param[in] ifname
 *   Netdevice name.
 * @param[out] pci
 *   Address and IDs.
 * @return
 *   0 on the PCI bus, -ENODEV when not, another negative errno on error.
 */
int
vdev_netvsc_sysfs_pci(const char *ifname, struct vdev_netvsc_pci *pci)
{
	char path[PATH_MAX];
	char bus[16];
	int ret;

	ret = vsc_path(path, sizeof(path), "class/net/%s/device/subsystem",
		      ifname);
	if (ret != 0)
		return ret;
	if (vsc_link_base(path, bus, sizeof(bus)) != 0 ||
	    strcmp(bus, "pci") != 0)
		return -ENODEV;
	ret = vsc_path(path, sizeof(path), "class/net/%s/device", ifname);
	if (ret != 0)
		return ret;
	ret = vsc_link_base(path, pci->addr, sizeof(pci->addr));
	if (ret != 0)
		return ret;
	ret = vsc_path(path, sizeof(path), "class/net/%s/device/vendor", ifname);
	if (ret == 0)
		ret = vsc_read_id(path, &pci->vendor);
	if (ret == 0)
		ret = vsc_path(path, sizeof(path), "class/net/%s/device/device",
			      ifname);
	if (ret == 0)
		ret = vsc_read_id(path, &pci->device);
	return ret;
}

/**
 * The master a netdevice is enslaved to according to sysfs (upper_ link),
 * for kernels whose netlink does not say it.
 *
 * @param[in] ifname
 *   Netdevice name.
 * @param[out] upper
 *   Name of its upper netdevice.
 * @param[in] size
 *   Size of @p upper.
 * @return
 *   0 when found, -ENOENT when none, another negative errno on error.
 */
int
vdev_netvsc_sysfs_upper(const char *ifname, char *upper, size_t size)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int ret;

	ret = vsc_path(path, sizeof(path), "class/net/%s", ifname);
	if (ret != 0)
		return ret;
	dir = opendir(path);
	if (dir == NULL)
		return -errno;
	ret = -ENOENT;
	while (ret != 0 && (e = readdir(dir)) != NULL) {
		/* "upper_" alone names nothing: no netdevice has an empty name. */
		if (strncmp(e->d_name, "upper_", 6) == 0 &&
		    e->d_name[6] != '\0' &&
		    strlcpy(upper, e->d_name + 6, size) < size)
			ret = 0;
	}
	closedir(dir);
	return ret;
}
