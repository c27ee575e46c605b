/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * unit-tap: the driver's verdict on tap's remote= must be the tap PMD's
 * own. On the kernel that runs it, this asks the driver
 * (vdev_netvsc_nl_tc_check()) and then the tap PMD itself
 * (rte_vdev_init("net_tap...", "remote=<veth>")), and checks that both
 * say the same. Run on a kernel without sch_multiq/cls_flower (this
 * machine's) both say no; on Debian's (the kernel suite boots it in QEMU)
 * both say yes. The driver's check must leave no netdevice and no fd.
 *
 * Usage: test_tap REMOTE EAL_ARGS...
 *   REMOTE  a veth of the namespace tap.sh made, for remote=
 */

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_log.h>

#include "../test_fds.h"
#include "unit.h"
#include "../test_util.h"
#include "vdev_netvsc_private.h"

/* the unit tests define the logtype vdev_netvsc.c registers (weak) */
int vdev_netvsc_logtype __attribute__((weak));

#define TAP_NAME "net_tap_unit0"

int
main(int argc, char **argv)
{
	char missing[64] = "";
	char args[IF_NAMESIZE + 16];
	int links, fds, ours, tap;
	const char *remote;
	bool tap_ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: %s REMOTE EAL_ARGS...\n", argv[0]);
		return 2;
	}
	remote = argv[1];
	if (test_driver_log(&vdev_netvsc_logtype, false) != 0)
		return 1;
	if (if_nametoindex(remote) == 0) {
		fprintf(stderr, "no interface %s\n", remote);
		return 2;
	}

	unit_begin("the driver's check");
	links = test_dir_entries("/sys/class/net");
	fds = test_dir_entries("/proc/self/fd");
	ours = vdev_netvsc_nl_tc_check(missing, sizeof(missing));
	CHECK(ours == 0 || ours == -ENOTSUP, "could not check: %s",
	      strerror(-ours));
	CHECK_INT(test_dir_entries("/sys/class/net"), links);
	CHECK_INT(test_dir_entries("/proc/self/fd"), fds);
	printf("# driver: tap remote= %s%s%s\n", ours == 0 ? "works" : "cannot work",
	       missing[0] != '\0' ? ", missing: " : "", missing);

	unit_begin("the tap PMD itself");
	argv[1] = argv[0];
	if (rte_eal_init(argc - 1, argv + 1) < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	snprintf(args, sizeof(args), "remote=%s", remote);
	tap = rte_vdev_init(TAP_NAME, args);
	tap_ok = tap == 0;
	if (tap_ok) {
		uint16_t port;

		CHECK_INT(rte_eth_dev_get_port_by_name(TAP_NAME, &port), 0);
		CHECK_INT(rte_vdev_uninit(TAP_NAME), 0);
	}
	printf("# tap PMD: remote=%s %s (rte_vdev_init: %d)\n", remote,
	       tap_ok ? "works" : "fails", tap);

	unit_begin("agreement");
	CHECK((ours == 0) == tap_ok, "the driver says tap remote= %s, the tap"
	      " PMD %s", ours == 0 ? "works" : "cannot work",
	      tap_ok ? "works" : "fails");
	rte_eal_cleanup();
	return unit_summary("unit-tap");
}
