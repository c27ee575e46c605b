/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * fuzz_link: the link-event path, from raw netlink datagrams to the pipe.
 * Each input is read by the monitor's socket as the EAL interrupt thread
 * would (vdev_netvsc_monitor_handle(): pull each link change into the
 * snapshot, decide, act), on an instance built in memory: a snapshot taken at start, one
 * context with a real pipe per NetVSC selected, no fail-safe port.
 *
 * Netlink without the kernel: this executable defines recvmsg() and
 * sendmsg(), which libnl's calls resolve to before libc's. The monitor's
 * socket reads the input's datagrams (source: the kernel, port 0), with
 * MSG_PEEK and MSG_TRUNC as the kernel does them; the query socket, used
 * by the resync after an overrun (ENOBUFS), is answered by a small fake
 * kernel holding a fixed set of links and addresses, or by datagrams of
 * the input. The machine's own netdevices never matter. Sysfs is a tree
 * built at start (app/test/unit/tree.c), with or without a VMBus tree.
 *
 * Input: one byte of set-up (bits 0-2: the devargs, bit 3: the world
 * without a VMBus tree), then records of one type byte, a little-endian
 * 16-bit length and that many bytes (cut at the end of the input):
 *   type % 4 == 0  a datagram for the monitor, from the kernel, or with
 *                  bit 2 of the type from a process (any local process
 *                  may send to the monitor's address), empty ones too
 *   type % 4 == 1  an error from the monitor's recvmsg(): ENOBUFS,
 *                  EINTR, EAGAIN, EIO or ENOMEM, by the first byte
 *   type % 4 == 2  the answer to the next query instead of the fake
 *                  kernel's, framed as the kernel frames it: with bit 2
 *                  of the type, one message (RTM_NEWLINK, or RTM_NEWADDR
 *                  for an address dump) whose body is the record, then
 *                  the ACK or NLMSG_DONE; without, an error by the first
 *                  byte: NLMSG_ERROR with ENODEV, EINVAL, EPERM or EBUSY,
 *                  or recvmsg() failing with ENOBUFS
 *                  (libnl 3.7 leaks the object it parsed when an answer
 *                  is followed by a malformed message: not fuzzed)
 *   type % 4 == 3  end of a round: what came before is handled
 * A round is handled as the interrupt thread would: the callback runs
 * while the socket holds something (epoll is level-triggered), and must
 * read something each time.
 *
 * Invariants after each callback: each context's pipe holds exactly the
 * line of the VF that the snapshot gives its NetVSC now (or nothing), the
 * context's VF and name agree with the snapshot, one more offer exactly
 * when the VF (line or netdevice) changed to another VF; the snapshot
 * lists each ifindex once, none below 1 (the kernel's start at 1), with
 * terminated names and PCI addresses; no
 * query reads the answer of another (a socket with an answer unread must
 * not ask again). After each input: no fd left open.
 */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include <dev_driver.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_string_fns.h>

#include "vdev_netvsc_private.h"
#include "tree.h"
#include "../test_fds.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);

/* Defined by vdev_netvsc.c, not linked (see fuzz.h). */
pthread_mutex_t vdev_netvsc_lock __attribute__((weak)) =
	PTHREAD_MUTEX_INITIALIZER;

/*
 * Datagram queues: what recvmsg() serves to one socket.
 */

/** A datagram, or an error the next recvmsg() returns. */
struct dgram {
	uint8_t *data; /**< NULL for an error */
	size_t len; /**< bytes of data */
	int err; /**< errno when data is NULL */
	uint32_t sender; /**< nl_pid of the sender: 0 for the kernel */
};

#define QUEUE_MAX 1024

/** A socket's queue, as its receive buffer. */
struct queue {
	struct dgram d[QUEUE_MAX]; /**< in order */
	unsigned int head; /**< next to read */
	unsigned int tail; /**< next free */
	uint64_t taken; /**< datagrams and errors read so far */
};

static struct queue mon_q; /* the monitor's socket */
static struct queue query_q; /* the query socket's answers */
static int mon_fd = -1;
/** The netlink socket that sent the last query: it reads query_q. */
static int query_fd = -1;
/** The input's answer to the next query, if any. */
struct override {
	uint8_t *body; /**< message body, NULL for an error */
	size_t len; /**< its length */
	uint8_t err; /**< which error, when body is NULL */
};
static struct override overrides[QUEUE_MAX];
static unsigned int override_head, override_tail;

/** FUZZ_TRACE=1: say what each socket reads and each query asks. */
static bool trace;
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);
static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);

