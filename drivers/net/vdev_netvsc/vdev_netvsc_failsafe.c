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

#include <ethdev_driver.h>
#include <rte_ethdev.h>

#include "vdev_netvsc_private.h"

/** The marker the fixed fail-safe exports: how many fixes it carries. */
#define VSC_FAILSAFE_MARKER "vdev_netvsc_failsafe_fixes"

/**
 * Check, once per process, the fail-safe serving a port just created: a
 * warning when it lacks the fixes this driver relies on.
 *
 * @param[in] port_name
 *   The fail-safe port's name.
 */
void
vdev_netvsc_failsafe_check(const char *port_name)
{
	static bool checked;
	const unsigned int *fixes = NULL;
	const char *lib = "(unknown)";
	uint16_t port;
	Dl_info info;
	void *handle;

	if (checked || rte_eth_dev_get_port_by_name(port_name, &port) != 0)
		return;
	checked = true;
	/* the object that holds fail-safe's ops: its plugin, or the program */
	if (dladdr(rte_eth_devices[port].dev_ops, &info) != 0 &&
	    info.dli_fname != NULL) {
		lib = info.dli_fname;
		handle = dlopen(lib, RTLD_NOW | RTLD_NOLOAD);
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
