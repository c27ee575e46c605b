/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * vsc_app: a small EAL application the simulated-guest scenarios drive.
 *
 *   vsc_app <EAL args> -- [<command>]...
 *
 * Each argument after "--" is one command line; then further command lines
 * are read from stdin until EOF or "quit". Results are printed on stdout as
 * machine-readable lines (DPDK's own log goes to stderr), and every command
 * ends with "ok <command>" or "err <command> <reason>", so that a script
 * can write a command and read up to that line.
 *
 * Commands:
 *   ports                   port <id> <name> <mac> <devargs>   (top-level)
 *                           subport <id> <name> <mac> <devargs> owner <o>
 *                           ports <number of top-level ports>
 *   start                   configure (1 rx, 1 tx queue) and start every
 *                           top-level port not started yet, as an
 *                           application does (fail-safe watches its
 *                           sub-devices' removal only once configured):
 *                           start <id> <name> ret <n>, for each
 *   fds                     fds <open file descriptors>, once the count
 *                           holds still for 20 ms (some closes are
 *                           deferred to the interrupt thread)
 *   fdlist                  fd <n> <target>, for each
 *   pid                     pid <pid>
 *   driver-file             driver-file <path> for each mapped file whose
 *                           name has "vdev_netvsc"
 *   mark                    reference time for the next wait-vf*
 *   wait-port <name> <ms>   port-found <name> <id> ms <elapsed>
 *   wait-port-gone <name> <ms>
 *                           port-gone <name> ms <elapsed>
 *   wait-vf <pci> <ms>      waits for RTE_ETH_EVENT_NEW of a port named
 *                           <pci> (or <pci>_...), not reported before:
 *                           vf-new <pci> port <id> name <name> ms <since mark>
 *   wait-vf-gone <pci> <ms> the same for RTE_ETH_EVENT_DESTROY: vf-gone ...
 *   events                  event <new|destroy> <port> <name> ms <t>
 *                           for every event so far (t since start); the
 *                           ports probed during rte_eal_init count as NEW
 *                           at its end (no callback can be registered
 *                           before: it allocates with rte_zmalloc)
 *   count-events <new|destroy> <pci>
 *                           events <kind> <pci> <count> (all so far)
 *   init <vdev> [<args>]    ret <rte_vdev_init's return>
 *   uninit <vdev>           ret <rte_vdev_uninit's return>
 *   probe <devargs>         ret <rte_dev_probe's return>, e.g.
 *                           "net_vdev_netvsc1,iface=eth1" (as OVS does)
 *   remove <vdev>           ret <rte_dev_remove's return>
 *   cycles <n> <vdev> [<args>]
 *                           cycle <i> init <ret> ports <n> uninit <ret>
 *                           ports <n> fds <n>, for each; then
 *                           cycles fds-min <n> fds-max <n>
 *   sleep <ms>
 *   echo <text>             <text>
 *   quit
 *
 * Exit status: 0 when every command succeeded, 1 when one failed (a wait
 * timed out, an init returned an error ...), 2 when EAL did not start.
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ethdev_driver.h> /* rte_eth_devices[]: the name at NEW time */
#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>

#include "../test_compat.h"
#include "../test_fds.h"
#include "../test_maps.h"

#define MAX_EVENTS 65536
#define LINE_MAX_LEN 1024

struct app_event {
	bool destroy; /* RTE_ETH_EVENT_DESTROY, else NEW */
	bool seen; /* reported by a wait-vf* */
	uint16_t port;
	char name[RTE_ETH_NAME_MAX_LEN];
	uint64_t ns; /* CLOCK_MONOTONIC */
};

static struct app_event events[MAX_EVENTS];
static unsigned int n_events;
static unsigned int lost_events;
static rte_spinlock_t ev_lock = RTE_SPINLOCK_INITIALIZER;
static rte_spinlock_t init_lock = RTE_SPINLOCK_INITIALIZER;
static uint64_t start_ns;
static uint64_t mark_ns;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static long
ms_between(uint64_t from, uint64_t to)
{
	return to >= from ? (long)((to - from) / 1000000) :
			    -(long)((from - to) / 1000000);
}

/*
 * Runs in whichever thread creates or releases the port: the main thread
 * during probe, the interrupt thread for fail-safe's hot-plug.
 */
static void
record_event(uint16_t port, enum rte_eth_event_type type)
{
	struct app_event *ev;
	char name[RTE_ETH_NAME_MAX_LEN] = "";

	/*
	 * At NEW the port is not "valid" yet for the public API (its state
	 * becomes ATTACHED after the callbacks), at DESTROY it still is: read
	 * the name from the port data either way.
	 */
	if (port < RTE_MAX_ETHPORTS && rte_eth_devices[port].data != NULL)
		snprintf(name, sizeof(name), "%s",
			 rte_eth_devices[port].data->name);
	else
		snprintf(name, sizeof(name), "?");
	rte_spinlock_lock(&ev_lock);
	if (n_events < MAX_EVENTS) {
		ev = &events[n_events++];
		ev->destroy = type == RTE_ETH_EVENT_DESTROY;
		ev->seen = false;
		ev->port = port;
		snprintf(ev->name, sizeof(ev->name), "%s", name);
		ev->ns = now_ns();
	} else {
		lost_events++;
	}
	rte_spinlock_unlock(&ev_lock);
}

static int
on_port_event(uint16_t port, enum rte_eth_event_type type, void *arg,
	      void *ret_param)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(ret_param);
	rte_spinlock_lock(&init_lock);
	record_event(port, type);
	rte_spinlock_unlock(&init_lock);
	return 0;
}

/* The ports probed during rte_eal_init, when no callback could be there. */
static void
record_existing_ports(void)
{
	uint16_t p;

	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (rte_eth_dev_is_valid_port(p))
			record_event(p, RTE_ETH_EVENT_NEW);
}

/* Only after rte_eal_init: registering allocates with rte_zmalloc. */
static int
register_callbacks(void)
{
	int ret;

	ret = rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_NEW,
					    on_port_event, NULL);
	if (ret == 0)
		ret = rte_eth_dev_callback_register(RTE_ETH_ALL,
						    RTE_ETH_EVENT_DESTROY,
						    on_port_event, NULL);
	return ret;
}