static void
queue_push_from(struct queue *q, const void *data, size_t len, int err,
		uint32_t sender)
{
	struct dgram *d;

	if (q->tail == QUEUE_MAX)
		return;
	d = &q->d[q->tail++];
	d->len = len;
	d->err = err;
	d->sender = sender;
	d->data = NULL;
	if (data != NULL) {
		d->data = malloc(len + 1); /* not NULL when empty */
		FUZZ_CHECK(d->data != NULL);
		memcpy(d->data, data, len);
	}
}

static void
queue_push(struct queue *q, const void *data, size_t len, int err)
{
	queue_push_from(q, data, len, err, 0);
}

static bool
queue_empty(const struct queue *q)
{
	return q->head == q->tail;
}

static void
queue_clear(struct queue *q)
{
	unsigned int i;

	for (i = 0; i != q->tail; ++i)
		free(q->d[i].data);
	q->head = 0;
	q->tail = 0;
}

/** recvmsg() on a queue: MSG_PEEK leaves the datagram, MSG_TRUNC sizes. */
static ssize_t
queue_recvmsg(struct queue *q, struct msghdr *msg, int flags)
{
	struct sockaddr_nl *src = msg->msg_name;
	const struct dgram *d;
	size_t room, n;

	if (queue_empty(q)) {
		errno = EAGAIN;
		return -1;
	}
	d = &q->d[q->head];
	if (trace)
		fprintf(stderr, "fuzz_link: %s reads %s %zu%s\n",
			q == &mon_q ? "monitor" : "query",
			d->data != NULL ? "datagram" : "error",
			d->data != NULL ? d->len : (size_t)d->err,
			(flags & MSG_PEEK) ? " (peek)" : "");
	if (d->data == NULL) {
		/* The kernel reports an error once, peeking or not. */
		q->head++;
		q->taken++;
		errno = d->err;
		return -1;
	}
	FUZZ_CHECK(msg->msg_iovlen == 1, "libnl reads into one buffer");
	room = msg->msg_iov[0].iov_len;
	n = RTE_MIN(room, d->len);
	memcpy(msg->msg_iov[0].iov_base, d->data, n);
	msg->msg_flags = d->len > room ? MSG_TRUNC : 0;
	msg->msg_controllen = 0;
	if (src != NULL && msg->msg_namelen >= sizeof(*src)) {
		memset(src, 0, sizeof(*src));
		src->nl_family = AF_NETLINK;
		src->nl_pid = d->sender;
		msg->msg_namelen = sizeof(*src);
	}
	if (!(flags & MSG_PEEK)) {
		q->head++;
		q->taken++;
	}
	return (flags & MSG_TRUNC) ? (ssize_t)d->len : (ssize_t)n;
}

/* the driver peeks at and drains the monitor's socket with recv() */
ssize_t
recv(int fd, void *buf, size_t len, int flags)
{
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	return recvmsg(fd, &msg, flags & ~MSG_DONTWAIT);
}

ssize_t
recvmsg(int fd, struct msghdr *msg, int flags)
{
	if (fd == mon_fd && fd >= 0)
		return queue_recvmsg(&mon_q, msg, flags);
	if (fd == query_fd && fd >= 0)
		return queue_recvmsg(&query_q, msg, flags);
	return real_recvmsg(fd, msg, flags);
}

/*
 * The fake kernel: a fixed set of links and addresses, answering the
 * driver's queries (RTM_GETLINK by index or name, link and address dumps).
 */

struct fake_link {
	int ifindex;
	const char *name;
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	int master;
	bool ipv4; /**< carries 198.18.0.<ifindex>/24 */
	bool ipv6_ll; /**< carries fe80::<ifindex> */
};

#define MAC(x) { 0x00, 0x0d, 0x3a, 0x00, 0x00, (x) }

