/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Test of the fake VF PMD, run by fake_vf_test.sh inside a throwaway
 * network namespace with a fake PCI tree (SYSFS_PCI_DEVICES):
 *
 *   fake_vf_test <EAL args> -- <case>...
 *   plain=<addr>,<vf>,<peer>        15b3:fffe device, netdevice <vf> whose
 *                                   veth peer is <peer>
 *   mana=<addr>,<vf1>,<vf2>,<peer2> 1414:00ba device with two netdevices
 *   failsafe=<addr>,<vf>,<peer>,<tap> the fake VF under fail-safe with a
 *                                   tap fallback named <tap>
 *
 * Each case hot-plugs its device with rte_dev_probe() and removes it, and
 * checks that the process has as many fds and as much DPDK heap as before.
 */

#define _GNU_SOURCE /* memmem */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <netlink/route/link.h>
#include <netlink/socket.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "../test_fds.h"

#define TEST_ETHERTYPE 0x88b5 /* IEEE local experimental */
#define RMV_DEADLINE_MS 100
#define WAIT_MS 2000
#define NB_QUEUES 4
#define BURST 32

static struct rte_mempool *pool;
static unsigned int nb_pass;
static unsigned int nb_fail;

static struct {
	uint16_t port;
	unsigned int rmv;
	unsigned int lsc;
	uint64_t rmv_ns;
	bool close_in_cb; /* stop and close the port in the RMV callback */
	int close_ret;
} ev;

/*
 * Output in TAP (meson test, protocol: 'tap'): a line per check, the rest
 * as "# " comments, the plan at the end. While todo names a known defect,
 * the checks are marked "# TODO <defect>": expected failures, and a pass
 * (the defect gone) counts as a failure.
 */
static const char *todo;

static void
check_line(bool ok, const char *fmt, va_list ap)
{
	printf("%sok %u - ", ok ? "" : "not ", nb_pass + nb_fail);
	vprintf(fmt, ap);
	if (todo != NULL)
		printf(" # TODO %s", todo);
	printf("\n");
}

static void
pass(const char *fmt, ...)
{
	va_list ap;

	nb_pass++;
	va_start(ap, fmt);
	check_line(true, fmt, ap);
	va_end(ap);
}

static void
fail(const char *fmt, ...)
{
	va_list ap;

	nb_fail++;
	va_start(ap, fmt);
	check_line(false, fmt, ap);
	va_end(ap);
}

#define CHECK(cond, ...) \
	((cond) ? (pass(__VA_ARGS__), true) : (fail(__VA_ARGS__), false))

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * The fds back at @p fds within 5 s (a lagging close took more than the
 * second this allowed once, on a loaded machine: CI's release matrix
 * runs two tests beside builds); listed when they do not come back.
 */
static bool
fds_back(int fds)
{
	int n = test_fds_settled(fds, 5000);

	if (n == fds)
		return true;
	printf("#    %d fds, not %d:\n", n, fds);
	test_fds_list("#    ");
	return false;
}

static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;

	if (rte_malloc_get_socket_stats(0, &st) < 0)
		return 0;
	return st.heap_allocsz_bytes;
}

static int
netdev_mac(const char *ifname, struct rte_ether_addr *mac)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ret = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (ret < 0)
		return -1;
	memcpy(mac->addr_bytes, ifr.ifr_hwaddr.sa_data, RTE_ETHER_ADDR_LEN);
	return 0;
}

static int
netdev_set_up(const char *ifname, bool up)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (ret == 0) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

static int
netdev_delete(const char *ifname)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_link *link = rtnl_link_alloc();
	int ret = -1;

	if (sk != NULL && link != NULL && nl_connect(sk, NETLINK_ROUTE) == 0) {
		rtnl_link_set_name(link, ifname);
		ret = rtnl_link_delete(sk, link);
	}
	rtnl_link_put(link);
	nl_socket_free(sk);
	return ret;
}

