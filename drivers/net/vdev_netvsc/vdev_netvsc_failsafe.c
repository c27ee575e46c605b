/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Which fail-safe serves our ports. From DPDK 21.11 to 26.07, fail-safe's
 * VF removal path crashes or silences the application (it keeps its fast
 * bursts in rte_eth_fp_ops after a removal, and releases the removed port
 * twice): the very moment this driver exists for. The fail-safe built and
 * installed with this driver carries the fixes, and says so with an
 * exported marker, vdev_netvsc_failsafe_fixes (failsafe/ in our tree).
 * Any other fail-safe gets one warning, with what to do.
 */

#include <dlfcn.h>
#include <link.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_ethdev.h>

#include "vdev_netvsc_private.h"

/** The marker the fixed fail-safe exports: how many fixes it carries. */
#define VSC_FAILSAFE_MARKER "vdev_netvsc_failsafe_fixes"

/** An address, and the loaded object that holds it once found. */
struct vsc_object {
	uintptr_t addr; /**< an address inside the object sought */
	const char *name; /**< its file name ("" for the program) */
};

/** dl_iterate_phdr() callback: stop at the object holding obj->addr. */
static int
vsc_object_find(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct vsc_object *obj = arg;
	uintptr_t start;
	unsigned int i;

	RTE_SET_USED(size);
	for (i = 0; i != info->dlpi_phnum; ++i) {
		if (info->dlpi_phdr[i].p_type != PT_LOAD)
			continue;
		start = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
		if (obj->addr >= start &&
		    obj->addr - start < info->dlpi_phdr[i].p_memsz) {
			obj->name = info->dlpi_name;
			return 1;
		}
	}
	return 0;
}

/**
 * Check, once per process, the fail-safe serving a port just created: a
 * warning when it lacks the fixes this driver relies on. The library is
 * the loaded object whose segments hold the port's ops.
 *
 * @param[in] port_name
 *   The fail-safe port's name.
 */
void
vdev_netvsc_failsafe_check(const char *port_name)
{
	static bool checked;
	const unsigned int *fixes = NULL;
	struct vsc_object obj = { 0 };
	const char *lib = "(unknown)";
	uint16_t port;
	void *handle;

	if (checked || rte_eth_dev_get_port_by_name(port_name, &port) != 0)
		return;
	checked = true;
	/* the object that holds fail-safe's ops: its plugin, or the program */
	obj.addr = (uintptr_t)rte_eth_devices[port].dev_ops;
	if (dl_iterate_phdr(vsc_object_find, &obj) != 0 && obj.name != NULL) {
		lib = obj.name[0] != '\0' ? obj.name : "(the program)";
		handle = dlopen(obj.name[0] != '\0' ? obj.name : NULL,
				RTLD_NOW | RTLD_NOLOAD);
		if (handle != NULL) {
			fixes = dlsym(handle, VSC_FAILSAFE_MARKER);
			dlclose(handle);
		}
	}
	if (fixes != NULL && *fixes >= VDEV_NETVSC_FAILSAFE_FIXES) {
		DRV_LOG(DEBUG, "fail-safe %s carries the VF removal fixes (%u)",
			lib, *fixes);
		return;
	}
	DRV_LOG(WARNING, "fail-safe %s lacks the fixes of its VF removal"
		" path: the removal of a VF that was there when the port"
		" started crashes the application or silences port 0. Install"
		" the fail-safe built with this driver (ninja install); see the"
		" guide, \"Fail-safe\"", lib);
}
