/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Netlink, through libnl-route-3: the only file that includes libnl. It
 * hands out plain structs and negative errno values.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/pkt_sched.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/addr.h>
#include <netlink/route/act/mirred.h>
#include <netlink/route/action.h>
#include <netlink/route/classifier.h>
#include <netlink/route/cls/flower.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/tc.h>

#include <rte_common.h>
#include <rte_string_fns.h>

#include "vdev_netvsc_fault.h"
#include "vdev_netvsc_private.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

/** Room for a burst of link events before the kernel drops some. */
#define VDEV_NETVSC_NL_MONITOR_RCVBUF (256 * 1024)

/** A query socket. */
struct vdev_netvsc_nl {
	struct nl_sock *sk; /**< synchronous requests */
	bool strict; /**< the kernel filters dumps by ifindex */
};

/** A socket subscribed to link events, and the datagram being read. */
struct vdev_netvsc_nl_monitor {
	struct nl_sock *sk; /**< RTNLGRP_LINK member, non-blocking */
	void *buf; /**< the kernel's last datagram */
	size_t size; /**< bytes allocated at buf */
	struct nlmsghdr *msg; /**< its next message to hand out */
	int left; /**< bytes of it from msg on, 0 when read out */
};

/** Map a libnl error code to a negative errno. */
static int
vsc_nl_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0:
		return 0;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_PERM:
		return -EPERM;
	case NLE_NODEV:
	case NLE_OBJ_NOTFOUND:
		return -ENODEV;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
	case NLE_MSG_TOOSHORT:
	case NLE_MSGTYPE_NOSUPPORT:
		return -EINVAL;
	case NLE_OPNOTSUPP:
		return -ENOTSUP;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_RANGE:
		return -ERANGE;
	default:
		return -EIO;
	}
}