/* a raw socket on a netdevice: the "other side" of the wire */
static int
raw_open(const char *ifname)
{
	struct sockaddr_ll sll;
	int one = 1;
	int fd;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(ifname);
	if (sll.sll_ifindex == 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static size_t
frame_build(uint8_t *buf, const struct rte_ether_addr *dst,
	    const struct rte_ether_addr *src, const char *payload)
{
	struct rte_ether_hdr *eh = (void *)buf;
	size_t len = strlen(payload);

	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(src, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(TEST_ETHERTYPE);
	memcpy(buf + sizeof(*eh), payload, len);
	len += sizeof(*eh);
	if (len < RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN) {
		memset(buf + len, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN - len);
		len = RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN;
	}
	return len;
}

static bool
has_payload(const uint8_t *frame, size_t len, const char *payload)
{
	size_t plen = strlen(payload);

	return memmem(frame, len, payload, plen) != NULL;
}

static bool
raw_wait(int fd, const char *payload, int timeout_ms)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000;
	uint8_t buf[2048];

	while (now_ns() < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t len;

		if (poll(&pfd, 1, 10) <= 0)
			continue;
		while ((len = recv(fd, buf, sizeof(buf), 0)) > 0)
			if (has_payload(buf, len, payload))
				return true;
	}
	return false;
}

static int
raw_send(int fd, const struct rte_ether_addr *dst,
	 const struct rte_ether_addr *src, const char *payload)
{
	uint8_t buf[256];
	size_t len = frame_build(buf, dst, src, payload);

	return send(fd, buf, len, 0) == (ssize_t)len ? 0 : -1;
}

static int
port_send(uint16_t port, uint16_t queue, const struct rte_ether_addr *dst,
	  const struct rte_ether_addr *src, const char *payload)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;
	size_t len;

	if (m == NULL)
		return -1;
	p = (uint8_t *)rte_pktmbuf_append(m, 128);
	len = frame_build(p, dst, src, payload);
	rte_pktmbuf_trim(m, 128 - len);
	if (rte_eth_tx_burst(port, queue, &m, 1) != 1) {
		rte_pktmbuf_free(m);
		return -1;
	}
	return 0;
}

/* wait for a frame with payload on any queue; copy it out if asked */
static bool
port_wait(uint16_t port, uint16_t nb_queues, const char *payload,
	  int timeout_ms, uint8_t *out, size_t *out_len)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000;
	bool found = false;

	while (!found && now_ns() < end) {
		struct rte_mbuf *pkts[BURST];
		uint16_t q, i, n;

		for (q = 0; q < nb_queues; q++) {
			n = rte_eth_rx_burst(port, q, pkts, BURST);
			for (i = 0; i < n; i++) {
				const uint8_t *d = rte_pktmbuf_mtod(pkts[i],
							const uint8_t *);

				if (!found && has_payload(d, pkts[i]->data_len,
							  payload)) {
					found = true;
					if (out != NULL) {
						const void *p;

						*out_len = RTE_MIN(*out_len,
							pkts[i]->pkt_len);
						p = rte_pktmbuf_read(pkts[i], 0,
							*out_len, out);
						if (p != out)
							memcpy(out, p, *out_len);
					}
				}
				rte_pktmbuf_free(pkts[i]);
			}
		}
		if (!found)
			rte_delay_us_sleep(1000);
	}
	return found;
}

static int
event_cb(uint16_t port, enum rte_eth_event_type type, void *arg __rte_unused,
	 void *out __rte_unused)
{
	if (port != ev.port)
		return 0;
	if (type == RTE_ETH_EVENT_INTR_RMV) {
		if (ev.close_in_cb && ev.rmv == 0) {
			/* from the PMD's own interrupt callback */
			rte_eth_dev_stop(port);
			ev.close_ret = rte_eth_dev_close(port);
		}
		if (__atomic_fetch_add(&ev.rmv, 1, __ATOMIC_ACQ_REL) == 0)
			__atomic_store_n(&ev.rmv_ns, now_ns(), __ATOMIC_RELEASE);
	} else if (type == RTE_ETH_EVENT_INTR_LSC) {
		__atomic_fetch_add(&ev.lsc, 1, __ATOMIC_ACQ_REL);
	}
	return 0;
}

static void
events_watch(uint16_t port)
{
	memset(&ev, 0, sizeof(ev));
	ev.port = port;
}

static bool
wait_flag(unsigned int *counter, unsigned int min, int timeout_ms)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000;

	while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) < min) {
		if (now_ns() > end)
			return false;
		rte_delay_us_sleep(1000);
	}
	return true;
}

