/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Netlink monitor of the fake VF: link notifications of the netdevice,
 * handled on the EAL interrupt thread. RTM_DELLINK raises RMV,
 * RTM_NEWLINK refreshes the link status (and raises LSC).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <rte_cycles.h>
#include <rte_interrupts.h>

#include "fake_vf.h"

/* messages read per wake-up, so that a storm does not starve other sources */
#define FAKE_VF_NL_BUDGET 64
/* so that a burst of link events does not overflow the socket */
#define FAKE_VF_NL_RCVBUF (1 << 20)

struct fake_vf_nl {
	struct nl_sock *sk;
	struct rte_intr_handle *intr;
	/* the port; NULL once it is closed, the callback then stops */
	struct fake_vf_priv *priv;
	bool registered;
	/* notifications were dropped: check the netdevice once drained */
	bool lost;
};

static struct fake_vf_priv *
fake_vf_nl_priv(struct fake_vf_nl *nl)
{
	return __atomic_load_n(&nl->priv, __ATOMIC_ACQUIRE);
}

static int
fake_vf_nl_msg(struct nl_msg *msg, void *arg)
{
	struct fake_vf_nl *nl = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct fake_vf_priv *priv = fake_vf_nl_priv(nl);
	const struct ifinfomsg *ifi;

	if (priv == NULL)
		return NL_STOP;
	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return NL_OK;
	if (nlmsg_datalen(nlh) < (int)sizeof(*ifi))
		return NL_OK;
	ifi = nlmsg_data(nlh);
	if (ifi->ifi_index <= 0 || (unsigned int)ifi->ifi_index != priv->ifindex)
		return NL_OK;
	/* AF_BRIDGE RTM_DELLINK only means "left its bridge" */
	if (ifi->ifi_family != AF_UNSPEC)
		return NL_OK;
	if (nlh->nlmsg_type == RTM_DELLINK)
		fake_vf_netdev_gone(priv);
	else
		fake_vf_netdev_changed(priv);
	/* the port may have been closed by an event callback */
	return NL_OK;
}

static void
fake_vf_nl_intr(void *arg)
{
	struct fake_vf_nl *nl = arg;
	struct fake_vf_priv *priv;
	unsigned int i;
	int ret = -NLE_AGAIN;

	for (i = 0; i < FAKE_VF_NL_BUDGET; i++) {
		priv = fake_vf_nl_priv(nl);
		if (priv == NULL)
			return;
		ret = nl_recvmsgs_default(nl->sk);
		if (ret == -NLE_AGAIN)
			break;
		if (ret < 0 && !nl->lost) {
			FAKE_VF_LOG(WARNING, "%s: netlink: %s, checking %s once drained",
				    priv->dev->data->name, nl_geterror(ret),
				    priv->ifname);
			nl->lost = true;
		}
	}
	priv = fake_vf_nl_priv(nl);
	/*
	 * The kernel reports one overrun (ENOBUFS) and no further drop until
	 * the queue is empty: look at the netdevice only then, or a removal
	 * dropped after the error would go unseen.
	 */
	if (ret == -NLE_AGAIN && nl->lost && priv != NULL) {
		nl->lost = false;
		fake_vf_netdev_check(priv);
	}
}

struct fake_vf_nl *
fake_vf_nl_open(void)
{
	struct fake_vf_nl *nl;
	int fd;
	int ret;

	nl = calloc(1, sizeof(*nl));
	if (nl == NULL)
		return NULL;
	nl->sk = nl_socket_alloc();
	if (nl->sk == NULL)
		goto error;
	/* notifications only: they carry no sequence numbers of ours */
	nl_socket_disable_seq_check(nl->sk);
	ret = nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM,
				  fake_vf_nl_msg, nl);
	if (ret < 0)
		goto nl_error;
	ret = nl_connect(nl->sk, NETLINK_ROUTE);
	if (ret < 0)
		goto nl_error;
	fd = nl_socket_get_fd(nl->sk);
	/* libnl may not ask for it: no fd of ours leaks into exec'd children */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		FAKE_VF_LOG(ERR, "netlink: FD_CLOEXEC: %s", strerror(errno));
		goto error;
	}
	ret = nl_socket_add_membership(nl->sk, RTNLGRP_LINK);
	if (ret < 0)
		goto nl_error;
	ret = nl_socket_set_nonblocking(nl->sk);
	if (ret < 0)
		goto nl_error;
	/* best effort: a lost notification is caught by fake_vf_nl_intr */
	nl_socket_set_buffer_size(nl->sk, FAKE_VF_NL_RCVBUF, 0);
	nl->intr = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (nl->intr == NULL)
		goto error;
	if (rte_intr_fd_set(nl->intr, fd) < 0 ||
	    rte_intr_type_set(nl->intr, RTE_INTR_HANDLE_EXT) < 0)
		goto error;
	return nl;