static const struct fake_link fake_links[] = {
	{ 1, "lo", { 0 }, 0, true, false },
	{ 2, "eth0", MAC(0), 0, true, true }, /* routed NetVSC */
	{ 3, "eth1", MAC(1), 0, false, true },
	{ 4, "eth2", MAC(2), 0, false, false },
	{ 5, "enP1s1", MAC(1), 3, false, false }, /* VF of eth1 */
	{ 6, "enP2s1", MAC(2), 0, false, false }, /* MANA, upper_eth2 */
	{ 7, "enP3s1", MAC(1), 0, false, false }, /* MAC peer of eth1 */
	{ 8, "veth7", MAC(7), 0, false, false }, /* not a NetVSC */
	{ 9, "enP5s1", MAC(2), 0, false, false }, /* address too long */
};

static const struct fake_link *
fake_find(int ifindex, const char *name)
{
	unsigned int i;

	for (i = 0; i != RTE_DIM(fake_links); ++i) {
		if (ifindex > 0 && fake_links[i].ifindex == ifindex)
			return &fake_links[i];
		if (ifindex <= 0 && name != NULL &&
		    strcmp(fake_links[i].name, name) == 0)
			return &fake_links[i];
	}
	return NULL;
}

/** Append one message to a datagram being built. */
static void
answer_put(uint8_t *buf, size_t *len, size_t size, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	FUZZ_CHECK(*len + NLMSG_ALIGN(nlh->nlmsg_len) <= size);
	memcpy(buf + *len, nlh, nlh->nlmsg_len);
	*len += NLMSG_ALIGN(nlh->nlmsg_len);
	nlmsg_free(msg);
}

static struct nl_msg *
answer_link(const struct fake_link *l, uint32_t seq, uint32_t port, int flags)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = l->ifindex,
		.ifi_flags = IFF_UP,
	};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWLINK, flags);

	FUZZ_CHECK(msg != NULL);
	nlmsg_hdr(msg)->nlmsg_seq = seq;
	nlmsg_hdr(msg)->nlmsg_pid = port;
	FUZZ_CHECK(nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0);
	FUZZ_CHECK(nla_put_string(msg, IFLA_IFNAME, l->name) == 0);
	FUZZ_CHECK(nla_put(msg, IFLA_ADDRESS, RTE_ETHER_ADDR_LEN, l->mac) == 0);
	if (l->master != 0)
		FUZZ_CHECK(nla_put_u32(msg, IFLA_MASTER, l->master) == 0);
	return msg;
}

static struct nl_msg *
answer_addr(const struct fake_link *l, bool v6, uint32_t seq, uint32_t port)
{
	struct ifaddrmsg ifa = {
		.ifa_family = v6 ? AF_INET6 : AF_INET,
		.ifa_prefixlen = v6 ? 64 : 24,
		.ifa_index = l->ifindex,
	};
	uint8_t a4[4] = { 198, 18, 0, (uint8_t)l->ifindex };
	uint8_t a6[16] = { 0xfe, 0x80, [15] = (uint8_t)l->ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_MULTI);

	FUZZ_CHECK(msg != NULL);
	nlmsg_hdr(msg)->nlmsg_seq = seq;
	nlmsg_hdr(msg)->nlmsg_pid = port;
	FUZZ_CHECK(nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) == 0);
	FUZZ_CHECK(nla_put(msg, IFA_ADDRESS, v6 ? 16 : 4, v6 ? a6 : a4) == 0);
	FUZZ_CHECK(nla_put(msg, IFA_LOCAL, v6 ? 16 : 4, v6 ? a6 : a4) == 0);
	return msg;
}

static struct nl_msg *
answer_control(int type, int error, uint32_t seq, uint32_t port)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, NLM_F_MULTI);
	struct nlmsgerr e = { .error = error };

	FUZZ_CHECK(msg != NULL);
	nlmsg_hdr(msg)->nlmsg_seq = seq;
	nlmsg_hdr(msg)->nlmsg_pid = port;
	if (type == NLMSG_ERROR) {
		nlmsg_hdr(msg)->nlmsg_flags = 0;
		e.msg.nlmsg_seq = seq;
		FUZZ_CHECK(nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO) == 0);
	} else {
		FUZZ_CHECK(nlmsg_append(msg, &error, sizeof(error),
					NLMSG_ALIGNTO) == 0);
	}
	return msg;
}