static bool
wait_link(uint16_t port, int status, int timeout_ms)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000;
	struct rte_eth_link link;

	do {
		if (rte_eth_link_get_nowait(port, &link) == 0 &&
		    link.link_status == status)
			return true;
		rte_delay_us_sleep(1000);
	} while (now_ns() < end);
	return false;
}

static int
port_setup(uint16_t port, uint16_t nb_queues, bool lsc)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.lsc = lsc;
	ret = rte_eth_dev_configure(port, nb_queues, nb_queues, &conf);
	if (ret < 0)
		return ret;
	for (q = 0; q < nb_queues; q++) {
		ret = rte_eth_rx_queue_setup(port, q, 256, SOCKET_ID_ANY,
					     NULL, pool);
		if (ret < 0)
			return ret;
		ret = rte_eth_tx_queue_setup(port, q, 256, SOCKET_ID_ANY,
					     NULL);
		if (ret < 0)
			return ret;
	}
	return rte_eth_dev_start(port);
}

/* a probe that must fail, and leave nothing behind */
static void
probe_must_fail(const char *devargs, const char *why)
{
	int fds = test_fds_count();
	int ret = rte_dev_probe(devargs);

	CHECK(ret < 0, "probe \"%s\" refused (%s): %d", devargs, why, ret);
	CHECK(fds_back(fds), "no fd left by the failed probe");
}

/* a UDP datagram from the peer's kernel stack: CHECKSUM_PARTIAL on veth */
static int
udp_from_peer(const char *peer, const struct rte_ether_addr *vf_mac)
{
	char cmd[512];
	struct sockaddr_in to;
	int fd;
	int ret;

	snprintf(cmd, sizeof(cmd),
		 "ip addr add 198.18.0.1/24 dev %s && "
		 "ip neigh replace 198.18.0.2 lladdr " RTE_ETHER_ADDR_PRT_FMT
		 " dev %s", peer, RTE_ETHER_ADDR_BYTES(vf_mac), peer);
	if (system(cmd) != 0)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(9);
	to.sin_addr.s_addr = htonl(0xc6120002); /* 198.18.0.2 */
	ret = sendto(fd, "fake_vf udp", 11, 0, (struct sockaddr *)&to,
		     sizeof(to)) == 11 ? 0 : -1;
	close(fd);
	return ret;
}

static bool
udp_cksum_ok(const uint8_t *frame, size_t len)
{
	const struct rte_ipv4_hdr *ip = (const void *)(frame + RTE_ETHER_HDR_LEN);
	const struct rte_udp_hdr *udp;

	if (len < RTE_ETHER_HDR_LEN + sizeof(*ip) + sizeof(*udp) ||
	    ip->next_proto_id != IPPROTO_UDP)
		return false;
	udp = (const void *)((const uint8_t *)ip + rte_ipv4_hdr_len(ip));
	return udp->dgram_cksum != 0 &&
	       rte_ipv4_udptcp_cksum_verify(ip, udp) == 0;
}

static int
find_port(const char *name, uint16_t *port)
{
	return rte_eth_dev_get_port_by_name(name, port);
}