nl_error:
	FAKE_VF_LOG(ERR, "netlink: %s", nl_geterror(ret));
error:
	fake_vf_nl_close(nl);
	return NULL;
}

int
fake_vf_nl_start(struct fake_vf_nl *nl, struct fake_vf_priv *priv)
{
	int ret;

	__atomic_store_n(&nl->priv, priv, __ATOMIC_RELEASE);
	ret = rte_intr_callback_register(nl->intr, fake_vf_nl_intr, nl);
	if (ret < 0) {
		__atomic_store_n(&nl->priv, NULL, __ATOMIC_RELEASE);
		FAKE_VF_LOG(ERR, "%s: cannot register netlink interrupt: %s",
			    priv->dev->data->name, strerror(-ret));
		return ret;
	}
	nl->registered = true;
	return 0;
}

static void
fake_vf_nl_free(struct fake_vf_nl *nl)
{
	if (nl->sk != NULL)
		nl_socket_free(nl->sk);
	rte_intr_instance_free(nl->intr);
	free(nl);
}

static void
fake_vf_nl_free_pending(struct rte_intr_handle *intr __rte_unused, void *arg)
{
	fake_vf_nl_free(arg);
}

void
fake_vf_nl_close(struct fake_vf_nl *nl)
{
	int ret;

	if (nl == NULL)
		return;
	__atomic_store_n(&nl->priv, NULL, __ATOMIC_RELEASE);
	while (nl->registered) {
		ret = rte_intr_callback_unregister(nl->intr, fake_vf_nl_intr,
						   nl);
		if (ret >= 0)
			break;
		if (ret != -EAGAIN) {
			FAKE_VF_LOG(ERR, "cannot unregister netlink interrupt: %s",
				    strerror(-ret));
			break;
		}
		/*
		 * -EAGAIN: our callback is running. On the interrupt thread
		 * that is this very call stack (an event callback closing the
		 * port): let EAL free it once the callback has returned.
		 */
		if (rte_thread_is_intr()) {
			ret = rte_intr_callback_unregister_pending(nl->intr,
					fake_vf_nl_intr, nl,
					fake_vf_nl_free_pending);
			if (ret < 0)
				/* leaking is safer than freeing under EAL */
				FAKE_VF_LOG(ERR, "cannot unregister netlink interrupt: %s",
					    strerror(-ret));
			return;
		}
		rte_delay_us_sleep(1000);
	}
	fake_vf_nl_free(nl);
}

/*
 * Steering, as a bifurcated VF PMD (mlx5) does with flow rules: while DPDK
 * runs the VF, what arrives on it is DPDK's alone. The simulated guest
 * enslaves a VF to its NetVSC stand-in, a bridge, which hands the VF's
 * traffic to the NetVSC (and so to tap's remote=) as hv_netvsc does: the
 * port is disabled while the fake VF is started, forwarding otherwise.
 * A VF that is no bridge port (old kernels, the fake VF's own test) is
 * left alone.
 */
int
fake_vf_nl_steer(unsigned int ifindex, bool to_dpdk)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE };
	struct nl_msg *msg = NULL;
	struct nlattr *protinfo;
	struct nl_sock *sk;
	int ret;

	sk = nl_socket_alloc();
	if (sk == NULL)
		return -ENOMEM;
	ret = nl_connect(sk, NETLINK_ROUTE);
	if (ret == 0) {
		msg = nlmsg_alloc_simple(RTM_SETLINK, NLM_F_REQUEST);
		ret = msg == NULL ? -NLE_NOMEM : 0;
	}
	ifi.ifi_index = ifindex;
	if (ret == 0)
		ret = nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	if (ret == 0) {
		protinfo = nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED);
		ret = protinfo == NULL ? -NLE_NOMEM : 0;
	}
	if (ret == 0)
		ret = nla_put_u8(msg, IFLA_BRPORT_STATE, to_dpdk ?
				 BR_STATE_DISABLED : BR_STATE_FORWARDING);
	if (ret == 0) {
		nla_nest_end(msg, protinfo);
		ret = nl_send_sync(sk, msg); /* frees msg */
		msg = NULL;
	}
	nlmsg_free(msg);
	nl_socket_free(sk);
	/* not a bridge port (EOPNOTSUPP, EINVAL), or gone: nothing to steer */
	return ret < 0 ? -EIO : 0;
}
