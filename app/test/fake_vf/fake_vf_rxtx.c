/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Data path of the fake VF: one AF_PACKET socket on the netdevice, shared
 * by all queues (the kernel hands each frame to one reader). Frames are
 * copied, which is simple rather than fast.
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "fake_vf.h"

int
fake_vf_sock_open(struct fake_vf_priv *priv)
{
	const char *name = priv->dev->data->name;
	struct sockaddr_ll sll;
	int one = 1;
	int ret;
	int fd;

	/* protocol 0: nothing is queued before bind() picks the netdevice */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		FAKE_VF_LOG(ERR, "%s: AF_PACKET socket: %s", name,
			    strerror(errno));
		return ret;
	}
#ifdef PACKET_IGNORE_OUTGOING
	/* a VF does not receive what it sends; else filtered in rx_burst */
	if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING,
		       &one, sizeof(one)) < 0)
		FAKE_VF_LOG(DEBUG, "%s: no PACKET_IGNORE_OUTGOING: %s", name,
			    strerror(errno));
#endif
	/* VLAN tags and unfinished checksums come as metadata */
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0) {
		ret = -errno;
		FAKE_VF_LOG(ERR, "%s: PACKET_AUXDATA: %s", name,
			    strerror(errno));
		goto error;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = priv->ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		ret = -errno;
		FAKE_VF_LOG(ERR, "%s: cannot bind to %s (ifindex %u): %s",
			    name, priv->ifname, priv->ifindex,
			    strerror(errno));
		goto error;
	}
	priv->sock = fd;
	fake_vf_nl_steer(priv->ifindex, true);
	return 0;
error:
	close(fd);
	return ret;
}

void
fake_vf_sock_close(struct fake_vf_priv *priv)
{
	if (priv->sock < 0)
		return;
	close(priv->sock);
	priv->sock = -1;
	if (!priv->removed)
		fake_vf_nl_steer(priv->ifindex, false);
}

/*
 * The kernel leaves the L4 checksum of locally generated packets for the
 * NIC to fill (CHECKSUM_PARTIAL): do it, as the wire would have it.
 */