static void
case_plain(const char *addr, const char *vf, const char *peer)
{
	struct rte_ether_addr vf_mac, peer_mac, port_mac, other;
	struct rte_eth_dev_info info;
	struct rte_eth_stats stats;
	struct rte_device *rdev;
	uint8_t frame[2048];
	size_t frame_len = 0;
	char devargs[128];
	int fds, rawfd, ret;
	uint16_t port;
	uint64_t t0;

	printf("# == plain: %s on %s (peer %s)\n", addr, vf, peer);
	fds = test_fds_count();
	snprintf(devargs, sizeof(devargs), "%s,foo=1", addr);
	probe_must_fail(devargs, "unknown devarg");

	if (!CHECK(rte_dev_probe(addr) == 0, "probe %s", addr) ||
	    !CHECK(find_port(addr, &port) == 0, "port of %s", addr))
		return;
	netdev_mac(vf, &vf_mac);
	netdev_mac(peer, &peer_mac);
	rte_eth_macaddr_get(port, &port_mac);
	CHECK(rte_is_same_ether_addr(&vf_mac, &port_mac),
	      "port MAC is the netdevice's");
	CHECK(rte_eth_dev_info_get(port, &info) == 0, "port info");
	CHECK(info.if_index == if_nametoindex(vf), "if_index is %s's", vf);
	CHECK(info.max_rx_queues >= NB_QUEUES, "%u Rx queues possible",
	      info.max_rx_queues);
	rdev = info.device;

	events_watch(port);
	rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_RMV,
				      event_cb, NULL);
	rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_LSC,
				      event_cb, NULL);
	ret = port_setup(port, NB_QUEUES, true);
	if (!CHECK(ret == 0, "configure %d queues and start: %d",
		   NB_QUEUES, ret))
		return;
	CHECK(wait_link(port, RTE_ETH_LINK_UP, WAIT_MS), "link up");

	rawfd = raw_open(peer);
	if (!CHECK(rawfd >= 0, "raw socket on %s", peer))
		return;
	CHECK(port_send(port, 1, &peer_mac, &vf_mac, "fake_vf tx 1") == 0 &&
	      raw_wait(rawfd, "fake_vf tx 1", WAIT_MS),
	      "frame sent on queue 1 arrives at %s", peer);

	/* MAC filter: a frame for another MAC is dropped unless promiscuous */
	rte_ether_unformat_addr("02:00:00:00:00:99", &other);
	rte_eth_promiscuous_disable(port);
	raw_send(rawfd, &other, &peer_mac, "fake_vf other 1");
	raw_send(rawfd, &vf_mac, &peer_mac, "fake_vf rx 1");
	CHECK(port_wait(port, NB_QUEUES, "fake_vf rx 1", WAIT_MS, NULL, NULL),
	      "frame from %s received", peer);
	CHECK(!port_wait(port, NB_QUEUES, "fake_vf other 1", 200, NULL, NULL),
	      "frame for another MAC filtered out");
	rte_eth_promiscuous_enable(port);
	raw_send(rawfd, &other, &peer_mac, "fake_vf other 2");
	CHECK(port_wait(port, NB_QUEUES, "fake_vf other 2", WAIT_MS, NULL, NULL),
	      "frame for another MAC received when promiscuous");

	/* the kernel strips VLAN tags into metadata: they must come back */
	{
		uint8_t vbuf[128];
		struct rte_ether_hdr *eh = (void *)vbuf;
		struct rte_vlan_hdr *vh = (void *)(eh + 1);
		const char *pl = "fake_vf vlan 1";
		size_t vlen = sizeof(*eh) + sizeof(*vh) + 50;

		memset(vbuf, 0, sizeof(vbuf));
		rte_ether_addr_copy(&vf_mac, &eh->dst_addr);
		rte_ether_addr_copy(&peer_mac, &eh->src_addr);
		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16(42);
		vh->eth_proto = rte_cpu_to_be_16(TEST_ETHERTYPE);
		memcpy(vh + 1, pl, strlen(pl));
		send(rawfd, vbuf, vlen, 0);
		frame_len = sizeof(frame);
		CHECK(port_wait(port, NB_QUEUES, pl, WAIT_MS, frame,
				&frame_len) &&
		      frame_len == vlen && memcmp(frame, vbuf, vlen) == 0,
		      "VLAN-tagged frame received unchanged (%zu bytes)",
		      frame_len);
	}

	frame_len = sizeof(frame);
	CHECK(udp_from_peer(peer, &vf_mac) == 0 &&
	      port_wait(port, NB_QUEUES, "fake_vf udp", WAIT_MS, frame,
			&frame_len) &&
	      udp_cksum_ok(frame, frame_len),
	      "UDP from the peer's stack received with a valid checksum");

	rte_eth_stats_get(port, &stats);
	CHECK(stats.ipackets >= 4 && stats.opackets >= 1,
	      "stats: %" PRIu64 " in, %" PRIu64 " out",
	      stats.ipackets, stats.opackets);

	/* carrier loss on the peer side: LSC, then link down */
	ev.lsc = 0;
	netdev_set_up(peer, false);
	CHECK(wait_flag(&ev.lsc, 1, WAIT_MS) &&
	      wait_link(port, RTE_ETH_LINK_DOWN, 100),
	      "peer down: LSC event, link down");
	netdev_set_up(peer, true);
	CHECK(wait_flag(&ev.lsc, 2, WAIT_MS) &&
	      wait_link(port, RTE_ETH_LINK_UP, 100),
	      "peer up: LSC event, link up");
	close(rawfd);

	t0 = now_ns();
	CHECK(netdev_delete(vf) == 0, "delete %s", vf);
	if (CHECK(wait_flag(&ev.rmv, 1, RMV_DEADLINE_MS),
		  "RMV event within %d ms", RMV_DEADLINE_MS))
		printf("#    RMV after %.1f ms\n",
		       (__atomic_load_n(&ev.rmv_ns, __ATOMIC_ACQUIRE) - t0) / 1e6);
	rte_delay_us_sleep(50 * 1000);
	CHECK(ev.rmv == 1, "exactly one RMV event (%u)", ev.rmv);
	CHECK(rte_eth_dev_is_removed(port) == 1, "port reports removed");

	/* PCI removal of a started port: remove() stops and closes it */
	CHECK(rte_dev_remove(rdev) == 0, "rte_dev_remove while started");
	CHECK(!rte_eth_dev_is_valid_port(port), "port released");
	CHECK(fds_back(fds), "fds back to baseline (%d)", fds);
}