static const char *
port_devargs(uint16_t port)
{
	struct rte_eth_dev_info info;
	const struct rte_devargs *da;

	if (rte_eth_dev_info_get(port, &info) != 0 || info.device == NULL)
		return "-";
	da = rte_dev_devargs(info.device);
	if (da == NULL || da->args == NULL || da->args[0] == '\0')
		return "-";
	return da->args;
}

/* Print the ports; return the number of top-level (unowned) ones. */
static unsigned int
print_ports(bool quiet)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_eth_dev_owner owner;
	struct rte_ether_addr addr;
	unsigned int top = 0;
	uint16_t p;

	for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
		if (!rte_eth_dev_is_valid_port(p))
			continue;
		if (rte_eth_dev_get_name_by_port(p, name) != 0)
			snprintf(name, sizeof(name), "?");
		if (rte_eth_macaddr_get(p, &addr) == 0)
			rte_ether_format_addr(mac, sizeof(mac), &addr);
		else
			snprintf(mac, sizeof(mac), "-");
		memset(&owner, 0, sizeof(owner));
		rte_eth_dev_owner_get(p, &owner);
		if (owner.id == RTE_ETH_DEV_NO_OWNER) {
			top++;
			if (!quiet)
				printf("port %u %s %s %s\n", p, name, mac,
				       port_devargs(p));
		} else if (!quiet) {
			printf("subport %u %s %s %s owner %s\n", p, name, mac,
			       port_devargs(p),
			       owner.name[0] != '\0' ? owner.name : "-");
		}
	}
	if (!quiet)
		printf("ports %u\n", top);
	return top;
}