/** Queue the fake kernel's answer to one request. */
static void
fake_kernel_answer(struct nlmsghdr *req, size_t len)
{
	uint8_t buf[16384];
	size_t n = 0;
	uint32_t seq = req->nlmsg_seq, port = req->nlmsg_pid;
	unsigned int i;

	if (len < NLMSG_HDRLEN || req->nlmsg_len > len)
		return;
	if (req->nlmsg_type == RTM_GETLINK && (req->nlmsg_flags & NLM_F_DUMP)) {
		for (i = 0; i != RTE_DIM(fake_links); ++i)
			answer_put(buf, &n, sizeof(buf),
				   answer_link(&fake_links[i], seq, port,
					       NLM_F_MULTI));
		answer_put(buf, &n, sizeof(buf),
			   answer_control(NLMSG_DONE, 0, seq, port));
	} else if (req->nlmsg_type == RTM_GETLINK &&
		   req->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifinfomsg))) {
		const struct ifinfomsg *ifi = nlmsg_data(req);
		struct nlattr *a = nlmsg_find_attr(req, sizeof(*ifi),
						   IFLA_IFNAME);
		char name[IF_NAMESIZE] = "";
		const struct fake_link *l;

		if (a != NULL)
			nla_strlcpy(name, a, sizeof(name));
		l = fake_find(ifi->ifi_index, a != NULL ? name : NULL);
		if (l == NULL) {
			answer_put(buf, &n, sizeof(buf),
				   answer_control(NLMSG_ERROR, -ENODEV, seq,
						  port));
		} else {
			answer_put(buf, &n, sizeof(buf),
				   answer_link(l, seq, port, 0));
			queue_push(&query_q, buf, n, 0);
			n = 0;
			/* the ACK libnl asked for, in its own datagram */
			answer_put(buf, &n, sizeof(buf),
				   answer_control(NLMSG_ERROR, 0, seq, port));
		}
	} else if (req->nlmsg_type == RTM_GETADDR &&
		   req->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg))) {
		const struct ifaddrmsg *ifa = nlmsg_data(req);

		for (i = 0; i != RTE_DIM(fake_links); ++i) {
			const struct fake_link *l = &fake_links[i];

			/* strict dumps are filtered by the kernel */
			if (ifa->ifa_index != 0 &&
			    (int)ifa->ifa_index != l->ifindex)
				continue;
			if (l->ipv4)
				answer_put(buf, &n, sizeof(buf),
					   answer_addr(l, false, seq, port));
			if (l->ipv6_ll)
				answer_put(buf, &n, sizeof(buf),
					   answer_addr(l, true, seq, port));
		}
		answer_put(buf, &n, sizeof(buf),
			   answer_control(NLMSG_DONE, 0, seq, port));
	} else {
		answer_put(buf, &n, sizeof(buf),
			   answer_control(NLMSG_ERROR, -EOPNOTSUPP, seq, port));
	}
	queue_push(&query_q, buf, n, 0);
}