/** Allocate and connect a NETLINK_ROUTE socket (libnl sets CLOEXEC). */
static struct nl_sock *
vsc_nl_socket(void)
{
	struct nl_sock *sk;
	int ret;

	sk = VSC_ALLOC(NULL, nl_socket_alloc());
	if (sk == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	ret = nl_connect(sk, NETLINK_ROUTE);
	if (ret < 0) {
		rte_errno = -vsc_nl_errno(ret);
		nl_socket_free(sk);
		return NULL;
	}
	/* Belt and braces: the fd must not leak into exec'd children. */
	fcntl(nl_socket_get_fd(sk), F_SETFD, FD_CLOEXEC);
	return sk;
}

/** Let the kernel filter address dumps by ifindex (Linux >= 4.20). */
static bool
vsc_nl_strict(struct nl_sock *sk)
{
	int on = 1;

	return setsockopt(nl_socket_get_fd(sk), SOL_NETLINK,
			  NETLINK_GET_STRICT_CHK, &on, sizeof(on)) == 0;
}

/**
 * Open a netlink query socket.
 *
 * @return
 *   The socket, or NULL with rte_errno set.
 */
struct vdev_netvsc_nl *
vdev_netvsc_nl_open(void)
{
	struct vdev_netvsc_nl *nl;

	nl = VSC_ALLOC(NULL, calloc(1, sizeof(*nl)));
	if (nl == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	nl->sk = vsc_nl_socket();
	if (nl->sk == NULL) {
		free(nl);
		return NULL;
	}
	nl->strict = vsc_nl_strict(nl->sk);
	return nl;
}

/**
 * After a query failed other than by a clean "no such netdevice": take a
 * new socket. libnl stops reading an answer it cannot parse or does not
 * expect and leaves the rest (an ACK, the end of a dump) in the socket,
 * where every later query would read the answer of the one before it.
 * Without a new socket, the old one is kept.
 *
 * @param[in, out] nl
 *   Query socket.
 * @param[in] ret
 *   The query's result: 0 or -ENODEV leave the socket as it is.
 * @return
 *   @p ret.
 */
static int
vsc_nl_reset(struct vdev_netvsc_nl *nl, int ret)
{
	struct nl_sock *sk;

	if (ret == 0 || ret == -ENODEV)
		return ret;
	sk = vsc_nl_socket();
	if (sk == NULL)
		return ret;
	nl_socket_free(nl->sk);
	nl->sk = sk;
	nl->strict = vsc_nl_strict(sk);
	return ret;
}

/** Close a query socket; NULL is fine. */
void
vdev_netvsc_nl_close(struct vdev_netvsc_nl *nl)
{
	if (nl == NULL)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

/** Fill a plain struct from a libnl link object. */
static void
vsc_link_fill(struct rtnl_link *obj, struct vdev_netvsc_link *link)
{
	struct nl_addr *addr = rtnl_link_get_addr(obj);
	const char *name = rtnl_link_get_name(obj);

	memset(link, 0, sizeof(*link));
	link->ifindex = rtnl_link_get_ifindex(obj);
	link->master = rtnl_link_get_master(obj);
	if (name != NULL)
		strlcpy(link->name, name, sizeof(link->name));
	if (addr != NULL && nl_addr_get_len(addr) == RTE_ETHER_ADDR_LEN)
		memcpy(&link->mac, nl_addr_get_binary_addr(addr),
		       RTE_ETHER_ADDR_LEN);
}

/**
 * Ask the kernel about one netdevice.
 *
 * @param[in] nl
 *   Query socket.
 * @param[in] ifindex
 *   Its ifindex, or 0 to look it up by @p name.
 * @param[in] name
 *   Its name when @p ifindex is 0.
 * @param[out] link
 *   What the kernel says.
 * @return
 *   0, -ENODEV when there is no such netdevice, another negative errno.
 */
int
vdev_netvsc_nl_link_get(struct vdev_netvsc_nl *nl, int ifindex,
			const char *name, struct vdev_netvsc_link *link)
{
	struct rtnl_link *obj = NULL;
	int ret;

	/*
	 * libnl asserts (aborts the process) on a query with neither: an
	 * ifindex below 1 (a master read from a bogus answer) is none.
	 */
	if (ifindex < 0 || (ifindex == 0 && name == NULL))
		return -EINVAL;
	ret = VSC_ALLOC(-NLE_NOMEM, rtnl_link_get_kernel(nl->sk, ifindex,
						      ifindex ? NULL : name, &obj));
	if (ret < 0)
		return vsc_nl_reset(nl, vsc_nl_errno(ret));
	/*
	 * libnl returns 0 and no object for an answer without a link, such
	 * as the ACK of an earlier query: the socket is out of step.
	 */
	if (obj == NULL)
		return vsc_nl_reset(nl, -EIO);
	vsc_link_fill(obj, link);
	rtnl_link_put(obj);
	/*
	 * Another netdevice than asked: an answer to another query. (Not
	 * checked by name: the kernel also finds a netdevice by an altname.)
	 */
	if (link->ifindex <= 0 || (ifindex != 0 && link->ifindex != ifindex))
		return vsc_nl_reset(nl, -EIO);
	return 0;
}

/** A dump walk: the callback and its argument. */
struct vsc_link_walk {
	vdev_netvsc_nl_link_cb *cb; /**< the caller's */
	void *arg; /**< its argument */
	int ret; /**< first non-zero callback return */
};

static void
vsc_link_walk_one(struct nl_object *obj, void *opaque)
{
	struct vsc_link_walk *walk = opaque;
	struct vdev_netvsc_link link;

	if (walk->ret != 0)
		return;
	vsc_link_fill((struct rtnl_link *)obj, &link);
	if (link.ifindex <= 0)
		return; /* not a netdevice: the kernel numbers them from 1 */
	walk->ret = walk->cb(&link, walk->arg);
}

/**
 * Dump every netdevice, read completely whatever its size.
 *
 * @param[in] nl
 *   Query socket.
 * @param[in] cb
 *   Called with each link.
 * @param[in] arg
 *   Passed to @p cb.
 * @return
 *   0, what @p cb returned, or a negative errno.
 */
int
vdev_netvsc_nl_link_dump(struct vdev_netvsc_nl *nl,
			 vdev_netvsc_nl_link_cb *cb, void *arg)
{
	struct vsc_link_walk walk = { .cb = cb, .arg = arg };
	struct nl_cache *cache = NULL;
	int ret;

	ret = VSC_ALLOC(-NLE_NOMEM,
		      rtnl_link_alloc_cache(nl->sk, AF_UNSPEC, &cache));
	if (ret < 0)
		return vsc_nl_reset(nl, vsc_nl_errno(ret));
	nl_cache_foreach(cache, vsc_link_walk_one, &walk);
	nl_cache_free(cache);
	return walk.ret;
}

/** State of an address dump for one ifindex. */
struct vsc_addr_walk {
	int ifindex; /**< netdevice asked about */
	bool routed; /**< found an address that makes it in use */
};

/** Whether an address makes its netdevice "in use" by the kernel. */
static bool
vsc_addr_routed(struct rtnl_addr *addr)
{
	struct nl_addr *local = rtnl_addr_get_local(addr);
	const struct in6_addr *in6;

	switch (rtnl_addr_get_family(addr)) {
	case AF_INET:
		return true;
	case AF_INET6:
		/* A link-local address comes with "up" alone. */
		if (local == NULL ||
		    nl_addr_get_len(local) != sizeof(struct in6_addr))
			return false;
		in6 = nl_addr_get_binary_addr(local);
		return !IN6_IS_ADDR_LINKLOCAL(in6);
	default:
		return false;
	}
}

static void
vsc_addr_walk_one(struct nl_object *obj, void *opaque)
{
	struct vsc_addr_walk *walk = opaque;
	struct rtnl_addr *addr = (struct rtnl_addr *)obj;

	if (rtnl_addr_get_ifindex(addr) == walk->ifindex &&
	    vsc_addr_routed(addr))
		walk->routed = true;
}

static int
vsc_addr_valid(struct nl_msg *msg, void *opaque)
{
	nl_msg_parse(msg, vsc_addr_walk_one, opaque);
	return NL_OK;
}

/**
 * Whether a netdevice carries an address that puts it in use by the
 * kernel: any IPv4 address, or an IPv6 address other than link-local.
 * The dump is filtered by the kernel when it can, and read to its end.
 *
 * @param[in] nl
 *   Query socket.
 * @param[in] ifindex
 *   The netdevice.
 * @return
 *   1 when routed, 0 when not, a negative errno on error.
 */
int
vdev_netvsc_nl_routed(struct vdev_netvsc_nl *nl, int ifindex)
{
	struct vsc_addr_walk walk = { .ifindex = ifindex };
	struct ifaddrmsg ifa = {
		.ifa_family = AF_UNSPEC,
		.ifa_index = nl->strict ? ifindex : 0,
	};
	struct nl_cb *cb;
	int ret;

	cb = VSC_ALLOC(NULL, nl_cb_alloc(NL_CB_DEFAULT));
	if (cb == NULL)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, vsc_addr_valid, &walk);
	ret = nl_send_simple(nl->sk, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
	if (ret >= 0)
		ret = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (ret < 0)
		return vsc_nl_reset(nl, vsc_nl_errno(ret));
	return walk.routed;
}

/*
 * Link monitor: the caller pulls one link change at a time. Each datagram
 * of the kernel is read whole into the monitor's buffer, then its
 * messages are handed out one by one, each parsed by libnl.
 */

/** Room for a typical link message; the buffer grows for bigger ones. */
#define VSC_MONITOR_BUF_SIZE 4096

/**
 * Size of the datagram at the head of the monitor's socket, read without
 * taking it.
 *
 * @return
 *   Its size in bytes (0 for an empty one), or a negative errno: -EAGAIN
 *   when the socket holds nothing, -ENOBUFS once after an overrun.
 */
static ssize_t
vsc_monitor_peek(struct vdev_netvsc_nl_monitor *mon)
{
	char byte;
	ssize_t n;

	n = recv(nl_socket_get_fd(mon->sk), &byte, sizeof(byte),
		 MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	return n < 0 ? -errno : n;
}

/**
 * Drop every datagram of the socket. After an overrun they are all older
 * than the snapshot the caller takes next: reading them would only undo
 * it for a while.
 */
static void
vsc_monitor_drain(struct vdev_netvsc_nl_monitor *mon)
{
	int fd = nl_socket_get_fd(mon->sk);
	char byte;

	/* another overrun (ENOBUFS) may come meanwhile: keep going */
	while (recv(fd, &byte, sizeof(byte), MSG_DONTWAIT) >= 0 ||
	       errno == EINTR || errno == ENOBUFS)
		;
}

/** Make the buffer hold @p size bytes. */
static int
vsc_monitor_room(struct vdev_netvsc_nl_monitor *mon, size_t size)
{
	void *buf;

	if (size <= mon->size)
		return 0;
	buf = VSC_ALLOC(NULL, realloc(mon->buf, size));
	if (buf == NULL)
		return -ENOMEM;
	mon->buf = buf;
	mon->size = size;
	return 0;
}

/**
 * Read the next datagram of the kernel into the buffer. Those of other
 * senders are dropped: any local process may send to the monitor.
 *
 * @return
 *   1 with a datagram (maybe empty), 0 when the socket is empty, or a
 *   negative errno: -ENOBUFS after an overrun (the socket then emptied),
 *   -ENOMEM when a datagram too big for the buffer was dropped.
 */
static int
vsc_monitor_recv(struct vdev_netvsc_nl_monitor *mon)
{
	struct sockaddr_nl src;
	struct iovec iov;
	struct msghdr msg = {
		.msg_name = &src,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t n;
	char byte;

	for (;;) {
		/* Sized first: recvmsg() would cut a datagram too big. */
		n = vsc_monitor_peek(mon);
		if (n >= 0 && vsc_monitor_room(mon, n) != 0) {
			if (recv(nl_socket_get_fd(mon->sk), &byte,
				 sizeof(byte), MSG_DONTWAIT) < 0)
				DRV_LOG(DEBUG, "link monitor: dropping a"
					" datagram: %s", strerror(errno));
			return -ENOMEM;
		}
		if (n >= 0) {
			iov.iov_base = mon->buf;
			iov.iov_len = mon->size;
			msg.msg_namelen = sizeof(src);
			n = recvmsg(nl_socket_get_fd(mon->sk), &msg,
				    MSG_DONTWAIT);
			if (n < 0)
				n = -errno;
		}
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN)
			return 0;
		if (n == -ENOBUFS)
			vsc_monitor_drain(mon);
		if (n < 0)
			return n;
		if (msg.msg_namelen < sizeof(src) || src.nl_pid != 0 ||
		    (msg.msg_flags & MSG_TRUNC) != 0)
			continue;
		mon->msg = mon->buf;
		mon->left = n;
		return 1;
	}
}

/** nl_msg_parse()'s callback: the link it parsed, as a plain struct. */
static void
vsc_monitor_parsed(struct nl_object *obj, void *arg)
{
	vsc_link_fill((struct rtnl_link *)obj, arg);
}

/**
 * Parse one message of a datagram with libnl.
 *
 * @return
 *   1 for a link change of a netdevice, 0 for a message to skip (not a
 *   link message, or one libnl cannot parse), -ENOMEM.
 */
static int
vsc_monitor_parse(struct nlmsghdr *hdr, struct vdev_netvsc_link_change *change)
{
	struct nl_msg *msg;
	int ret;

	if (hdr->nlmsg_type != RTM_NEWLINK && hdr->nlmsg_type != RTM_DELLINK)
		return 0;
	msg = VSC_ALLOC(NULL, nlmsg_convert(hdr));
	if (msg == NULL)
		return -ENOMEM;
	/* libnl picks its link parser by protocol and message type */
	nlmsg_set_proto(msg, NETLINK_ROUTE);
	memset(change, 0, sizeof(*change));
	ret = VSC_ALLOC(-NLE_NOMEM,
			nl_msg_parse(msg, vsc_monitor_parsed, &change->link));
	nlmsg_free(msg);
	if (ret == -NLE_NOMEM)
		return -ENOMEM;
	if (ret < 0)
		DRV_LOG(DEBUG, "link monitor: message skipped: %s",
			nl_geterror(ret));
	/* the kernel numbers netdevices from 1: anything else is none */
	if (ret < 0 || change->link.ifindex <= 0)
		return 0;
	change->removed = hdr->nlmsg_type == RTM_DELLINK;
	return 1;
}

/**
 * Take the next link change, without blocking.
 *
 * @param[in, out] mon
 *   The monitor.
 * @param[out] change
 *   The change, when 1 is returned.
 * @return
 *   1 with a change; 0 when the socket is drained; a negative errno when
 *   changes were lost: -ENOBUFS after an overrun of the socket, -ENOMEM,
 *   or a read error. The caller then takes a fresh snapshot. After an
 *   overrun the socket is empty: every change still to come is newer.
 *   After another error, a change still queued may be older, but any
 *   later change of its netdevice is queued after it.
 */
int
vdev_netvsc_nl_monitor_next(struct vdev_netvsc_nl_monitor *mon,
			    struct vdev_netvsc_link_change *change)
{
	int ret;

	for (;;) {
		while (nlmsg_ok(mon->msg, mon->left)) {
			struct nlmsghdr *hdr = mon->msg;

			mon->msg = nlmsg_next(hdr, &mon->left);
			ret = vsc_monitor_parse(hdr, change);
			if (ret > 0)
				return ret;
			if (ret < 0) {
				/* older than the fresh snapshot to come */
				mon->left = 0;
				return ret;
			}
		}
		/* a message cut short ends its datagram */
		mon->left = 0;
		ret = vsc_monitor_recv(mon);
		if (ret <= 0)
			return ret;
	}
}

/**
 * Open a non-blocking socket subscribed to link events.
 *
 * @return
 *   The monitor, or NULL with rte_errno set.
 */
struct vdev_netvsc_nl_monitor *
vdev_netvsc_nl_monitor_open(void)
{
	struct vdev_netvsc_nl_monitor *mon;
	int ret;

	mon = VSC_ALLOC(NULL, calloc(1, sizeof(*mon)));
	if (mon == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	if (vsc_monitor_room(mon, VSC_MONITOR_BUF_SIZE) != 0) {
		rte_errno = ENOMEM;
		goto free_mon;
	}
	mon->sk = vsc_nl_socket();
	if (mon->sk == NULL)
		goto free_mon;
	ret = nl_socket_add_membership(mon->sk, RTNLGRP_LINK);
	if (ret == 0)
		ret = nl_socket_set_nonblocking(mon->sk);
	if (ret == 0)
		ret = nl_socket_set_buffer_size(mon->sk,
						VDEV_NETVSC_NL_MONITOR_RCVBUF, 0);
	if (ret < 0) {
		rte_errno = -vsc_nl_errno(ret);
		goto free_sock;
	}
	return mon;
free_sock:
	nl_socket_free(mon->sk);
free_mon:
	free(mon->buf);
	free(mon);
	return NULL;
}

/** Close a monitor; NULL is fine. */
void
vdev_netvsc_nl_monitor_close(struct vdev_netvsc_nl_monitor *mon)
{
	if (mon == NULL)
		return;
	nl_socket_free(mon->sk);
	free(mon->buf);
	free(mon);
}

/** The fd to watch for readability. */
int
vdev_netvsc_nl_monitor_fd(const struct vdev_netvsc_nl_monitor *mon)
{
	return nl_socket_get_fd(mon->sk);
}

/*
 * Whether tap's remote= can work. The tap PMD creates a multiqueue tap,
 * puts the multiq qdisc at its root and an ingress qdisc on it and on the
 * remote, then steers traffic with flower filters whose action is mirred.
 * Asking the kernel for exactly that, on a throwaway tap made the same
 * way, gives tap's own verdict: a single-queue device refuses multiq
 * whatever modules the kernel has. The tap goes away with its fd.
 */

/** One thing tap's remote= needs from the kernel. */
enum vsc_tc_need {
	VSC_TC_MULTIQ, /**< root qdisc of the tap */
	VSC_TC_INGRESS, /**< ingress qdisc, on the tap and the remote */
	VSC_TC_FLOWER, /**< the classifier of every rule */
	VSC_TC_MIRRED, /**< the action that moves packets across */
};

static const char * const vsc_tc_module[] = {
	[VSC_TC_MULTIQ] = "sch_multiq",
	[VSC_TC_INGRESS] = "sch_ingress",
	[VSC_TC_FLOWER] = "cls_flower",
	[VSC_TC_MIRRED] = "act_mirred",
};

/**
 * Add a qdisc: multiq at the root, or ingress. libnl knows no multiq
 * options and the kernel wants them, so the request gets them here, as
 * tap sends them: all zero, the kernel takes one band per tx queue.
 */
static int
vsc_tc_qdisc(struct nl_sock *sk, int ifindex, bool ingress)
{
	struct tc_multiq_qopt multiq = { 0 };
	struct rtnl_qdisc *qdisc;
	struct nl_msg *msg = NULL;
	int ret;

	qdisc = VSC_ALLOC(NULL, rtnl_qdisc_alloc());
	if (qdisc == NULL)
		return -ENOMEM;
	rtnl_tc_set_ifindex(TC_CAST(qdisc), ifindex);
	if (ingress) {
		rtnl_tc_set_parent(TC_CAST(qdisc), TC_H_INGRESS);
		rtnl_tc_set_handle(TC_CAST(qdisc), TC_HANDLE(0xffffU, 0));
	} else {
		rtnl_tc_set_parent(TC_CAST(qdisc), TC_H_ROOT);
		rtnl_tc_set_handle(TC_CAST(qdisc), TC_HANDLE(1, 0));
	}
	ret = rtnl_tc_set_kind(TC_CAST(qdisc), ingress ? "ingress" : "multiq");
	if (ret == 0)
		ret = rtnl_qdisc_build_add_request(qdisc, NLM_F_CREATE, &msg);
	if (ret == 0 && !ingress)
		ret = nla_put(msg, TCA_OPTIONS, sizeof(multiq), &multiq);
	if (ret == 0)
		ret = nl_send_sync(sk, msg); /* frees msg */
	else
		nlmsg_free(msg);
	rtnl_qdisc_put(qdisc);
	return ret < 0 ? vsc_nl_errno(ret) : 0;
}

/**
 * Add a flower filter on the ingress qdisc matching a destination MAC,
 * with a mirred action that redirects to the device itself when
 * @p mirred: tap's rules look so.
 */
static int
vsc_tc_flower(struct nl_sock *sk, int ifindex, bool mirred)
{
	static unsigned char mac[RTE_ETHER_ADDR_LEN] = { 0x02, 0, 0, 0, 0, 1 };
	static unsigned char mask[RTE_ETHER_ADDR_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	struct rtnl_act *act = NULL;
	struct rtnl_cls *cls;
	int ret;

	cls = VSC_ALLOC(NULL, rtnl_cls_alloc());
	if (cls == NULL)
		return -ENOMEM;
	rtnl_tc_set_ifindex(TC_CAST(cls), ifindex);
	rtnl_tc_set_parent(TC_CAST(cls), TC_HANDLE(0xffffU, 0));
	rtnl_cls_set_protocol(cls, ETH_P_ALL);
	rtnl_cls_set_prio(cls, mirred ? 2 : 1);
	ret = rtnl_tc_set_kind(TC_CAST(cls), "flower");
	if (ret == 0)
		ret = rtnl_flower_set_dst_mac(cls, mac, mask);
	if (ret == 0 && mirred) {
		act = VSC_ALLOC(NULL, rtnl_act_alloc());
		if (act == NULL)
			ret = -NLE_NOMEM;
		if (ret == 0)
			ret = rtnl_tc_set_kind(TC_CAST(act), "mirred");
		if (ret == 0)
			ret = rtnl_mirred_set_action(act, TCA_EGRESS_REDIR);
		if (ret == 0)
			ret = rtnl_mirred_set_policy(act, TC_ACT_STOLEN);
		if (ret == 0)
			ret = rtnl_mirred_set_ifindex(act, ifindex);
		if (ret == 0)
			ret = rtnl_flower_append_action(cls, act);
	}
	if (ret == 0)
		ret = rtnl_cls_add(sk, cls, NLM_F_CREATE);
	if (act != NULL)
		rtnl_act_put(act);
	rtnl_cls_put(cls);
	return ret < 0 ? vsc_nl_errno(ret) : 0;
}

/** Ask the kernel for one need on the throwaway tap. */
static int
vsc_tc_try(struct nl_sock *sk, int ifindex, enum vsc_tc_need need)
{
	switch (need) {
	case VSC_TC_MULTIQ:
		return vsc_tc_qdisc(sk, ifindex, false);
	case VSC_TC_INGRESS:
		return vsc_tc_qdisc(sk, ifindex, true);
	case VSC_TC_FLOWER:
		return vsc_tc_flower(sk, ifindex, false);
	case VSC_TC_MIRRED:
		return vsc_tc_flower(sk, ifindex, true);
	}
	return -EINVAL;
}

/**
 * Open a tap the way the tap PMD does: multiqueue when the kernel offers
 * it, so that its root takes the multiq qdisc.
 *
 * @return
 *   The tap's fd (the tap lives as long as it), or a negative errno.
 */
static int
vsc_tc_tap_open(int *ifindex)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	unsigned int features = 0;
	int ret;
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, TUNGETFEATURES, &features) == 0 &&
	    (features & IFF_MULTI_QUEUE) != 0)
		ifr.ifr_flags |= IFF_MULTI_QUEUE;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		goto error;
	*ifindex = if_nametoindex(ifr.ifr_name);
	if (*ifindex == 0)
		goto error;
	return fd;
error:
	ret = -errno;
	close(fd);
	return ret;
}

/**
 * Check that this kernel gives what tap's remote= needs.
 *
 * @param[out] missing
 *   Filled with what is missing, e.g. "sch_multiq, cls_flower".
 * @param[in] size
 *   Size of @p missing.
 * @return
 *   0 when everything is there, -ENOTSUP when something is missing,
 *   another negative errno when it could not be checked.
 */
int
vdev_netvsc_nl_tc_check(char *missing, size_t size)
{
	bool flower = true;
	struct nl_sock *sk;
	unsigned int need;
	int ifindex = 0;
	int ret = 0;
	int fd;

	missing[0] = '\0';
	fd = vsc_tc_tap_open(&ifindex);
	if (fd < 0)
		return fd;
	sk = vsc_nl_socket();
	if (sk == NULL) {
		close(fd);
		return -rte_errno;
	}
	for (need = 0; need != RTE_DIM(vsc_tc_module); ++need) {
		int err;

		/* Without flower, whether mirred is there cannot be told. */
		if (need == VSC_TC_MIRRED && !flower)
			break;
		err = vsc_tc_try(sk, ifindex, need);
		if (need == VSC_TC_FLOWER)
			flower = err == 0;
		/* not the kernel's answer: nothing is known to be missing */
		if (err == -EPERM || err == -ENOMEM) {
			ret = err;
			break;
		}
		if (err != 0) {
			if (missing[0] != '\0')
				strlcat(missing, ", ", size);
			strlcat(missing, vsc_tc_module[need], size);
			ret = -ENOTSUP;
		}
	}
	nl_socket_free(sk);
	close(fd); /* the tap netdevice goes with it */
	return ret;
}
