/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * vsc_bench: the EAL program of the benchmark (app/test/bench/bench.sh).
 * It runs inside a simulated guest, with whichever net_vdev_netvsc EAL
 * loaded (ours with -d, or the distro's), and measures one thing per run:
 *
 *   vsc_bench <EAL args> -- probe    [opts]   time rte_vdev_init()
 *   vsc_bench <EAL args> -- idle     [opts]   probe, then sleep until killed
 *   vsc_bench <EAL args> -- baseline [opts]   plain fail-safe ports, sleep
 *   vsc_bench <EAL args> -- detect   [opts]   VF appears -> line in the pipe
 *   vsc_bench <EAL args> -- attach   [opts]   VF appears -> fail-safe's port
 *   vsc_bench <EAL args> -- return   [opts]   the same, on a started port
 *                                             whose VF comes and goes
 *   vsc_bench <EAL args> -- hotplug  [opts]   time the VF's PCI hot-plug alone
 *
 * The EAL arguments should name the driver instance that is NOT measured,
 * "--vdev=net_vdev_netvsc0,ignore=1": it keeps our driver's auto-probe from
 * adding an instance of its own, and is a no-op for the distro's. The
 * measured instance is always "net_vdev_netvsc1" with empty devargs
 * (auto mode), created with rte_vdev_init() after rte_eal_init().
 *
 * Options:
 *   --vdev-args S     devargs of the measured instance ("")
 *   --fs ARGS         baseline: one fail-safe port with these devargs, in
 *                     which "fd()" is replaced by fd(<a pipe of its own>);
 *                     repeat for more ports
 *   --vf NAME --mac MAC --master NETDEV --peer NAME --peer-ns PATH
 *                     the VF netdevice the bench creates (a veth whose
 *                     peer goes to the netns at PATH), enslaved to NETDEV
 *   --pci ADDR        attach: the VF's PCI address (the port name waited for)
 *   --vf2 NAME --pci2 ADDR
 *                     return: the VF's other address, and its netdevice's
 *                     name there (a VF back from a live migration)
 *   --samples N       detect, hotplug: number of samples (50)
 *   --delay MS        detect: random wait of 0..MS before each sample (1000);
 *                     attach: the wait before the VF appears
 *   --settle MS       fixed wait added to each --delay (100)
 *   --timeout MS      longest wait for one sample (10000)
 *   --seed N          random seed of the detect delays (1)
 *   --poll MS --periods K --phase X
 *                     attach: instead of --delay, the VF appears (K + X) * MS
 *                     after fail-safe made the driver's port (its NEW event,
 *                     right after fail-safe armed its hot-plug timer): X in
 *                     [0, 1) is the phase within fail-safe's poll period
 *
 * Output on stdout, one "key value..." line each (DPDK logs on stderr):
 *   pid <pid>
 *   probe_ns <ns> ret <rte_vdev_init return>
 *   port <name> <devargs>          every fail-safe port (top-level)
 *   ready                          idle/baseline: measuring may start
 *   sample <i> ns <latency> [extra <bytes found beyond the first line>]
 *   attach ns <latency> port <name> line_ns <when the line was in the pipe>
 *   return <i> ns <latency> pci <address> same|new
 *   hotplug <i> ns <rte_eal_hotplug_add time> ret <its return>
 *   error <text>                   (exit status 1)
 */

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <ethdev_driver.h> /* rte_eth_devices[]: a port's name at NEW time */
#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "../test_compat.h"

#define MEASURED_VDEV "net_vdev_netvsc1"
#define FS_PREFIX "net_failsafe_vsc"
#define MAX_FS 16
#define MAX_SAMPLES 10000

struct opts {
	const char *mode;
	const char *vdev_args;
	const char *fs[MAX_FS];
	unsigned int fs_n;
	const char *vf;
	const char *mac;
	const char *master;
	const char *peer;
	const char *peer_ns;
	const char *pci;
	const char *vf2;
	const char *pci2;
	unsigned int samples;
	unsigned int delay_ms;
	unsigned int settle_ms;
	unsigned int timeout_ms;
	unsigned int seed;
	unsigned int poll_ms;
	unsigned int periods;
	double phase;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void
sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000,
	};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void __rte_noreturn