/** Queue the input's answer to a request, framed as the kernel would. */
static void
input_answer(const struct override *o, const struct nlmsghdr *req,
	     size_t len)
{
	static const int nl_errs[] = { ENODEV, EINVAL, EPERM, EBUSY };
	uint32_t seq = 0, port = 0;
	uint8_t buf[16384];
	struct nl_msg *msg;
	size_t n = 0;
	bool dump;
	int type;

	if (len >= NLMSG_HDRLEN) {
		seq = req->nlmsg_seq;
		port = req->nlmsg_pid;
	}
	if (o->body == NULL) {
		if (o->err % 5 == 4) {
			queue_push(&query_q, NULL, 0, ENOBUFS);
		} else {
			answer_put(buf, &n, sizeof(buf),
				   answer_control(NLMSG_ERROR,
						  -nl_errs[o->err % 5], seq,
						  port));
			queue_push(&query_q, buf, n, 0);
		}
		return;
	}
	dump = len >= NLMSG_HDRLEN && (req->nlmsg_flags & NLM_F_DUMP);
	type = len >= NLMSG_HDRLEN && req->nlmsg_type == RTM_GETADDR ?
		RTM_NEWADDR : RTM_NEWLINK;
	msg = nlmsg_alloc_simple(type, dump ? NLM_F_MULTI : 0);
	FUZZ_CHECK(msg != NULL);
	nlmsg_hdr(msg)->nlmsg_seq = seq;
	nlmsg_hdr(msg)->nlmsg_pid = port;
	FUZZ_CHECK(nlmsg_append(msg, o->body, o->len, NLMSG_ALIGNTO) == 0);
	answer_put(buf, &n, sizeof(buf), msg);
	if (dump) {
		answer_put(buf, &n, sizeof(buf),
			   answer_control(NLMSG_DONE, 0, seq, port));
	} else {
		queue_push(&query_q, buf, n, 0);
		n = 0;
		answer_put(buf, &n, sizeof(buf),
			   answer_control(NLMSG_ERROR, 0, seq, port));
	}
	queue_push(&query_q, buf, n, 0);
}

ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	const struct sockaddr *dst = msg->msg_name;
	uint8_t req[4096];
	size_t len = 0;
	size_t i;

	if (dst == NULL || dst->sa_family != AF_NETLINK)
		return real_sendmsg(fd, msg, flags);
	/*
	 * A query. From a new socket: what the old one held went with it.
	 * From the same one: it must have read every earlier answer, or it
	 * reads the answer of another query.
	 */
	if (fd != query_fd) {
		queue_clear(&query_q);
		query_fd = fd;
	}
	FUZZ_CHECK(queue_empty(&query_q),
		   "query socket out of step: an earlier answer is unread");
	for (i = 0; i != msg->msg_iovlen; ++i) {
		size_t n = RTE_MIN(msg->msg_iov[i].iov_len, sizeof(req) - len);

		memcpy(req + len, msg->msg_iov[i].iov_base, n);
		len += n;
	}
	if (trace && len >= NLMSG_HDRLEN)
		fprintf(stderr, "fuzz_link: query type %u flags %#x seq %u%s\n",
			((struct nlmsghdr *)req)->nlmsg_type,
			((struct nlmsghdr *)req)->nlmsg_flags,
			((struct nlmsghdr *)req)->nlmsg_seq,
			override_head != override_tail ? ", input answers" : "");
	if (override_head != override_tail)
		input_answer(&overrides[override_head++],
			     (const struct nlmsghdr *)req, len);
	else
		fake_kernel_answer((struct nlmsghdr *)req, len);
	return (ssize_t)len;
}

/*
 * The world: sysfs trees matching the fake kernel's links.
 */

#define GUID(x) "000d3a6e-4c2f-000d-3a6e-4c2f000d3a6" x

static char *roots[2]; /* with a VMBus tree, without */

static void
world_remove(void)
{
	unsigned int w;

	for (w = 0; w != RTE_DIM(roots); ++w) {
		tree_destroy(roots[w]);
		roots[w] = NULL;
	}
}

static void
world_build(char *root, bool vmbus)
{
	static const char *const netvsc[][2] = {
		{ GUID("0"), "eth0" }, { GUID("1"), "eth1" },
		{ GUID("2"), "eth2" }, { GUID("3"), "eth3" },
	};
	char rel[PATH_MAX], target[PATH_MAX];
	unsigned int i;

	for (i = 0; i != RTE_DIM(netvsc); ++i)
		tree_netvsc(root, netvsc[i][0], netvsc[i][1]);
	tree_pci(root, "7870:00:02.0", 0x15b3, 0x1016, "enP1s1");
	tree_upper(root, "enP1s1", "eth1");
	tree_pci(root, "cf63:00:02.0", 0x1414, 0x00ba, "enP2s1");
	tree_upper(root, "enP2s1", "eth2");
	tree_pci(root, "0000:00:03.0", 0x15b3, 0x1016, "enP3s1");
	/* not a netdevice of the fake kernel's: only events name it */
	tree_pci(root, "abcd:00:02.0", 0x15b3, 0x1018, "enP4s1");
	/* a PCI address too long for the driver: not a VF */
	tree_pci(root, "0000:00:04.0-and-a-name-too-long-for-pci", 0x1414,
		 0x00ba, "enP5s1");
	tree_mkdir(root, "class/net/lo");
	tree_mkdir(root, "class/net/veth7");
	if (vmbus)
		return;
	/* Without bus/vmbus: the NetVSCs' devices are elsewhere. */
	tree_rename(root, "bus/vmbus", "vmbus-devices");
	for (i = 0; i != RTE_DIM(netvsc); ++i) {
		snprintf(rel, sizeof(rel), "class/net/%s/device", netvsc[i][1]);
		snprintf(target, sizeof(target),
			 "../../../vmbus-devices/devices/%s", netvsc[i][0]);
		tree_unlink(root, rel);
		tree_symlink(root, rel, target);
	}
}

