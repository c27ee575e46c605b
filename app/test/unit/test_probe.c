/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * unit-probe-cycles: the plugin, loaded by EAL with -d, probed and
 * removed through rte_vdev_init()/rte_vdev_uninit() in a network
 * namespace with veths (probe.sh sets all of that up).
 *
 * Usage: test_probe EAL_ARGS... -- PLUGIN IFACE0 IFACE1 CYCLES
 *   PLUGIN   the plugin given to -d: it must be the one mapped
 *   IFACE0/1 two veths of the namespace (not NetVSC: taken with force=1)
 *   CYCLES   init/uninit cycles to run (leak and drift check)
 */

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>

#include "../test_compat.h"
#include "../test_fds.h"
#include "../test_maps.h"
#include "../test_util.h"

#include "unit.h"

/* iface= and mac= accepted per instance (VDEV_NETVSC_MAX_NAMES) */
#define MAX_NAMES 16

#define INSTANCE "net_vdev_netvsc0"
#define INSTANCE1 "net_vdev_netvsc1"

static const char *plugin;
static const char *iface0;
static const char *iface1;

/**
 * Our plugin, and not the distro's, is mapped: every mapping of a
 * librte_net_vdev_netvsc file is the file given to -d.
 */
static void
check_plugin_mapped(void)
{
	char real[PATH_MAX], line[PATH_MAX + 256];
	unsigned int ours = 0, others = 0;
	FILE *maps;

	unit_begin("our plugin is mapped");
	if (realpath(plugin, real) == NULL) {
		perror(plugin);
		exit(1);
	}
	maps = fopen("/proc/self/maps", "r");
	if (maps == NULL) {
		perror("/proc/self/maps");
		exit(1);
	}
	while (test_maps_next(maps, "librte_net_vdev_netvsc", line,
			      sizeof(line))) {
		if (strcmp(line, real) == 0) {
			ours++;
		} else {
			others++;
			fprintf(stderr, "another vdev_netvsc plugin is mapped: %s\n",
				line);
		}
	}
	fclose(maps);
	CHECK(ours > 0, "%s is not mapped", real);
	CHECK_INT(others, 0);
	printf("# plugin mapped: %s\n", real);
}

/** Unowned ports, i.e. not fail-safe sub-devices. */
static unsigned int
ports(void)
{
	return rte_eth_dev_count_avail();
}

/** The one unowned port, checked to be a fail-safe port on @p iface. */
static void
check_port(const char *iface, const char *want_name)
{
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac, want = test_mac_of(iface);
	char name[RTE_ETH_NAME_MAX_LEN] = "";
	char want_mac[RTE_ETHER_ADDR_FMT_SIZE], mac_arg[32];
	const struct rte_devargs *da;
	const char *fd_arg;
	uint16_t port, found = 0, id = RTE_MAX_ETHPORTS;
	struct stat st;
	int fd;

	RTE_ETH_FOREACH_DEV(port) {
		if (rte_eth_dev_get_name_by_port(port, name) != 0)
			continue;
		if (strcmp(name, want_name) == 0) {
			id = port;
			found++;
		}
	}
	CHECK_INT(found, 1);
	if (found != 1)
		return;
	CHECK_INT(rte_eth_macaddr_get(id, &mac), 0);
	rte_ether_format_addr(want_mac, sizeof(want_mac), &want);
	CHECK(rte_is_same_ether_addr(&mac, &want), "port MAC is not %s's %s",
	      iface, want_mac);
	CHECK_INT(rte_eth_dev_info_get(id, &info), 0);
	da = info.device != NULL ? rte_dev_devargs(info.device) : NULL;
	CHECK(da != NULL && da->args != NULL, "port has no devargs");
	if (da == NULL || da->args == NULL)
		return;
	snprintf(mac_arg, sizeof(mac_arg), "mac=%s", want_mac);
	CHECK(strcasestr(da->args, mac_arg) != NULL, "devargs \"%s\" lack %s",
	      da->args, mac_arg);
	fd_arg = strstr(da->args, "fd(");
	CHECK(fd_arg != NULL, "devargs \"%s\" lack fd(", da->args);
	/* the fd fail-safe reads is open, and a pipe */
	if (fd_arg != NULL && sscanf(fd_arg, "fd(%d)", &fd) == 1)
		CHECK(fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode),
		      "fd(%d) of \"%s\" is not an open pipe", fd, da->args);
}

