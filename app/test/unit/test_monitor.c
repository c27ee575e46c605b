/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * The link monitor on a real netlink socket, in a network namespace of
 * its own: what reaches it besides the kernel's events. A process with
 * CAP_NET_ADMIN may send any datagram to the monitor's address: empty
 * ones, ones that hold no whole message, forged link messages. None of
 * them may hide a kernel event that follows, nor pass for one, and each
 * pull to the end must leave the socket drained. Then the changes of a
 * netdevice created and deleted, and an overrun. Needs root (77
 * otherwise).
 */

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_common.h>

#include "vdev_netvsc_private.h"
#include "unit.h"

int vdev_netvsc_logtype __attribute__((weak));

/** What the monitor handed out until drained. */
struct seen {
	unsigned int events;
	unsigned int lo; /**< events of lo, the kernel's */
	unsigned int forged; /**< events of the forged ifindex */
	unsigned int veth; /**< events of VETH */
	unsigned int veth_removed; /**< of them, removals */
};

#define FORGED_IFINDEX 4242
#define VETH "vmon0"

static void
record(const struct vdev_netvsc_link_change *change, struct seen *seen)
{
	const struct vdev_netvsc_link *link = &change->link;

	seen->events++;
	if (strcmp(link->name, "lo") == 0)
		seen->lo++;
	if (link->ifindex == FORGED_IFINDEX)
		seen->forged++;
	if (strcmp(link->name, VETH) == 0) {
		seen->veth++;
		seen->veth_removed += change->removed;
	}
}

/**
 * Send @p len bytes to the netlink port @p pid from socket @p fd. Recent
 * kernels refuse an empty one (ENODATA): false then, nothing sent.
 */
static bool
send_to(int fd, uint32_t pid, const void *buf, size_t len)
{
	struct sockaddr_nl dst = { .nl_family = AF_NETLINK, .nl_pid = pid };
	ssize_t n;

	n = sendto(fd, buf, len, 0, (struct sockaddr *)&dst, sizeof(dst));
	if (n < 0 && len == 0 && errno == ENODATA)
		return false;
	CHECK(n == (ssize_t)len, "sendto: %s", strerror(errno));
	return true;
}

/** A well-formed RTM_NEWLINK for a link that does not exist. */
static void
send_forged_link(int fd, uint32_t pid)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		struct rtattr rta;
		char name[8];
	} msg;

	memset(&msg, 0, sizeof(msg));
	msg.nh.nlmsg_len = sizeof(msg);
	msg.nh.nlmsg_type = RTM_NEWLINK;
	msg.ifi.ifi_family = AF_UNSPEC;
	msg.ifi.ifi_index = FORGED_IFINDEX;
	msg.rta.rta_type = IFLA_IFNAME;
	msg.rta.rta_len = RTA_LENGTH(sizeof(msg.name));
	strcpy(msg.name, "forged0");
	send_to(fd, pid, &msg, sizeof(msg));
}

/** Bring lo up or down: one RTM_NEWLINK from the kernel. */
static void
lo_set(int up)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	CHECK(fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0, "lo flags");
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	CHECK(ioctl(fd, SIOCSIFFLAGS, &ifr) == 0, "lo up/down: %s",
	      strerror(errno));
	if (fd >= 0)
		close(fd);
}

/** Pull changes until drained or an error; the result of the last pull. */
static int
read_all(struct vdev_netvsc_nl_monitor *mon, struct seen *seen)
{
	struct vdev_netvsc_link_change change;
	int ret;

	memset(seen, 0, sizeof(*seen));
	while ((ret = vdev_netvsc_nl_monitor_next(mon, &change)) > 0)
		record(&change, seen);
	return ret;
}