/*
 * The instance.
 */

static const char *const devargs[8] = {
	"",
	"iface=eth1",
	"iface=eth1,iface=eth2",
	"mac=00:0d:3a:00:00:02",
	"iface=enP1s1",
	"mac=00:0d:3a:00:00:01,iface=eth2",
	"iface=eth0",
	"mac=00:0d:3a:00:00:07,force=1",
};

/** What an instance of given devargs and world starts from. */
struct setup {
	struct vdev_netvsc_args args;
	struct vdev_netvsc_snapshot snap;
	int ifindex[8];
	unsigned int count;
};

static struct setup setups[2][RTE_DIM(devargs)];
static struct rte_device fake_dev = { .name = "net_vdev_netvsc_fuzz" };
static struct vdev_netvsc_instance inst = { .dev = &fake_dev };

/** Open fds: the query socket may change its number when it is renewed. */
static int
fd_count(void)
{
	int n = test_fds_count();

	FUZZ_CHECK(n >= 0);
	return n;
}

/** Per context, what the previous check saw. */
struct seen {
	char line[VDEV_NETVSC_LINE_LEN];
	int vf_ifindex;
	uint64_t offers;
};

static void
snapshot_copy(struct vdev_netvsc_snapshot *dst,
	      const struct vdev_netvsc_snapshot *src)
{
	*dst = *src;
	dst->netdev = NULL;
	if (src->size == 0)
		return;
	dst->netdev = calloc(src->size, sizeof(*dst->netdev));
	FUZZ_CHECK(dst->netdev != NULL);
	memcpy(dst->netdev, src->netdev, src->count * sizeof(*dst->netdev));
}

/** A context as vdev_netvsc_ctx_create() makes it, without a port. */
static void
ctx_add(const struct vdev_netvsc_netdev *netvsc, unsigned int id)
{
	struct vdev_netvsc_ctx *ctx = calloc(1, sizeof(*ctx));

	FUZZ_CHECK(ctx != NULL);
	ctx->ifindex = netvsc->link.ifindex;
	strlcpy(ctx->if_name, netvsc->link.name, sizeof(ctx->if_name));
	ctx->mac = netvsc->link.mac;
	ctx->id = id;
	snprintf(ctx->port_name, sizeof(ctx->port_name),
		 VDEV_NETVSC_PORT_PREFIX "%u", id);
	FUZZ_CHECK(pipe2(ctx->pipe, O_CLOEXEC | O_NONBLOCK) == 0);
	vdev_netvsc_ctx_offer(ctx, vdev_netvsc_vf_find(&inst.snap, netvsc));
	LIST_INSERT_HEAD(&inst.ctx_list, ctx, next);
}

static void
instance_free(void)
{
	struct vdev_netvsc_ctx *ctx;

	while ((ctx = LIST_FIRST(&inst.ctx_list)) != NULL) {
		LIST_REMOVE(ctx, next);
		close(ctx->pipe[0]);
		close(ctx->pipe[1]);
		free(ctx);
	}
	vdev_netvsc_snapshot_free(&inst.snap);
}

/** The pipe's content, left in place as fail-safe has not read it. */
static size_t
pipe_peek(const struct vdev_netvsc_ctx *ctx, char *buf, size_t size)
{
	ssize_t n = read(ctx->pipe[0], buf, size - 1);
	int more = 0;

	if (n <= 0) {
		FUZZ_CHECK(n == 0 || errno == EAGAIN);
		buf[0] = '\0';
		return 0;
	}
	buf[n] = '\0';
	FUZZ_CHECK(ioctl(ctx->pipe[0], FIONREAD, &more) == 0 && more == 0,
		   "more than %zd bytes in the pipe", n);
	FUZZ_CHECK(write(ctx->pipe[1], buf, n) == n);
	return n;
}