static void
test_one(void)
{
	char args[64];
	int ret;

	unit_begin("probe one");
	CHECK_INT(ports(), 0);
	CHECK_INT(rte_eth_dev_count_total(), 0);
	snprintf(args, sizeof(args), "iface=%s,force=1", iface0);
	ret = rte_vdev_init(INSTANCE, args);
	CHECK_INT(ret, 0);
	CHECK_INT(ports(), 1);
	check_port(iface0, "net_failsafe_vsc0");
	unit_begin("remove one");
	CHECK_INT(rte_vdev_uninit(INSTANCE), 0);
	CHECK_INT(ports(), 0);
	/* the sub-devices are gone too */
	CHECK_INT(rte_eth_dev_count_total(), 0);
}

/** hotplug_poll= is handed to fail-safe; without it, none is given. */
static void
test_hotplug_poll(void)
{
	struct rte_eth_dev_info info;
	const struct rte_devargs *da;
	char args[64];
	uint16_t port;
	unsigned int i;

	static const struct {
		const char *extra;
		const char *want; /**< NULL: no hotplug_poll= at all */
	} cases[] = {
		{ ",hotplug_poll=250", "hotplug_poll=250," },
		{ ",hotplug_poll=3600000", "hotplug_poll=3600000," },
		{ "", NULL },
	};

	for (i = 0; i != RTE_DIM(cases); ++i) {
		snprintf(args, sizeof(args), "iface=%s,force=1%s", iface0,
			 cases[i].extra);
		unit_begin(args);
		CHECK_INT(rte_vdev_init(INSTANCE, args), 0);
		CHECK_INT(ports(), 1);
		RTE_ETH_FOREACH_DEV(port) {
			CHECK_INT(rte_eth_dev_info_get(port, &info), 0);
			da = rte_dev_devargs(info.device);
			CHECK(da != NULL && da->args != NULL);
			if (da == NULL || da->args == NULL)
				continue;
			if (cases[i].want != NULL)
				CHECK(strstr(da->args, cases[i].want) != NULL,
				      "devargs \"%s\" lack %s", da->args,
				      cases[i].want);
			else
				CHECK(strstr(da->args, "hotplug_poll") == NULL,
				      "devargs \"%s\"", da->args);
		}
		CHECK_INT(rte_vdev_uninit(INSTANCE), 0);
		CHECK_INT(ports(), 0);
	}
}

static void
test_cycles(unsigned int cycles)
{
	unsigned int i, bad_ports = 0, bad_fds = 0, bad_init = 0;
	int fds0, fds, fds_max, fds_min;
	char args[64];
	double t;

	unit_begin("cycles");
	snprintf(args, sizeof(args), "iface=%s,force=1", iface0);
	fds0 = test_fds_count_no_epoll();
	fds_max = 0;
	fds_min = INT_MAX;
	printf("# open fds before the cycles:\n");
	test_fds_list("#   ");
	t = test_now();
	for (i = 0; i != cycles; ++i) {
		if (rte_vdev_init(INSTANCE, args) != 0 || ports() != 1)
			bad_init++;
		/* the port keeps its name across cycles */
		if (i == 0 || i == cycles - 1)
			check_port(iface0, "net_failsafe_vsc0");
		if (rte_vdev_uninit(INSTANCE) != 0 || ports() != 0 ||
		    rte_eth_dev_count_total() != 0)
			bad_ports++;
		fds = test_fds_count_no_epoll();
		fds_max = RTE_MAX(fds_max, fds);
		fds_min = RTE_MIN(fds_min, fds);
		if (fds != fds0 && bad_fds++ < 3) {
			printf("# open fds after cycle %u:\n", i);
			test_fds_list("#   ");
		}
	}
	t = test_now() - t;
	printf("# %u cycles in %.2f s (%.1f ms each); fds %d before, %d..%d"
	       " after each cycle\n", cycles, t, cycles ? t * 1e3 / cycles : 0,
	       fds0, fds_min, fds_max);
	CHECK_INT(bad_init, 0);
	CHECK_INT(bad_ports, 0);
	CHECK_INT(bad_fds, 0);
	CHECK_INT(test_fds_count_no_epoll(), fds0);
}