static void
case_mana(const char *addr, const char *vf1, const char *vf2,
	  const char *peer2)
{
	struct rte_ether_addr mac2, peer_mac, port_mac;
	struct rte_eth_dev_info info;
	char devargs[128];
	uint64_t owner = 0;
	size_t heap, now;
	int fds, rawfd;
	uint16_t port;
	uint64_t t0;

	printf("# == mana: %s with %s and %s\n", addr, vf1, vf2);
	fds = test_fds_count();
	/*
	 * From 23.11 ethdev frees its shared data when its last port and
	 * owner go, and allocates it again at a lookup by name (the PCI
	 * remove below does one): an owner held over the case keeps it
	 * allocated, so that the heap check compares like with like.
	 */
	CHECK(rte_eth_dev_owner_new(&owner) == 0,
	      "an ethdev owner keeps ethdev's shared data");
	heap = heap_used();
	probe_must_fail(addr, "two netdevices and no mac=");
	snprintf(devargs, sizeof(devargs), "%s,mac=02:00:00:00:00:77", addr);
	probe_must_fail(devargs, "no netdevice has that MAC");

	netdev_mac(vf2, &mac2);
	snprintf(devargs, sizeof(devargs), "%s,mac=" RTE_ETHER_ADDR_PRT_FMT,
		 addr, RTE_ETHER_ADDR_BYTES(&mac2));
	if (!CHECK(rte_dev_probe(devargs) == 0, "probe %s", devargs) ||
	    !CHECK(find_port(addr, &port) == 0, "port of %s", addr))
		return;
	rte_eth_macaddr_get(port, &port_mac);
	CHECK(rte_eth_dev_info_get(port, &info) == 0, "port info");
	CHECK(rte_is_same_ether_addr(&mac2, &port_mac) &&
	      info.if_index == if_nametoindex(vf2),
	      "mac= chose the second netdevice %s", vf2);
	events_watch(port);
	ev.close_in_cb = true;
	rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_RMV,
				      event_cb, NULL);
	if (!CHECK(port_setup(port, 1, false) == 0, "configure and start"))
		return;
	netdev_mac(peer2, &peer_mac);
	rawfd = raw_open(peer2);
	CHECK(rawfd >= 0 &&
	      port_send(port, 0, &peer_mac, &mac2, "fake_vf mana 1") == 0 &&
	      raw_wait(rawfd, "fake_vf mana 1", WAIT_MS),
	      "frame arrives at %s", peer2);
	if (rawfd >= 0)
		close(rawfd);

	t0 = now_ns();
	netdev_delete(vf2);
	if (CHECK(wait_flag(&ev.rmv, 1, RMV_DEADLINE_MS),
		  "RMV event within %d ms", RMV_DEADLINE_MS))
		printf("#    RMV after %.1f ms\n",
		       (__atomic_load_n(&ev.rmv_ns, __ATOMIC_ACQUIRE) - t0) / 1e6);
	CHECK(ev.close_ret == 0 && !rte_eth_dev_is_valid_port(port),
	      "port closed by the RMV callback itself");
	CHECK(rte_dev_remove(info.device) == 0, "rte_dev_remove");
	CHECK(fds_back(fds), "fds back to baseline (%d)", fds);
	now = heap_used();
	CHECK(now == heap, "DPDK heap back to baseline (%zu bytes, now %zu)",
	      heap, now);
	CHECK(rte_eth_dev_owner_delete(owner) == 0, "ethdev owner deleted");
}