/** Nothing left on the socket: a poll would not wake the thread again. */
static bool
drained(struct vdev_netvsc_nl_monitor *mon)
{
	char byte;

	return recv(vdev_netvsc_nl_monitor_fd(mon), &byte, 1,
		    MSG_PEEK | MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

int
main(void)
{
	static const char garbage[4] = { 1, 2, 3, 4 };
	struct vdev_netvsc_nl_monitor *mon;
	struct sockaddr_nl self;
	socklen_t len = sizeof(self);
	struct seen seen;
	int sender, ret, up = 0;

	if (getuid() != 0 || unshare(CLONE_NEWNET) != 0)
		return unit_skip("unit-monitor: needs root and network"
				 " namespaces");
	mon = vdev_netvsc_nl_monitor_open();
	sender = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (mon == NULL || sender < 0 ||
	    getsockname(vdev_netvsc_nl_monitor_fd(mon),
			(struct sockaddr *)&self, &len) != 0) {
		printf("# unit-monitor: cannot open the sockets\n");
		return 1;
	}

	/* each odd datagram, then a kernel event: the event is seen */
	static const struct {
		const char *name;
		const void *buf;
		size_t len;
	} odd[] = {
		{ "an empty datagram", garbage, 0 },
		{ "a datagram with no whole message", garbage, sizeof(garbage) },
	};
	for (unsigned int i = 0; i != RTE_DIM(odd); ++i) {
		unit_begin(odd[i].name);
		if (!send_to(sender, self.nl_pid, odd[i].buf, odd[i].len)) {
			printf("# %s: this kernel sends none\n", odd[i].name);
			continue;
		}
		up = !up;
		lo_set(up);
		ret = read_all(mon, &seen);
		CHECK(ret == 0, "read: %d", ret);
		CHECK(seen.lo == 1, "the kernel's event after it: %u, expected 1",
		      seen.lo);
		CHECK(drained(mon), "socket drained");
	}

	unit_begin("a forged link message");
	send_forged_link(sender, self.nl_pid);
	up = !up;
	lo_set(up);
	ret = read_all(mon, &seen);
	CHECK(ret == 0, "read: %d", ret);
	CHECK(seen.forged == 0, "the forged link was taken for an event");
	CHECK(seen.lo == 1, "the kernel's event: %u, expected 1", seen.lo);
	CHECK(drained(mon), "socket drained");

	unit_begin("several at once");
	(void)send_to(sender, self.nl_pid, garbage, 0);
	send_to(sender, self.nl_pid, garbage, sizeof(garbage));
	send_forged_link(sender, self.nl_pid);
	up = !up;
	lo_set(up);
	(void)send_to(sender, self.nl_pid, garbage, 0);
	up = !up;
	lo_set(up);
	ret = read_all(mon, &seen);
	CHECK(ret == 0, "read: %d", ret);
	CHECK(seen.lo == 2 && seen.forged == 0,
	      "lo %u (2 expected), forged %u", seen.lo, seen.forged);
	CHECK(drained(mon), "socket drained");

	unit_begin("nothing pending");
	ret = read_all(mon, &seen);
	CHECK(ret == 0 && seen.events == 0, "read %d, %u events", ret,
	      seen.events);

	unit_begin("a netdevice created, then deleted");
	if (system("ip link add " VETH " type veth peer name " VETH "p") != 0) {
		printf("# no veth here: skipped\n");
	} else {
		ret = read_all(mon, &seen);
		CHECK(ret == 0, "read: %d", ret);
		CHECK(seen.veth >= 1 && seen.veth_removed == 0,
		      "creation: %u events, %u removals", seen.veth,
		      seen.veth_removed);
		CHECK(system("ip link del " VETH) == 0, "ip link del");
		ret = read_all(mon, &seen);
		CHECK(ret == 0, "read: %d", ret);
		CHECK(seen.veth_removed == 1, "deletion: %u removals, expected 1",
		      seen.veth_removed);
		CHECK(drained(mon), "socket drained");
	}

	unit_begin("an overrun: reported once, the socket emptied");
	{
		int one = 1, i;

		CHECK(setsockopt(vdev_netvsc_nl_monitor_fd(mon), SOL_SOCKET,
				 SO_RCVBUF, &one, sizeof(one)) == 0,
		      "SO_RCVBUF: %s", strerror(errno));
		for (i = 0; i != 64; ++i) {
			up = !up;
			lo_set(up);
		}
		ret = read_all(mon, &seen);
		CHECK(ret == -ENOBUFS, "read: %d, expected -ENOBUFS", ret);
		CHECK(seen.lo < 64, "%u events of 64 made it", seen.lo);
		CHECK(drained(mon), "socket not emptied after the overrun");
		up = !up;
		lo_set(up);
		ret = read_all(mon, &seen);
		CHECK(ret == 0 && seen.lo == 1,
		      "after it: read %d, lo %u (1 expected)", ret, seen.lo);
	}

	close(sender);
	vdev_netvsc_nl_monitor_close(mon);
	return unit_summary("unit-monitor");
}