/** Two instances at once, one port each, removed in creation order. */
static void
test_two(void)
{
	char args[64];

	unit_begin("two instances");
	snprintf(args, sizeof(args), "iface=%s,force=1", iface0);
	CHECK_INT(rte_vdev_init(INSTANCE, args), 0);
	snprintf(args, sizeof(args), "force=1,iface=%s", iface1);
	CHECK_INT(rte_vdev_init(INSTANCE1, args), 0);
	CHECK_INT(ports(), 2);
	check_port(iface0, "net_failsafe_vsc0");
	check_port(iface1, "net_failsafe_vsc1");
	CHECK_INT(rte_vdev_uninit(INSTANCE), 0);
	CHECK_INT(ports(), 1);
	check_port(iface1, "net_failsafe_vsc1");
	/* a new instance takes the free name */
	snprintf(args, sizeof(args), "iface=%s,force=1", iface0);
	CHECK_INT(rte_vdev_init(INSTANCE, args), 0);
	check_port(iface0, "net_failsafe_vsc0");
	CHECK_INT(rte_vdev_uninit(INSTANCE1), 0);
	CHECK_INT(rte_vdev_uninit(INSTANCE), 0);
	CHECK_INT(ports(), 0);
	CHECK_INT(rte_eth_dev_count_total(), 0);

	/* both interfaces in one instance: two ports */
	unit_begin("one instance, two interfaces");
	snprintf(args, sizeof(args), "iface=%s,iface=%s,force=1", iface0,
		 iface1);
	CHECK_INT(rte_vdev_init(INSTANCE, args), 0);
	CHECK_INT(ports(), 2);
	CHECK_INT(rte_vdev_uninit(INSTANCE), 0);
	CHECK_INT(ports(), 0);
	CHECK_INT(rte_eth_dev_count_total(), 0);
}

/** A probe that must fail with @p err, leaving nothing behind. */
static void
expect_refused(const char *args, int err)
{
	int fds = test_fds_count_no_epoll();
	int ret;

	unit_begin(args);
	ret = rte_vdev_init(INSTANCE, args);
	CHECK_INT(ret, err);
	CHECK_INT(ports(), 0);
	CHECK_INT(rte_eth_dev_count_total(), 0);
	CHECK_INT(test_fds_count_no_epoll(), fds);
	/* the failed device is not left on the bus */
	CHECK(rte_vdev_uninit(INSTANCE) != 0, "%s left behind", INSTANCE);
}

static void
test_refused(void)
{
	struct rte_ether_addr mac = test_mac_of(iface0);
	char buf[512], m[RTE_ETHER_ADDR_FMT_SIZE];
	unsigned int i;
	int n = 0;
	static const char *const bad[] = {
		"bogus=1",
		"iface",
		"iface=",
		"iface=abcdefghijklmnop",
		"mac=zz:00:00:00:00:01",
		"mac=01:00:5e:00:00:01",
		"mac=00:00:00:00:00:00",
		"force=2",
		"force=abc",
		"ignore=yes",
		"force=1,force=1",
		"iface=eth1,iface=eth1",
		"mac=02:15:5d:00:00:01,mac=02:15:5d:00:00:01",
		"hotplug_poll=0",
		"hotplug_poll=abc",
		"hotplug_poll=-5",
	};

	for (i = 0; i != RTE_DIM(bad); ++i)
		expect_refused(bad[i], -EINVAL);
	for (i = 0; i != MAX_NAMES + 1; ++i)
		n += snprintf(buf + n, sizeof(buf) - n, "%siface=eth%u",
			      i ? "," : "", i);
	expect_refused(buf, -EINVAL);
	/* valid devargs naming what is not there, or not NetVSC */
	expect_refused("iface=nosuch0", -ENODEV);
	expect_refused("iface=nosuch0,force=1", -ENODEV);
	snprintf(buf, sizeof(buf), "iface=%s", iface0);
	expect_refused(buf, -ENODEV);
	rte_ether_format_addr(m, sizeof(m), &mac);
	snprintf(buf, sizeof(buf), "mac=%s", m);
	expect_refused(buf, -ENODEV);
	expect_refused("mac=02:15:5d:0f:0f:0f", -ENODEV);
}