die(const char *fmt, ...)
{
	va_list ap;

	printf("error ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	_exit(1);
}

/*
 * rtnetlink: the VF netdevice, made and deleted with one request each, so
 * that the time taken when the kernel acknowledges is the time it exists.
 */

/* A request: header, ifinfomsg, attributes; aligned for nlmsghdr. */
union nl_req {
	struct nlmsghdr nh;
	char buf[1024];
};

static struct nlmsghdr *
nl_req_init(union nl_req *req, unsigned short type, unsigned short flags,
	    struct ifinfomsg **ifi)
{
	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	req->nh.nlmsg_type = type;
	req->nh.nlmsg_flags = flags;
	*ifi = NLMSG_DATA(&req->nh);
	(*ifi)->ifi_family = AF_UNSPEC;
	return &req->nh;
}

static struct rtattr *
nl_attr(struct nlmsghdr *nh, unsigned short type, const void *data,
	size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh +
					       NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len != 0)
		memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void
nl_nest_end(struct nlmsghdr *nh, struct rtattr *nest)
{
	nest->rta_len = (char *)nh + nh->nlmsg_len - (char *)nest;
}

static int nl_fd = -1;
static uint32_t nl_seq;

static int
nl_talk(struct nlmsghdr *nh)
{
	char buf[4096];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n;

	if (nl_fd < 0) {
		nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
			       NETLINK_ROUTE);
		if (nl_fd < 0)
			return -errno;
	}
	nh->nlmsg_seq = ++nl_seq;
	nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(nl_fd, nh, nh->nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *r;

		n = recv(nl_fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (r = (struct nlmsghdr *)buf; NLMSG_OK(r, (size_t)n);
		     r = NLMSG_NEXT(r, n)) {
			if (r->nlmsg_seq != nl_seq || r->nlmsg_type != NLMSG_ERROR)
				continue;
			return ((struct nlmsgerr *)NLMSG_DATA(r))->error;
		}
	}
}

static int
parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i != 6; ++i)
		mac[i] = b[i];
	return 0;
}

/* A veth, up, with the given MAC, enslaved to master, its peer up in ns. */
static int
vf_create(const struct opts *o)
{
	union nl_req req;
	struct nlmsghdr *nh;
	struct ifinfomsg *ifi;
	struct rtattr *linkinfo, *data, *peer;
	/* Not up: the kernel opens the peer before pairing it (ENOTCONN). */
	struct ifinfomsg peer_ifi = { .ifi_family = AF_UNSPEC };
	uint32_t master = if_nametoindex(o->master);
	uint8_t mac[6];
	int ns_fd = -1, ret;

	if (master == 0 || parse_mac(o->mac, mac) != 0)
		return -EINVAL;
	nh = nl_req_init(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi);
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	nl_attr(nh, IFLA_IFNAME, o->vf, strlen(o->vf) + 1);
	nl_attr(nh, IFLA_ADDRESS, mac, sizeof(mac));
	nl_attr(nh, IFLA_MASTER, &master, sizeof(master));
	linkinfo = nl_attr(nh, IFLA_LINKINFO, NULL, 0);
	nl_attr(nh, IFLA_INFO_KIND, "veth", 5);
	data = nl_attr(nh, IFLA_INFO_DATA, NULL, 0);
	peer = nl_attr(nh, VETH_INFO_PEER, &peer_ifi, sizeof(peer_ifi));
	nl_attr(nh, IFLA_IFNAME, o->peer, strlen(o->peer) + 1);
	if (o->peer_ns != NULL && o->peer_ns[0] != '\0') {
		uint32_t fd;

		ns_fd = open(o->peer_ns, O_RDONLY | O_CLOEXEC);
		if (ns_fd < 0)
			return -errno;
		fd = ns_fd;
		nl_attr(nh, IFLA_NET_NS_FD, &fd, sizeof(fd));
	}
	nl_nest_end(nh, peer);
	nl_nest_end(nh, data);
	nl_nest_end(nh, linkinfo);
	ret = nl_talk(nh);
	if (ns_fd >= 0)
		close(ns_fd);
	return ret;
}

static int
vf_delete(const char *name)
{
	union nl_req req;
	struct ifinfomsg *ifi;
	struct nlmsghdr *nh = nl_req_init(&req, RTM_DELLINK, 0, &ifi);

	nl_attr(nh, IFLA_IFNAME, name, strlen(name) + 1);
	return nl_talk(nh);
}

/*
 * Ports.
 */

static const char *
port_devargs(uint16_t port)
{
	struct rte_eth_dev_info info;
	const struct rte_devargs *da;

	if (rte_eth_dev_info_get(port, &info) != 0 || info.device == NULL)
		return NULL;
	da = rte_dev_devargs(info.device);
	return da != NULL && da->args != NULL ? da->args : "";
}

