/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * A temporary sysfs-like tree, laid out as in a Hyper-V guest, for the
 * driver to read through $VDEV_NETVSC_SYSFS_ROOT:
 *
 *   bus/vmbus/devices/<guid>/{class_id,device_id,subsystem->bus/vmbus}
 *   bus/vmbus/devices/<guid>/net/<ifname>/
 *   bus/pci/devices/<addr>/{vendor,device,subsystem->bus/pci}
 *   bus/pci/devices/<addr>/net/<ifname>/
 *   class/net/<ifname>/device -> ../../../bus/<bus>/devices/<id>
 *   class/net/<ifname>/upper_<master> -> ../<master>
 *
 * Every function exits the test (status 1) when the file system fails it:
 * a tree that is not what the test thinks would make its checks lie.
 */

#ifndef UNIT_TREE_H
#define UNIT_TREE_H

#include <stdint.h>

/** Hyper-V class GUIDs as sysfs prints them. */
#define TREE_CLASS_NETVSC "{f8615163-df3e-46c5-913f-f2d2f965ed0e}"
#define TREE_CLASS_STORAGE "{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}"

/** Make a new empty tree in a fresh directory under @p base; returns it. */
char *tree_create(const char *base);
/** Remove a tree and everything in it (never follows links out of it). */
void tree_destroy(char *root);

/** Write a file relative to the tree, creating its directories. */
void tree_write(const char *root, const char *rel, const char *content);
/** Make a directory relative to the tree, with its parents. */
void tree_mkdir(const char *root, const char *rel);
/** Make a symbolic link at @p rel with target @p target (as given). */
void tree_symlink(const char *root, const char *rel, const char *target);
/** Remove one file, link or empty directory relative to the tree. */
void tree_unlink(const char *root, const char *rel);
/** Remove a subtree relative to the tree. */
void tree_rmtree(const char *root, const char *rel);
/** Rename within the tree. */
void tree_rename(const char *root, const char *from, const char *to);

/** A VMBus device of class @p class_id (written with a newline). */
void tree_vmbus_device(const char *root, const char *guid,
		       const char *class_id);
/** A NetVSC: a VMBus device of the NetVSC class with netdevice @p ifname. */
void tree_netvsc(const char *root, const char *guid, const char *ifname);
/** A PCI device with netdevice @p ifname (none when NULL). */
void tree_pci(const char *root, const char *addr, uint16_t vendor,
	      uint16_t device, const char *ifname);
/** Record in sysfs that @p ifname is enslaved to @p upper. */
void tree_upper(const char *root, const char *ifname, const char *upper);
/**
 * Rename netdevice @p from to @p to, as the kernel renames its sysfs
 * entries: class/net/<name> and the net/<name> of its device.
 */
void tree_netdev_rename(const char *root, const char *from, const char *to);
/** Remove a netdevice from the tree (class/net and its device's net/). */
void tree_netdev_remove(const char *root, const char *ifname);
/**
 * A sysfs view without the VMBus bus, as a container's partial one: the
 * VMBus devices move out of bus/ (to devices.vmbus/) and the class/net
 * device links follow them, so class/net/<if>/device/class_id still reads.
 */
void tree_vmbus_hide(const char *root);
/** Undo tree_vmbus_hide(). */
void tree_vmbus_show(const char *root);

#endif /* UNIT_TREE_H */