static void
test_quiet(void)
{
	struct rte_ether_addr mac = test_mac_of(iface0);
	char buf[64], m[RTE_ETHER_ADDR_FMT_SIZE];
	int fds = test_fds_count_no_epoll();

	/* ignore=1: success, nothing created, even with names given */
	unit_begin("ignore=1");
	CHECK_INT(rte_vdev_init(INSTANCE, "ignore=1"), 0);
	CHECK_INT(ports(), 0);
	CHECK_INT(rte_vdev_uninit(INSTANCE), 0);
	CHECK_INT(rte_vdev_init(INSTANCE, "ignore=1,iface=nosuch0"), 0);
	CHECK_INT(ports(), 0);
	CHECK_INT(rte_vdev_uninit(INSTANCE), 0);
	CHECK_INT(test_fds_count_no_epoll(), fds);

	/* auto mode without any NetVSC: success, nothing, no socket kept */
	unit_begin("auto, no NetVSC");
	CHECK_INT(rte_vdev_init(INSTANCE, NULL), 0);
	CHECK_INT(ports(), 0);
	CHECK_INT(test_fds_count_no_epoll(), fds);
	CHECK_INT(rte_vdev_uninit(INSTANCE), 0);
	CHECK_INT(test_fds_count_no_epoll(), fds);

	/* mac= with force=1 takes the veth by its address */
	unit_begin("mac=, force=1");
	rte_ether_format_addr(m, sizeof(m), &mac);
	snprintf(buf, sizeof(buf), "mac=%s,force=1", m);
	CHECK_INT(rte_vdev_init(INSTANCE, buf), 0);
	CHECK_INT(ports(), 1);
	check_port(iface0, "net_failsafe_vsc0");
	CHECK_INT(rte_vdev_uninit(INSTANCE), 0);
	CHECK_INT(ports(), 0);
	CHECK_INT(test_fds_count_no_epoll(), fds);
}

/*
 * rte_eal_cleanup() of DPDK 22.11 can spin for ever in
 * rte_eal_alarm_cleanup(): when a read of the alarm timerfd fails with
 * EAGAIN (the timer re-armed by rte_eal_alarm_set() between epoll_wait()
 * and read()), eal_intr_process_interrupts() goes on to the next event
 * without clearing the source's "active" flag, so unregistering it
 * returns -EAGAIN for ever. No instance of ours exists any more by then,
 * so a hang there is not the driver's: say so and end with the result.
 */
#define CLEANUP_WATCHDOG_S 20

static volatile sig_atomic_t cleanup_result;

static void
cleanup_watchdog(int sig)
{
	static const char msg[] = "# NOTE: rte_eal_cleanup() did not return"
		" within " RTE_STR(CLEANUP_WATCHDOG_S) " s after every instance"
		" was removed (DPDK 22.11 EAL: alarm interrupt source left"
		" active); exiting without it\n";
	ssize_t n;

	(void)sig;
	n = write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	_exit(cleanup_result);
}

static void
eal_cleanup_guarded(int result)
{
	cleanup_result = result;
	signal(SIGALRM, cleanup_watchdog);
	alarm(CLEANUP_WATCHDOG_S);
	rte_eal_cleanup();
	alarm(0);
}

int
main(int argc, char **argv)
{
	unsigned int cycles;
	int n;

	/* A hang (timeout) then shows the case it happened in. */
	unit_trace = 1;
	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "rte_eal_init failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	argc -= n;
	argv += n;
	if (argc != 5) {
		fprintf(stderr, "usage: test_probe EAL_ARGS... -- PLUGIN IFACE0"
			" IFACE1 CYCLES\n");
		rte_eal_cleanup();
		return 2;
	}
	plugin = argv[1];
	iface0 = argv[2];
	iface1 = argv[3];
	cycles = strtoul(argv[4], NULL, 10);

	check_plugin_mapped();
	test_one();
	test_refused();
	test_quiet();
	test_two();
	test_hotplug_poll();
	test_cycles(cycles);
	unit_begin("end");
	CHECK_INT(ports(), 0);
	n = unit_summary("unit-probe");
	fflush(stdout);
	eal_cleanup_guarded(n);
	return n;
}