/* Print the fail-safe ports; return how many, and the first one's fd(). */
static unsigned int
ports_list(int *fd)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	unsigned int n = 0;
	uint16_t port;

	*fd = -1;
	RTE_ETH_FOREACH_DEV(port) {
		const char *args, *p;

		if (rte_eth_dev_get_name_by_port(port, name) != 0 ||
		    strncmp(name, FS_PREFIX, strlen(FS_PREFIX)) != 0)
			continue;
		args = port_devargs(port);
		printf("port %s %s\n", name, args ? args : "?");
		p = args != NULL ? strstr(args, "fd(") : NULL;
		if (p != NULL && *fd < 0)
			*fd = atoi(p + 3);
		++n;
	}
	fflush(stdout);
	return n;
}

static void
probe(const struct opts *o)
{
	uint64_t t0, t1;
	int ret;

	t0 = now_ns();
	ret = rte_vdev_init(MEASURED_VDEV, o->vdev_args);
	t1 = now_ns();
	printf("probe_ns %" PRIu64 " ret %d\n", t1 - t0, ret);
	fflush(stdout);
	if (ret != 0)
		die("rte_vdev_init(%s, \"%s\") failed: %s", MEASURED_VDEV,
		    o->vdev_args, strerror(-ret));
}

static void __rte_noreturn
wait_killed(void)
{
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

/* Plain fail-safe ports, each reading a pipe of its own that stays empty. */
static void
baseline(const struct opts *o)
{
	unsigned int i;
	int fd;

	for (i = 0; i != o->fs_n; ++i) {
		char name[64], args[1100], head[512];
		const char *at = strstr(o->fs[i], "fd()");
		int p[2], ret;

		if (at == NULL)
			die("--fs %s: no fd()", o->fs[i]);
		if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0)
			die("pipe: %s", strerror(errno));
		snprintf(head, sizeof(head), "%.*s", (int)(at - o->fs[i]),
			 o->fs[i]);
		if (strlen(at) > 512)
			die("--fs %s: too long", o->fs[i]);
		snprintf(args, sizeof(args), "%sfd(%d)%s", head, p[0], at + 4);
		snprintf(name, sizeof(name), FS_PREFIX "%u", i);
		ret = rte_vdev_init(name, args);
		if (ret != 0)
			die("rte_vdev_init(%s, %s): %s", name, args,
			    strerror(-ret));
	}
	ports_list(&fd);
}

static unsigned int
rand_ms(unsigned int *state, unsigned int max)
{
	return max == 0 ? 0 : (unsigned int)(rand_r(state) % (max + 1));
}

static size_t
pipe_pending(int fd)
{
	int n = 0;

	return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (size_t)n : 0;
}

static void
pipe_drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/*
 * VF appears -> a line is in the fail-safe pipe. The pipe is only polled,
 * never read while a sample runs; between samples (VF gone) it is emptied.
 */
static void
detect(const struct opts *o)
{
	unsigned int state = o->seed, i;
	int fd, ret;

	probe(o);
	if (ports_list(&fd) != 1 || fd < 0)
		die("detect needs exactly one fail-safe port with fd()");
	vf_delete(o->vf);
	for (i = 0; i != o->samples; ++i) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint64_t t0, t1;
		size_t first;

		sleep_ms(o->settle_ms + rand_ms(&state, o->delay_ms));
		pipe_drain(fd);
		if (pipe_pending(fd) != 0)
			die("sample %u: pipe not empty before the VF", i);
		ret = vf_create(o);
		t0 = now_ns();
		if (ret != 0)
			die("cannot create VF %s: %s", o->vf, strerror(-ret));
		ret = poll(&pfd, 1, o->timeout_ms);
		t1 = now_ns();
		if (ret <= 0) {
			printf("sample %u timeout\n", i);
		} else {
			/* Let a writer finish its line: FIONREAD, not read. */
			first = pipe_pending(fd);
			printf("sample %u ns %" PRIu64 " bytes %zu\n", i,
			       t1 - t0, first);
		}
		fflush(stdout);
		ret = vf_delete(o->vf);
		if (ret != 0)
			die("cannot delete VF %s: %s", o->vf, strerror(-ret));
		/* Whatever the driver writes up to the removal goes now. */
		sleep_ms(100);
		pipe_drain(fd);
	}
}

static int ev_fd = -1;
static const char *ev_pci;
static volatile uint64_t ev_ns;
static char ev_name[RTE_ETH_NAME_MAX_LEN];
/* NEW of the driver's fail-safe port: fail-safe armed its timer just before */
static volatile uint64_t fs_ns;