/*
 * DPDK 22.11 fail-safe releases a removed sub-device's port twice
 * (rte_eth_dev_close, then rte_eth_dev_release_port after rte_dev_remove);
 * the second time the zeroed port data say port 0, whose fast path is then
 * reset. A placeholder port 0 keeps fail-safe off it; the test reports
 * whether the placeholder was hit.
 */
static bool
port_fast_path_ok(uint16_t port)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);

	if (m == NULL)
		return false;
	rte_pktmbuf_append(m, 60);
	if (rte_eth_tx_burst(port, 0, &m, 1) == 1)
		return true;
	rte_pktmbuf_free(m);
	return false;
}

/*
 * The VF netdevice appears after the fail-safe port started, as when
 * Azure adds the VF to a running guest. (With the VF there at start,
 * fail-safe 22.11 exposes its "fast" Rx burst, never replaces it in
 * rte_eth_fp_ops, and that burst dereferences the removed sub-device:
 * the application crashes on the next rte_eth_rx_burst after a removal.)
 */
static void
case_failsafe(const char *addr, const char *vf, const char *peer,
	      const char *tap)
{
	struct rte_ether_addr peer_mac, fs_mac;
	struct rte_eth_dev_info info, null_info;
	char devargs[256];
	char cmd[256];
	int fds, rawfd, tapfd;
	uint16_t fs_port, vf_port = RTE_MAX_ETHPORTS, null_port;
	uint64_t end;
	bool ok;

	printf("# == failsafe: %s on %s (created later), tap %s\n",
	       addr, vf, tap);
	fds = test_fds_count();
	if (!CHECK(rte_dev_probe("net_null_fvtest") == 0 &&
		   find_port("net_null_fvtest", &null_port) == 0 &&
		   port_setup(null_port, 1, false) == 0,
		   "placeholder port net_null_fvtest started"))
		return;
	CHECK(rte_eth_dev_info_get(null_port, &null_info) == 0,
	      "placeholder port info");
	snprintf(devargs, sizeof(devargs),
		 "net_failsafe_fvtest,hotplug_poll=100,dev(%s),"
		 "dev(net_tap_fvtest,iface=%s)", addr, tap);
	if (!CHECK(rte_dev_probe(devargs) == 0, "probe %s", devargs) ||
	    !CHECK(find_port("net_failsafe_fvtest", &fs_port) == 0,
		   "fail-safe port"))
		return;
	CHECK(rte_eth_dev_info_get(fs_port, &info) == 0, "fail-safe port info");
	if (!CHECK(port_setup(fs_port, 2, false) == 0,
		   "fail-safe configure and start (tap only)"))
		return;
	rte_eth_macaddr_get(fs_port, &fs_mac);

	/* the VF arrives: fail-safe's hot-plug poll probes the fake VF */
	snprintf(cmd, sizeof(cmd),
		 "ip link add %s type veth peer name %s && "
		 "sysctl -qw net.ipv6.conf.%s.disable_ipv6=1 && "
		 "sysctl -qw net.ipv6.conf.%s.disable_ipv6=1 && "
		 "ip link set %s up && ip link set %s up",
		 vf, peer, vf, peer, vf, peer);
	if (!CHECK(system(cmd) == 0, "create %s", vf))
		return;
	netdev_mac(peer, &peer_mac);
	rawfd = raw_open(peer);
	/* fail-safe switches Tx to its preferred (first) sub-device */
	end = now_ns() + (uint64_t)5 * WAIT_MS * 1000000;
	ok = false;
	while (!ok && now_ns() < end) {
		port_send(fs_port, 0, &peer_mac, &fs_mac, "fake_vf fs 1");
		ok = raw_wait(rawfd, "fake_vf fs 1", 50);
	}
	CHECK(ok && find_port(addr, &vf_port) == 0,
	      "fail-safe plugged the VF in and sends through it");
	printf("#    placeholder port %u, fail-safe port %u, VF port %u\n",
	       null_port, fs_port, vf_port);
	raw_send(rawfd, &fs_mac, &peer_mac, "fake_vf fs 2");
	CHECK(port_wait(fs_port, 2, "fake_vf fs 2", WAIT_MS, NULL, NULL),
	      "fail-safe receives through the VF");
	close(rawfd);

	netdev_delete(vf);
	end = now_ns() + (uint64_t)WAIT_MS * 1000000;
	while (vf_port < RTE_MAX_ETHPORTS &&
	       rte_eth_dev_is_valid_port(vf_port) && now_ns() < end)
		/* fail-safe detaches once no burst runs on the sub-device */
		port_wait(fs_port, 2, "none", 10, NULL, NULL);
	CHECK(vf_port < RTE_MAX_ETHPORTS && !rte_eth_dev_is_valid_port(vf_port),
	      "fail-safe detached the VF after its RMV");

	tapfd = raw_open(tap);
	CHECK(tapfd >= 0 &&
	      port_send(fs_port, 0, &peer_mac, &fs_mac, "fake_vf fs 3") == 0 &&
	      raw_wait(tapfd, "fake_vf fs 3", WAIT_MS),
	      "fail-safe port %u still sends, through the tap", fs_port);
	if (tapfd >= 0) {
		raw_send(tapfd, &fs_mac, &peer_mac, "fake_vf fs 4");
		CHECK(port_wait(fs_port, 2, "fake_vf fs 4", WAIT_MS, NULL, NULL),
		      "fail-safe port %u still receives, through the tap",
		      fs_port);
		close(tapfd);
	}
	if (null_port == 0) {
#if RTE_VERSION >= RTE_VERSION_NUM(22, 11, 0, 0) && \
	RTE_VERSION < RTE_VERSION_NUM(23, 0, 0, 0)
		/* 21.11 and 23.11 on keep it; 22.11 resets it */
		todo = "DPDK 22.11 fail-safe releases the removed port twice";
#endif
		CHECK(port_fast_path_ok(null_port),
		      "fast path of port 0 intact after fail-safe removed a"
		      " sub-device");
		todo = NULL;
	}

	rte_eth_dev_stop(fs_port);
	rte_eth_dev_close(fs_port);
	CHECK(rte_dev_remove(info.device) == 0, "remove fail-safe");
	rte_eth_dev_stop(null_port);
	rte_eth_dev_close(null_port);
	rte_dev_remove(null_info.device);
	CHECK(fds_back(fds), "fds back to baseline (%d)", fds);
}

