/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * The small helpers several test programs share: the driver's log type,
 * shell commands that must succeed, a netdevice's MAC address, a clock.
 */

#ifndef VSC_TEST_UTIL_H
#define VSC_TEST_UTIL_H

#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_log.h>

/*
 * Register the driver's log type in @p logtype, as the driver's
 * constructor would (the unit programs leave it out). @p quiet: the
 * driver's own messages off unless UNIT_VERBOSE is set, where they would
 * only drown the checks. -1 (and a message) when it cannot.
 */
static inline int
test_driver_log(int *logtype, bool quiet)
{
	*logtype = rte_log_register_type_and_pick_level("pmd.net.vdev_netvsc",
							RTE_LOG_NOTICE);
	if (*logtype < 0) {
		fprintf(stderr, "cannot register the log type\n");
		return -1;
	}
	if (quiet && getenv("UNIT_VERBOSE") == NULL)
		rte_log_set_level(*logtype, RTE_LOG_EMERG);
	return 0;
}

/** Run a shell command; the test stops when it fails. */
static inline void __attribute__((format(printf, 1, 2)))
test_sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	if (ret != 0) {
		fprintf(stderr, "command failed (%d): %s\n", ret, cmd);
		exit(1);
	}
}

/** The MAC address of netdevice @p name; the test stops without one. */
static inline struct rte_ether_addr
test_mac_of(const char *name)
{
	struct rte_ether_addr mac;
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) {
		perror(name);
		exit(1);
	}
	close(fd);
	memcpy(&mac, ifr.ifr_hwaddr.sa_data, sizeof(mac));
	return mac;
}

/** Seconds on the monotonic clock. */
static inline double
test_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* VSC_TEST_UTIL_H */