static void
print_driver_files(void)
{
	char line[LINE_MAX_LEN], last[LINE_MAX_LEN] = "";
	FILE *f;

	f = fopen("/proc/self/maps", "r");
	if (f == NULL)
		return;
	while (test_maps_next(f, "vdev_netvsc", line, sizeof(line))) {
		if (strcmp(line, last) == 0)
			continue;
		snprintf(last, sizeof(last), "%s", line);
		printf("driver-file %s\n", line);
	}
	fclose(f);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The port name of a VF offered as <pci> or "<pci>,mac=..." */
static bool
vf_name_match(const char *name, const char *pci)
{
	size_t len = strlen(pci);

	return strncmp(name, pci, len) == 0 &&
	       (name[len] == '\0' || name[len] == '_' || name[len] == ',');
}

static int
cmd_wait_vf(const char *pci, long ms, bool destroy)
{
	uint64_t begin = now_ns(), deadline = begin + ms * 1000000ull;
	unsigned int i;

	for (;;) {
		struct app_event ev;
		bool found = false;

		rte_spinlock_lock(&ev_lock);
		for (i = 0; i < n_events; i++) {
			if (events[i].seen || events[i].destroy != destroy ||
			    !vf_name_match(events[i].name, pci))
				continue;
			events[i].seen = true;
			ev = events[i];
			found = true;
			break;
		}
		rte_spinlock_unlock(&ev_lock);
		if (found) {
			printf("%s %s port %u name %s ms %ld\n",
			       destroy ? "vf-gone" : "vf-new", pci, ev.port,
			       ev.name, ms_between(mark_ns, ev.ns));
			mark_ns = now_ns();
			return 0;
		}
		if (now_ns() >= deadline)
			break;
		sleep_ms(2);
	}
	printf("timeout %s %s after %ld ms\n",
	       destroy ? "wait-vf-gone" : "wait-vf", pci, ms);
	mark_ns = now_ns();
	return -1;
}

static int
cmd_wait_port(const char *name, long ms, bool gone)
{
	uint64_t begin = now_ns(), deadline = begin + ms * 1000000ull;
	uint16_t port;

	for (;;) {
		bool there = rte_eth_dev_get_port_by_name(name, &port) == 0;

		if (there && !gone) {
			printf("port-found %s %u ms %ld\n", name, port,
			       ms_between(begin, now_ns()));
			return 0;
		}
		if (!there && gone) {
			printf("port-gone %s ms %ld\n", name,
			       ms_between(begin, now_ns()));
			return 0;
		}
		if (now_ns() >= deadline)
			break;
		sleep_ms(2);
	}
	printf("timeout %s %s after %ld ms\n",
	       gone ? "wait-port-gone" : "wait-port", name, ms);
	return -1;
}

static void
cmd_events(void)
{
	unsigned int i;

	rte_spinlock_lock(&ev_lock);
	for (i = 0; i < n_events; i++)
		printf("event %s %u %s ms %ld\n",
		       events[i].destroy ? "destroy" : "new", events[i].port,
		       events[i].name, ms_between(start_ns, events[i].ns));
	if (lost_events)
		printf("events-lost %u\n", lost_events);
	rte_spinlock_unlock(&ev_lock);
}

static void
cmd_count_events(const char *kind, const char *pci)
{
	bool destroy = strcmp(kind, "destroy") == 0;
	unsigned int i, n = 0;

	rte_spinlock_lock(&ev_lock);
	for (i = 0; i < n_events; i++)
		if (events[i].destroy == destroy &&
		    vf_name_match(events[i].name, pci))
			n++;
	rte_spinlock_unlock(&ev_lock);
	printf("events %s %s %u\n", kind, pci, n);
}

/*
 * Configure and start the top-level ports not started yet, one queue each,
 * as an application would: fail-safe registers its sub-devices' removal
 * (RMV) callbacks only when configured, and starts them (the VF PMD's
 * datapath) only when started.
 */
static bool started[RTE_MAX_ETHPORTS];
static char started_name[RTE_MAX_ETHPORTS][RTE_ETH_NAME_MAX_LEN];
static struct rte_mempool *pool;

static int
cmd_start(void)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	struct rte_eth_dev_owner owner;
	struct rte_eth_conf conf;
	int rc = 0, ret;
	uint16_t p;

	if (pool == NULL) {
		pool = rte_pktmbuf_pool_create("vsc_app", 2047, 64, 0,
					       RTE_MBUF_DEFAULT_BUF_SIZE,
					       rte_socket_id());
		if (pool == NULL) {
			printf("start: no mbuf pool: %s\n",
			       rte_strerror(rte_errno));
			return -1;
		}
	}
	for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
		if (!rte_eth_dev_is_valid_port(p) ||
		    rte_eth_dev_get_name_by_port(p, name) != 0)
			continue;
		memset(&owner, 0, sizeof(owner));
		rte_eth_dev_owner_get(p, &owner);
		if (owner.id != RTE_ETH_DEV_NO_OWNER)
			continue;
		/* a port id reused by another device is a new port */
		if (started[p] && strcmp(started_name[p], name) == 0)
			continue;
		memset(&conf, 0, sizeof(conf));
		ret = rte_eth_dev_configure(p, 1, 1, &conf);
		if (ret == 0)
			ret = rte_eth_rx_queue_setup(p, 0, 256,
					rte_eth_dev_socket_id(p), NULL, pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(p, 0, 256,
					rte_eth_dev_socket_id(p), NULL);
		if (ret == 0)
			ret = rte_eth_dev_start(p);
		printf("start %u %s ret %d\n", p, name, ret);
		if (ret != 0) {
			rc = -1;
			continue;
		}
		started[p] = true;
		snprintf(started_name[p], sizeof(started_name[p]), "%s", name);
	}
	return rc;
}