static void
check_snapshot(const struct vdev_netvsc_snapshot *snap)
{
	unsigned int i, j;

	FUZZ_CHECK(snap->count <= snap->size);
	FUZZ_CHECK(snap->size == 0 || snap->netdev != NULL);
	for (i = 0; i != snap->count; ++i) {
		const struct vdev_netvsc_netdev *nd = &snap->netdev[i];

		FUZZ_CHECK(nd->link.ifindex > 0, "ifindex %d listed",
			   nd->link.ifindex);
		FUZZ_CHECK(memchr(nd->link.name, '\0', IF_NAMESIZE) != NULL);
		FUZZ_CHECK(nd->kind == VDEV_NETVSC_KIND_OTHER ||
			   nd->kind == VDEV_NETVSC_KIND_NETVSC ||
			   nd->kind == VDEV_NETVSC_KIND_PCI);
		if (nd->kind == VDEV_NETVSC_KIND_PCI)
			FUZZ_CHECK(nd->pci.addr[0] != '\0' &&
				   memchr(nd->pci.addr, '\0',
					  sizeof(nd->pci.addr)) != NULL);
		for (j = 0; j != i; ++j)
			FUZZ_CHECK(snap->netdev[j].link.ifindex !=
				   nd->link.ifindex, "ifindex %d twice",
				   nd->link.ifindex);
	}
}

static void
check_contexts(struct seen *seen)
{
	const struct vdev_netvsc_ctx *ctx;
	unsigned int k = 0;

	check_snapshot(&inst.snap);
	LIST_FOREACH(ctx, &inst.ctx_list, next) {
		const struct vdev_netvsc_netdev *netvsc, *vf;
		char want[VDEV_NETVSC_LINE_LEN] = "";
		char piped[VDEV_NETVSC_LINE_LEN * 2];
		struct seen *s = &seen[k++];

		netvsc = vdev_netvsc_snapshot_find(&inst.snap, ctx->ifindex);
		vf = vdev_netvsc_vf_find(&inst.snap, netvsc);
		if (vf != NULL && vdev_netvsc_vf_line(vf, want,
						      sizeof(want)) != 0) {
			vf = NULL;
			want[0] = '\0';
		}
		FUZZ_CHECK(strcmp(ctx->vf_line, want) == 0,
			   "%s offers \"%s\", the snapshot says \"%s\"",
			   ctx->port_name, ctx->vf_line, want);
		FUZZ_CHECK(ctx->vf_ifindex == (vf != NULL ?
					       vf->link.ifindex : 0));
		if (vf != NULL)
			FUZZ_CHECK(strcmp(ctx->vf_pci, vf->pci.addr) == 0);
		if (netvsc != NULL)
			FUZZ_CHECK(strcmp(ctx->if_name, netvsc->link.name) == 0);
		pipe_peek(ctx, piped, sizeof(piped));
		FUZZ_CHECK(strcmp(piped, ctx->vf_line) == 0,
			   "pipe holds \"%s\", the line is \"%s\"", piped,
			   ctx->vf_line);
		/* Offered again when the VF netdevice changes, same line too. */
		if (strcmp(s->line, ctx->vf_line) == 0 &&
		    s->vf_ifindex == ctx->vf_ifindex)
			FUZZ_CHECK(ctx->offers == s->offers, "offered again");
		else if (ctx->vf_line[0] != '\0')
			FUZZ_CHECK(ctx->offers == s->offers + 1,
				   "%" PRIu64 " offers after %" PRIu64,
				   ctx->offers, s->offers);
		strlcpy(s->line, ctx->vf_line, sizeof(s->line));
		s->vf_ifindex = ctx->vf_ifindex;
		s->offers = ctx->offers;
	}
}