int
main(int argc, char **argv)
{
	int ret;
	int i;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "rte_eal_init failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	setvbuf(stdout, NULL, _IOLBF, 0);
	pool = rte_pktmbuf_pool_create("fake_vf_test", 4096, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "cannot create mbuf pool\n");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		char *arg = strdup(argv[i]);
		char *val = strchr(arg, '=');
		char *f[4] = { NULL };
		char *save = NULL;
		int n = 0;

		if (val == NULL) {
			fprintf(stderr, "bad case \"%s\"\n", argv[i]);
			return 1;
		}
		*val++ = '\0';
		for (f[n] = strtok_r(val, ",", &save);
		     f[n] != NULL && n < 3;
		     f[++n] = strtok_r(NULL, ",", &save))
			;
		if (strcmp(arg, "plain") == 0 && f[2] != NULL)
			case_plain(f[0], f[1], f[2]);
		else if (strcmp(arg, "mana") == 0 && f[3] != NULL)
			case_mana(f[0], f[1], f[2], f[3]);
		else if (strcmp(arg, "failsafe") == 0 && f[3] != NULL)
			case_failsafe(f[0], f[1], f[2], f[3]);
		else {
			fprintf(stderr, "bad case \"%s\"\n", argv[i]);
			return 1;
		}
		free(arg);
	}
	rte_mempool_free(pool);
	rte_eal_cleanup();
	printf("# %u passed, %u failed\n", nb_pass, nb_fail);
	if (nb_pass + nb_fail == 0)
		return 1; /* no check ran: the run broke off */
	printf("1..%u\n", nb_pass + nb_fail);
	return 0;
}