static int
cmd_cycles(long n, const char *vdev, const char *args)
{
	int fmin = INT_MAX, fmax = 0, fds;
	unsigned int p1, p2;
	int rc = 0, r1, r2;
	long i;

	for (i = 1; i <= n; i++) {
		r1 = rte_vdev_init(vdev, args);
		p1 = print_ports(true);
		r2 = rte_vdev_uninit(vdev);
		p2 = print_ports(true);
		fds = test_fds_settled(-1, 1000);
		fmin = RTE_MIN(fmin, fds);
		fmax = RTE_MAX(fmax, fds);
		printf("cycle %ld init %d ports %u uninit %d ports %u fds %d\n",
		       i, r1, p1, r2, p2, fds);
		if (r1 != 0 || r2 != 0)
			rc = -1;
	}
	printf("cycles fds-min %d fds-max %d\n", fmin, fmax);
	return rc;
}

/* Split a command line into at most max words, in place. */
static int
split(char *line, char **word, int max)
{
	int n = 0;
	char *save = NULL, *w;

	for (w = strtok_r(line, " \t\r\n", &save); w != NULL && n < max;
	     w = strtok_r(NULL, " \t\r\n", &save))
		word[n++] = w;
	return n;
}

static bool
parse_long(const char *s, long *v)
{
	char *end;

	if (s == NULL)
		return false;
	errno = 0;
	*v = strtol(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *v >= 0;
}

/* Run one command line: 0 ok, -1 failed, 1 quit. */
static int
run(const char *cmdline)
{
	char buf[LINE_MAX_LEN];
	char *w[8] = { NULL };
	int n, rc = 0;
	long v = 0;

	snprintf(buf, sizeof(buf), "%s", cmdline);
	n = split(buf, w, RTE_DIM(w));
	if (n == 0)
		return 0;
	if (!strcmp(w[0], "quit")) {
		printf("ok quit\n");
		return 1;
	} else if (!strcmp(w[0], "ports")) {
		print_ports(false);
	} else if (!strcmp(w[0], "start")) {
		rc = cmd_start();
	} else if (!strcmp(w[0], "fds")) {
		printf("fds %d\n", test_fds_settled(-1, 1000));
	} else if (!strcmp(w[0], "fdlist")) {
		test_fds_list("");
	} else if (!strcmp(w[0], "pid")) {
		printf("pid %d\n", (int)getpid());
	} else if (!strcmp(w[0], "driver-file")) {
		print_driver_files();
	} else if (!strcmp(w[0], "mark")) {
		mark_ns = now_ns();
	} else if (!strcmp(w[0], "events")) {
		cmd_events();
	} else if (!strcmp(w[0], "count-events") && n == 3) {
		cmd_count_events(w[1], w[2]);
	} else if ((!strcmp(w[0], "wait-port") ||
		    !strcmp(w[0], "wait-port-gone")) && n == 3 &&
		   parse_long(w[2], &v)) {
		rc = cmd_wait_port(w[1], v, w[0][9] == '-');
	} else if ((!strcmp(w[0], "wait-vf") || !strcmp(w[0], "wait-vf-gone")) &&
		   n == 3 && parse_long(w[2], &v)) {
		rc = cmd_wait_vf(w[1], v, w[0][7] == '-');
	} else if (!strcmp(w[0], "init") && (n == 2 || n == 3)) {
		int ret = rte_vdev_init(w[1], n == 3 ? w[2] : NULL);

		printf("ret %d\n", ret);
		rc = ret == 0 ? 0 : -1;
	} else if (!strcmp(w[0], "probe") && n == 2) {
		/* as OVS adds a device: "vdev:<name>,<args>" or "<name>,<args>" */
		int ret = rte_dev_probe(w[1]);

		printf("ret %d\n", ret);
		rc = ret == 0 ? 0 : -1;
	} else if (!strcmp(w[0], "remove") && n == 2) {
		struct rte_device *dev, *found = NULL;
		struct rte_dev_iterator it;
		int ret = -ENOENT;

		/* to the end: the iterator frees what it holds then */
		RTE_DEV_FOREACH(dev, "bus=vdev", &it)
			if (found == NULL && strcmp(rte_dev_name(dev), w[1]) == 0)
				found = dev;
		if (found != NULL)
			ret = rte_dev_remove(found);
		printf("ret %d\n", ret);
		rc = ret == 0 ? 0 : -1;
	} else if (!strcmp(w[0], "uninit") && n == 2) {
		int ret = rte_vdev_uninit(w[1]);

		printf("ret %d\n", ret);
		rc = ret == 0 ? 0 : -1;
	} else if (!strcmp(w[0], "cycles") && (n == 3 || n == 4) &&
		   parse_long(w[1], &v)) {
		rc = cmd_cycles(v, w[2], n == 4 ? w[3] : NULL);
	} else if (!strcmp(w[0], "sleep") && n == 2 && parse_long(w[1], &v)) {
		sleep_ms(v);
	} else if (!strcmp(w[0], "echo")) {
		const char *t = strstr(cmdline, "echo") + 4;

		t += strspn(t, " \t");
		printf("%.*s\n", (int)strcspn(t, "\r\n"), t);
	} else {
		printf("err %s unknown command or bad arguments\n", w[0]);
		fflush(stdout);
		return -1;
	}
	if (rc == 0)
		printf("ok %s\n", w[0]);
	else
		printf("err %s failed\n", w[0]);
	fflush(stdout);
	return rc;
}

#if !TEST_EAL_CLEANUP_REMOVES_DEVICES
/*
 * Before 22.11, rte_eal_cleanup() leaves the devices in place: the
 * driver's monitor and fail-safe's hot-plug alarm would still run once it
 * has unmapped EAL's memory. Remove them first, as an application of that
 * release does (testpmd closes its ports at quit): the vdev_netvsc
 * instances, which remove their fail-safe ports, then any other port.
 */
static void
release_devices(void)
{
	static char names[RTE_MAX_ETHPORTS][RTE_DEV_NAME_MAX_LEN];
	struct rte_dev_iterator it;
	struct rte_device *dev;
	unsigned int n = 0, i;
	uint16_t port;

	RTE_DEV_FOREACH(dev, "bus=vdev", &it) {
		if (n < RTE_DIM(names) && dev->driver != NULL &&
		    strcmp(dev->driver->name, "net_vdev_netvsc") == 0)
			snprintf(names[n++], sizeof(names[0]), "%s", dev->name);
	}
	for (i = 0; i < n; i++)
		if (rte_vdev_uninit(names[i]) != 0)
			printf("err release %s\n", names[i]);
	RTE_ETH_FOREACH_DEV(port)
		rte_eth_dev_close(port);
}
#endif

int
main(int argc, char **argv)
{
	char line[LINE_MAX_LEN];
	bool failed = false;
	int ret, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* DPDK's log to stderr: stdout carries the results only. */
	rte_openlog_stream(stderr);
	start_ns = mark_ns = now_ns();
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		printf("eal-init failed %d %s\n", ret, rte_strerror(rte_errno));
		return 2;
	}
	/*
	 * Ports probed during rte_eal_init count as NEW at this point; the
	 * interrupt thread may add one in between: it is then recorded twice,
	 * which a wait-vf cannot tell from a quick re-attach, so lock out the
	 * callback while both happen.
	 */
	rte_spinlock_lock(&init_lock);
	if (register_callbacks() != 0) {
		rte_spinlock_unlock(&init_lock);
		printf("eal-init failed cannot register ethdev callbacks\n");
		rte_eal_cleanup();
		return 2;
	}
	record_existing_ports();
	rte_spinlock_unlock(&init_lock);
	printf("eal-init ok\n");
	argc -= ret;
	argv += ret;
	for (i = 1; i < argc; i++) {
		ret = run(argv[i]);
		if (ret < 0)
			failed = true;
		if (ret > 0)
			goto out;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		ret = run(line);
		if (ret < 0)
			failed = true;
		if (ret > 0)
			break;
	}
out:
#if !TEST_EAL_CLEANUP_REMOVES_DEVICES
	release_devices();
#endif
	ret = rte_eal_cleanup();
	if (ret != 0) {
		printf("eal-cleanup failed %d\n", ret);
		failed = true;
	}
	return failed ? 1 : 0;
}