static void
fake_vf_l4_cksum_fix(uint8_t *frame, uint32_t len)
{
	uint32_t off = RTE_ETHER_HDR_LEN;
	uint16_t type;
	uint8_t proto;
	uint8_t *l4;
	uint32_t l4_len;
	uint16_t *cksum;

	if (len < RTE_ETHER_HDR_LEN)
		return;
	type = rte_be_to_cpu_16(*(unaligned_uint16_t *)(frame + 12));
	while ((type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ) &&
	       len >= off + RTE_VLAN_HLEN) {
		type = rte_be_to_cpu_16(*(unaligned_uint16_t *)(frame + off + 2));
		off += RTE_VLAN_HLEN;
	}
	if (type == RTE_ETHER_TYPE_IPV4) {
		struct rte_ipv4_hdr *ip = (void *)(frame + off);
		uint32_t ihl;

		if (len < off + sizeof(*ip))
			return;
		ihl = rte_ipv4_hdr_len(ip);
		if (ihl < sizeof(*ip) ||
		    rte_be_to_cpu_16(ip->total_length) < ihl ||
		    len < off + rte_be_to_cpu_16(ip->total_length) ||
		    (rte_be_to_cpu_16(ip->fragment_offset) &
		     (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0)
			return;
		proto = ip->next_proto_id;
		l4 = (uint8_t *)ip + ihl;
		l4_len = rte_be_to_cpu_16(ip->total_length) - ihl;
		if (proto == IPPROTO_TCP && l4_len >= sizeof(struct rte_tcp_hdr))
			cksum = &((struct rte_tcp_hdr *)l4)->cksum;
		else if (proto == IPPROTO_UDP &&
			 l4_len >= sizeof(struct rte_udp_hdr))
			cksum = &((struct rte_udp_hdr *)l4)->dgram_cksum;
		else
			return;
		*cksum = 0;
		*cksum = rte_ipv4_udptcp_cksum(ip, l4);
	} else if (type == RTE_ETHER_TYPE_IPV6) {
		struct rte_ipv6_hdr *ip = (void *)(frame + off);

		if (len < off + sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len))
			return;
		proto = ip->proto;
		l4 = (uint8_t *)(ip + 1);
		l4_len = rte_be_to_cpu_16(ip->payload_len);
		if (proto == IPPROTO_TCP && l4_len >= sizeof(struct rte_tcp_hdr))
			cksum = &((struct rte_tcp_hdr *)l4)->cksum;
		else if (proto == IPPROTO_UDP &&
			 l4_len >= sizeof(struct rte_udp_hdr))
			cksum = &((struct rte_udp_hdr *)l4)->dgram_cksum;
		else
			return;
		*cksum = 0;
		*cksum = rte_ipv6_udptcp_cksum(ip, l4);
	}
}

/* what the MAC filter of a NIC would let through */
static bool
fake_vf_rx_wanted(const struct rte_eth_dev *dev, const uint8_t *frame)
{
	const struct rte_ether_addr *dst = (const void *)frame;
	unsigned int i;

	/* multicast is not filtered: allmulticast is only recorded */
	if (dev->data->promiscuous || rte_is_multicast_ether_addr(dst))
		return true;
	for (i = 0; i < FAKE_VF_MAX_MAC_ADDRS; i++)
		if (!rte_is_zero_ether_addr(&dev->data->mac_addrs[i]) &&
		    rte_is_same_ether_addr(dst, &dev->data->mac_addrs[i]))
			return true;
	return false;
}

/* 0, -ENOBUFS (mempool empty) or -EMSGSIZE (does not fit, no scatter) */
static int
fake_vf_to_mbuf(struct fake_vf_rxq *rxq, const uint8_t *data, uint32_t len,
		struct rte_mbuf **out)
{
	struct rte_mbuf *head;
	struct rte_mbuf *seg;
	uint32_t off = 0;

	head = rte_pktmbuf_alloc(rxq->mp);
	if (head == NULL)
		return -ENOBUFS;
	if (len > rte_pktmbuf_tailroom(head) &&
	    !(rxq->offloads & RTE_ETH_RX_OFFLOAD_SCATTER)) {
		rte_pktmbuf_free(head);
		return -EMSGSIZE;
	}
	seg = head;
	for (;;) {
		uint32_t n = RTE_MIN(len - off, (uint32_t)rte_pktmbuf_tailroom(seg));

		memcpy(rte_pktmbuf_mtod(seg, uint8_t *), data + off, n);
		seg->data_len = n;
		off += n;
		if (off == len)
			break;
		seg->next = rte_pktmbuf_alloc(rxq->mp);
		if (seg->next == NULL) {
			rte_pktmbuf_free(head);
			return -ENOBUFS;
		}
		seg = seg->next;
		head->nb_segs++;
	}
	head->pkt_len = len;
	head->port = rxq->priv->dev->data->port_id;
	*out = head;
	return 0;
}

uint16_t
fake_vf_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct fake_vf_rxq *rxq = queue;
	struct fake_vf_priv *priv = rxq->priv;
	struct rte_eth_dev *dev = priv->dev;
	uint8_t *frame = rxq->buf + RTE_VLAN_HLEN;
	uint16_t nb_rx = 0;
	uint16_t tries;

	if (priv->sock < 0)
		return 0;
	/* every frame read counts, kept or not: bounded work per call */
	for (tries = 0; tries < nb_pkts && nb_rx < nb_pkts; tries++) {
		union {
			struct cmsghdr hdr;
			char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		} ctl;
		struct tpacket_auxdata aux = { .tp_status = 0 };
		struct sockaddr_ll from;
		struct iovec iov = {
			.iov_base = frame,
			.iov_len = FAKE_VF_RX_BUF_SIZE,
		};
		struct msghdr msg = {
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = &ctl,
			.msg_controllen = sizeof(ctl),
		};
		struct cmsghdr *cmsg;
		uint8_t *start = frame;
		ssize_t len;
		int ret;

		/* MSG_TRUNC: the real length, to see oversized frames */
		len = recvmsg(priv->sock, &msg, MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0)
			break; /* EAGAIN, or ENETDOWN once the netdevice is gone */
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (len > FAKE_VF_RX_BUF_SIZE || len < RTE_ETHER_HDR_LEN) {
			rxq->errors++;
			continue;
		}
		for (cmsg = CMSG_FIRSTHDR(&msg); cmsg != NULL;
		     cmsg = CMSG_NXTHDR(&msg, cmsg))
			if (cmsg->cmsg_level == SOL_PACKET &&
			    cmsg->cmsg_type == PACKET_AUXDATA &&
			    cmsg->cmsg_len >= CMSG_LEN(sizeof(aux)))
				memcpy(&aux, CMSG_DATA(cmsg), sizeof(aux));
		if (aux.tp_status & TP_STATUS_VLAN_VALID) {
			/* the kernel took the tag out: put it back in place */
			uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ?
				aux.tp_vlan_tpid : RTE_ETHER_TYPE_VLAN;
			unaligned_uint16_t *tag;

			start = frame - RTE_VLAN_HLEN;
			memmove(start, frame, 2 * RTE_ETHER_ADDR_LEN);
			tag = (unaligned_uint16_t *)(start + 2 * RTE_ETHER_ADDR_LEN);
			tag[0] = rte_cpu_to_be_16(tpid);
			tag[1] = rte_cpu_to_be_16(aux.tp_vlan_tci);
			len += RTE_VLAN_HLEN;
		}
		/* a NIC drops what exceeds its largest frame (e.g. GSO) */
		if (len > FAKE_VF_MAX_RX_PKTLEN + RTE_VLAN_HLEN) {
			rxq->errors++;
			continue;
		}
		if (!fake_vf_rx_wanted(dev, start))
			continue;
		if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
			fake_vf_l4_cksum_fix(start, len);
		ret = fake_vf_to_mbuf(rxq, start, len, &pkts[nb_rx]);
		if (ret == -ENOBUFS) {
			__atomic_fetch_add(&dev->data->rx_mbuf_alloc_failed, 1,
					   __ATOMIC_RELAXED);
			break;
		}
		if (ret < 0) {
			rxq->errors++;
			continue;
		}
		rxq->packets++;
		rxq->bytes += len;
		nb_rx++;
	}
	return nb_rx;
}