static int
on_new(uint16_t port, enum rte_eth_event_type type __rte_unused,
       void *arg __rte_unused, void *ret_param __rte_unused)
{
	uint64_t t = now_ns(), one = 1;
	size_t len = strlen(ev_pci);
	const char *name;

	/* NEW comes before the port is "attached": no ethdev API yet. */
	if (port >= RTE_MAX_ETHPORTS ||
	    rte_eth_devices[port].data == NULL)
		return 0;
	name = rte_eth_devices[port].data->name;
	if (fs_ns == 0 && strncmp(name, FS_PREFIX, strlen(FS_PREFIX)) == 0) {
		fs_ns = t;
		return 0;
	}
	if (ev_ns != 0 || strncmp(name, ev_pci, len) != 0 ||
	    (name[len] != '\0' && name[len] != '_'))
		return 0;
	snprintf(ev_name, sizeof(ev_name), "%s", name);
	ev_ns = t;
	if (write(ev_fd, &one, sizeof(one)) < 0)
		return 0;
	return 0;
}

static volatile uint64_t line_ns;

/* When the driver's line lands in the pipe (fail-safe reads it later). */
static void *
line_watch(void *arg)
{
	struct pollfd pfd = { .fd = *(int *)arg, .events = POLLIN };

	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
	line_ns = now_ns();
	return NULL;
}

/*
 * VF appears -> RTE_ETH_EVENT_NEW of the port fail-safe makes on it. Also
 * says when the driver's line was in the pipe: the rest is fail-safe's.
 */
static void
attach(const struct opts *o)
{
	struct pollfd pfd;
	pthread_t watcher;
	uint64_t t0;
	int fd, ret;

	if (o->pci == NULL)
		die("attach needs --pci");
	ev_pci = o->pci;
	ev_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ev_fd < 0)
		die("eventfd: %s", strerror(errno));
	ret = rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_NEW,
					    on_new, NULL);
	if (ret != 0)
		die("cannot register the NEW callback: %s", strerror(-ret));
	vf_delete(o->vf);
	probe(o);
	if (ports_list(&fd) != 1 || fd < 0)
		die("attach needs exactly one fail-safe port with fd()");
	if (o->poll_ms != 0) {
		uint64_t at = fs_ns + (uint64_t)((o->periods + o->phase) *
						 o->poll_ms * 1e6);
		struct timespec ts = {
			.tv_sec = at / 1000000000ull,
			.tv_nsec = at % 1000000000ull,
		};

		if (fs_ns == 0)
			die("no NEW event of the driver's fail-safe port");
		if (now_ns() > at)
			die("probe took longer than %u periods", o->periods);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
	} else {
		sleep_ms(o->settle_ms + o->delay_ms);
	}
	if (pipe_pending(fd) != 0)
		die("a line in the pipe before the VF");
	ret = pthread_create(&watcher, NULL, line_watch, &fd);
	if (ret != 0)
		die("pthread_create: %s", strerror(ret));
	if (ev_ns != 0)
		die("VF port %s before the VF", ev_name);
	ret = vf_create(o);
	t0 = now_ns();
	if (ret != 0)
		die("cannot create VF %s: %s", o->vf, strerror(-ret));
	pfd.fd = ev_fd;
	pfd.events = POLLIN;
	ret = poll(&pfd, 1, o->timeout_ms);
	if (ret <= 0)
		printf("attach timeout\n");
	else
		printf("attach ns %" PRId64 " port %s line_ns %" PRId64 "\n",
		       (int64_t)(ev_ns - t0), ev_name,
		       line_ns != 0 ? (int64_t)(line_ns - t0) : -1);
	fflush(stdout);
	vf_delete(o->vf);
}

/* Whether a port named after PCI address pci (fail-safe's or not) exists. */
static bool
pci_port_exists(const char *pci)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	size_t len = strlen(pci);
	uint16_t port;

	for (port = 0; port != RTE_MAX_ETHPORTS; ++port)
		if (rte_eth_dev_is_valid_port(port) &&
		    rte_eth_dev_get_name_by_port(port, name) == 0 &&
		    strncmp(name, pci, len) == 0 &&
		    (name[len] == '\0' || name[len] == '_'))
			return true;
	return false;
}