/** The interrupt thread: call back while the socket holds something. */
static void
run_round(struct seen *seen)
{
	unsigned int calls = 0;

	while (!queue_empty(&mon_q)) {
		uint64_t before = mon_q.taken;

		vdev_netvsc_monitor_handle(&inst);
		check_contexts(seen);
		FUZZ_CHECK(mon_q.taken > before,
			   "the callback read nothing: it would run for ever");
		FUZZ_CHECK(++calls <= QUEUE_MAX);
	}
	/*
	 * An answer left unread after a failed query is fine if the driver
	 * takes a new socket before its next query (checked in sendmsg()).
	 */
	queue_clear(&mon_q);
	queue_clear(&query_q);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = getenv("FUZZ_TMPDIR");
	unsigned int w, v;

	(void)argc;
	(void)argv;
	fuzz_log_init();
	trace = getenv("FUZZ_TRACE") != NULL;
	real_recvmsg = (ssize_t (*)(int, struct msghdr *, int))
		dlsym(RTLD_NEXT, "recvmsg");
	real_sendmsg = (ssize_t (*)(int, const struct msghdr *, int))
		dlsym(RTLD_NEXT, "sendmsg");
	FUZZ_CHECK(real_recvmsg != NULL && real_sendmsg != NULL);
	if (base == NULL)
		base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	for (w = 0; w != RTE_DIM(roots); ++w) {
		roots[w] = tree_create(base);
		world_build(roots[w], w == 0);
	}
	inst.nl = vdev_netvsc_nl_open();
	inst.mon = vdev_netvsc_nl_monitor_open();
	FUZZ_CHECK(inst.nl != NULL && inst.mon != NULL);
	mon_fd = vdev_netvsc_nl_monitor_fd(inst.mon);
	/* What each instance starts from: the fake kernel answers. */
	for (w = 0; w != RTE_DIM(roots); ++w) {
		setenv("VDEV_NETVSC_SYSFS_ROOT", roots[w], 1);
		for (v = 0; v != RTE_DIM(devargs); ++v) {
			struct setup *s = &setups[w][v];

			FUZZ_CHECK(vdev_netvsc_args_parse(devargs[v],
							  &s->args) == 0);
			FUZZ_CHECK(vdev_netvsc_snapshot_take(&s->snap, &s->args,
							     inst.nl) == 0,
				   "snapshot of world %u, \"%s\"", w,
				   devargs[v]);
			if (vdev_netvsc_select(&s->args, &s->snap, s->ifindex,
					       RTE_DIM(s->ifindex),
					       &s->count) != 0)
				s->count = 0;
			queue_clear(&query_q);
		}
	}
	/* The trees stay for the run. */
	atexit(world_remove);
	return 0;
}

/** The errno of an error record. */
static int
record_errno(const uint8_t *p, size_t len)
{
	static const int errs[] = { ENOBUFS, EINTR, EAGAIN, EIO, ENOMEM };

	return errs[(len != 0 ? p[0] : 0) % RTE_DIM(errs)];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen seen[RTE_DIM(setups[0][0].ifindex)];
	const struct setup *s;
	unsigned int i;
	size_t off = 1;
	int fds;

	if (size == 0)
		return 0;
	s = &setups[(data[0] >> 3) & 1][data[0] & 7];
	setenv("VDEV_NETVSC_SYSFS_ROOT", roots[(data[0] >> 3) & 1], 1);
	inst.args = s->args;
	/* A fresh query socket, whatever the previous input left. */
	vdev_netvsc_nl_close(inst.nl);
	query_fd = -1;
	inst.nl = vdev_netvsc_nl_open();
	FUZZ_CHECK(inst.nl != NULL);
	fds = fd_count();
	snapshot_copy(&inst.snap, &s->snap);
	LIST_INIT(&inst.ctx_list);
	for (i = 0; i != s->count; ++i)
		ctx_add(vdev_netvsc_snapshot_find(&inst.snap, s->ifindex[i]),
			i);
	memset(seen, 0, sizeof(seen));
	check_contexts(seen);
	override_head = 0;
	override_tail = 0;

	while (off < size) {
		uint8_t type = data[off];
		struct override *o;
		size_t len = 0;
		const uint8_t *p;

		if (off + 3 <= size)
			len = data[off + 1] | (size_t)data[off + 2] << 8;
		off = RTE_MIN(off + 3, size);
		len = RTE_MIN(len, size - off);
		p = data + off;
		off += len;
		switch (type % 4) {
		case 0:
			queue_push_from(&mon_q, p, len, 0,
					(type & 4) ? 4242 : 0);
			break;
		case 1:
			queue_push(&mon_q, NULL, 0, record_errno(p, len));
			break;
		case 2:
			if (override_tail == QUEUE_MAX)
				break;
			o = &overrides[override_tail++];
			o->body = NULL;
			o->len = len;
			o->err = len != 0 ? p[0] : 0;
			if (!(type & 4))
				break;
			o->body = malloc(len + 1);
			FUZZ_CHECK(o->body != NULL);
			if (len != 0)
				memcpy(o->body, p, len);
			break;
		default:
			run_round(seen);
			break;
		}
	}
	run_round(seen);

	for (i = 0; i != override_tail; ++i)
		free(overrides[i].body);
	instance_free();
	FUZZ_CHECK(fd_count() == fds, "%d fds open, %d before", fd_count(),
		   fds);
	return 0;
}