uint16_t
fake_vf_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct fake_vf_txq *txq = queue;
	int fd = txq->priv->sock;
	uint16_t i;

	if (fd < 0)
		return 0;
	for (i = 0; i < nb_pkts; i++) {
		struct rte_mbuf *m = pkts[i];
		struct iovec iov[FAKE_VF_MAX_TX_SEGS];
		struct msghdr msg;
		struct rte_mbuf *seg;
		unsigned int n = 0;

		if (m->nb_segs > FAKE_VF_MAX_TX_SEGS) {
			txq->errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		for (seg = m; seg != NULL; seg = seg->next) {
			iov[n].iov_base = rte_pktmbuf_mtod(seg, void *);
			iov[n].iov_len = seg->data_len;
			n++;
		}
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = n;
		if (sendmsg(fd, &msg, MSG_DONTWAIT) < 0) {
			/* socket buffer full: the caller keeps the rest */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/* too big, netdevice down or gone: dropped */
			txq->errors++;
		} else {
			txq->packets++;
			txq->bytes += m->pkt_len;
		}
		rte_pktmbuf_free(m);
	}
	return i;
}

/* $FAKE_VF_SINK: a burst of 64-byte frames from the queue's pool */
uint16_t
fake_vf_rx_source(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct fake_vf_rxq *rxq = queue;
	uint16_t i;

	if (rte_pktmbuf_alloc_bulk(rxq->mp, pkts, nb_pkts) != 0)
		return 0;
	for (i = 0; i < nb_pkts; i++) {
		pkts[i]->data_len = RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN;
		pkts[i]->pkt_len = pkts[i]->data_len;
		pkts[i]->port = rxq->priv->dev->data->port_id;
	}
	rxq->packets += nb_pkts;
	rxq->bytes += (uint64_t)nb_pkts * (RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	return nb_pkts;
}

/* $FAKE_VF_SINK: every frame counted as sent, and dropped */
uint16_t
fake_vf_tx_sink(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct fake_vf_txq *txq = queue;
	uint16_t i;

	for (i = 0; i < nb_pkts; i++)
		txq->bytes += pkts[i]->pkt_len;
	rte_pktmbuf_free_bulk(pkts, nb_pkts);
	txq->packets += nb_pkts;
	return nb_pkts;
}