/* The driver's fail-safe port, configured and started: nothing polls it. */
static void
port_start(uint16_t port)
{
	static const struct rte_eth_conf conf;
	struct rte_mempool *mp;
	int ret;

	mp = rte_pktmbuf_pool_create("vsc_bench", 1023, 0, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (mp == NULL)
		die("mbuf pool: %s", rte_strerror(rte_errno));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, 256, SOCKET_ID_ANY, NULL,
					     mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, 256, SOCKET_ID_ANY, NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret != 0)
		die("cannot start port %u: %s", port, strerror(-ret));
}

/*
 * A VF back on a started port, as after host servicing: the VF is there
 * when the driver probes (the users' layout). Each sample deletes it,
 * waits until fail-safe has let go of it (its port is gone), waits
 * --settle plus a random 0..--delay ms (spreading fail-safe's poll phase),
 * then makes it appear again: at the same address on even samples, at the
 * other one (--pci2, netdevice --vf2) on odd ones. Timed: the VF appears
 * -> NEW of the port fail-safe makes on it.
 */
static void
vf_return(const struct opts *o)
{
	struct opts at = *o;
	unsigned int state = o->seed, i;
	uint64_t t0, end, n;
	uint16_t port;
	int fd, ret;

	if (o->pci == NULL || o->pci2 == NULL || o->vf2 == NULL)
		die("return needs --pci, --pci2 and --vf2");
	ev_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ev_fd < 0)
		die("eventfd: %s", strerror(errno));
	ev_pci = o->pci;
	ev_ns = 1; /* no sample yet */
	ret = rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_NEW,
					    on_new, NULL);
	if (ret != 0)
		die("cannot register the NEW callback: %s", strerror(-ret));
	vf_delete(o->vf);
	vf_delete(o->vf2);
	ret = vf_create(&at);
	if (ret != 0)
		die("cannot create VF %s: %s", o->vf, strerror(-ret));
	probe(o);
	if (ports_list(&fd) != 1)
		die("return needs exactly one fail-safe port");
	RTE_ETH_FOREACH_DEV(port) {
		char name[RTE_ETH_NAME_MAX_LEN];

		if (rte_eth_dev_get_name_by_port(port, name) == 0 &&
		    strncmp(name, FS_PREFIX, strlen(FS_PREFIX)) == 0)
			break;
	}
	port_start(port);
	end = now_ns() + (uint64_t)o->timeout_ms * 1000000;
	while (!pci_port_exists(o->pci) && now_ns() < end)
		sleep_ms(1);
	if (!pci_port_exists(o->pci))
		die("fail-safe did not take the VF %s there at start", o->pci);
	for (i = 0; i != o->samples; ++i) {
		struct pollfd pfd = { .fd = ev_fd, .events = POLLIN };
		bool same = i % 2 == 0;

		ret = vf_delete(at.vf);
		if (ret != 0)
			die("cannot delete VF %s: %s", at.vf, strerror(-ret));
		end = now_ns() + (uint64_t)o->timeout_ms * 1000000;
		while (pci_port_exists(at.pci) && now_ns() < end)
			sleep_ms(1);
		if (pci_port_exists(at.pci))
			die("sample %u: fail-safe kept %s after its removal",
			    i, at.pci);
		if (!same) {
			bool first = at.pci == o->pci;

			at.pci = first ? o->pci2 : o->pci;
			at.vf = first ? o->vf2 : o->vf;
		}
		sleep_ms(o->settle_ms + rand_ms(&state, o->delay_ms));
		if (read(ev_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
			die("eventfd: %s", strerror(errno));
		ev_pci = at.pci;
		__atomic_store_n(&ev_ns, 0, __ATOMIC_RELEASE);
		ret = vf_create(&at);
		t0 = now_ns();
		if (ret != 0)
			die("cannot create VF %s: %s", at.vf, strerror(-ret));
		ret = poll(&pfd, 1, o->timeout_ms);
		if (ret <= 0)
			printf("return %u timeout pci %s %s\n", i, at.pci,
			       same ? "same" : "new");
		else
			printf("return %u ns %" PRId64 " pci %s %s\n", i,
			       (int64_t)(ev_ns - t0), at.pci,
			       same ? "same" : "new");
		fflush(stdout);
	}
	vf_delete(at.vf);
}

/*
 * What fail-safe's attach of the VF costs by itself: the VF is there, the
 * PCI device is hot-plugged directly, as fail-safe does once it has read
 * the line (rte_eal_hotplug_add: bus scan, then the VF PMD's probe).
 */
static void
hotplug(const struct opts *o)
{
	unsigned int i;
	int ret;

	if (o->pci == NULL)
		die("hotplug needs --pci");
	for (i = 0; i != o->samples; ++i) {
		uint64_t t0, t1;

		vf_delete(o->vf);
		ret = vf_create(o);
		if (ret != 0)
			die("cannot create VF %s: %s", o->vf, strerror(-ret));
		sleep_ms(o->settle_ms);
		t0 = now_ns();
		ret = rte_eal_hotplug_add("pci", o->pci, "");
		t1 = now_ns();
		printf("hotplug %u ns %" PRIu64 " ret %d\n", i, t1 - t0, ret);
		fflush(stdout);
		if (ret == 0)
			rte_eal_hotplug_remove("pci", o->pci);
	}
	vf_delete(o->vf);
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->vdev_args = "";
	o->samples = 50;
	o->delay_ms = 1000;
	o->settle_ms = 100;
	o->timeout_ms = 10000;
	o->seed = 1;
	if (argc < 1)
		die("no mode (probe, idle, baseline, detect, attach)");
	o->mode = argv[0];
	for (i = 1; i < argc; ++i) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (v == NULL)
			die("%s needs a value", k);
		++i;
		if (!strcmp(k, "--vdev-args"))
			o->vdev_args = v;
		else if (!strcmp(k, "--fs") && o->fs_n < MAX_FS)
			o->fs[o->fs_n++] = v;
		else if (!strcmp(k, "--vf"))
			o->vf = v;
		else if (!strcmp(k, "--mac"))
			o->mac = v;
		else if (!strcmp(k, "--master"))
			o->master = v;
		else if (!strcmp(k, "--peer"))
			o->peer = v;
		else if (!strcmp(k, "--peer-ns"))
			o->peer_ns = v;
		else if (!strcmp(k, "--pci"))
			o->pci = v;
		else if (!strcmp(k, "--vf2"))
			o->vf2 = v;
		else if (!strcmp(k, "--pci2"))
			o->pci2 = v;
		else if (!strcmp(k, "--samples"))
			o->samples = RTE_MIN(atoi(v), MAX_SAMPLES);
		else if (!strcmp(k, "--delay"))
			o->delay_ms = atoi(v);
		else if (!strcmp(k, "--settle"))
			o->settle_ms = atoi(v);
		else if (!strcmp(k, "--timeout"))
			o->timeout_ms = atoi(v);
		else if (!strcmp(k, "--seed"))
			o->seed = atoi(v);
		else if (!strcmp(k, "--poll"))
			o->poll_ms = atoi(v);
		else if (!strcmp(k, "--periods"))
			o->periods = atoi(v);
		else if (!strcmp(k, "--phase"))
			o->phase = atof(v);
		else
			die("unknown option %s", k);
	}
	if ((!strcmp(o->mode, "detect") || !strcmp(o->mode, "attach") ||
	     !strcmp(o->mode, "hotplug") || !strcmp(o->mode, "return")) &&
	    (o->vf == NULL || o->mac == NULL || o->master == NULL ||
	     o->peer == NULL))
		die("%s needs --vf, --mac, --master and --peer", o->mode);
}

int
main(int argc, char **argv)
{
	struct opts o;
	int n, fd;

	/* Our own output first, whatever EAL prints. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid %d\n", (int)getpid());
	n = rte_eal_init(argc, argv);
	if (n < 0)
		die("rte_eal_init failed: %s", rte_strerror(rte_errno));
	/* argv[0] is the program name again, "--" is consumed */
	argc -= n + 1;
	argv += n + 1;
	if (argc > 0 && !strcmp(argv[0], "--")) {
		argc--;
		argv++;
	}
	parse_opts(argc, argv, &o);
	if (!strcmp(o.mode, "probe")) {
		probe(&o);
		ports_list(&fd);
	} else if (!strcmp(o.mode, "idle")) {
		probe(&o);
		ports_list(&fd);
		wait_killed();
	} else if (!strcmp(o.mode, "baseline")) {
		baseline(&o);
		wait_killed();
	} else if (!strcmp(o.mode, "detect")) {
		detect(&o);
	} else if (!strcmp(o.mode, "attach")) {
		attach(&o);
	} else if (!strcmp(o.mode, "hotplug")) {
		hotplug(&o);
	} else if (!strcmp(o.mode, "return")) {
		vf_return(&o);
	} else {
		die("unknown mode %s", o.mode);
	}
	/*
	 * No rte_eal_cleanup(): the distro's driver does not remove the
	 * fail-safe ports it made, and the process ends here anyway.
	 */
	fflush(stdout);
	_exit(0);
}
