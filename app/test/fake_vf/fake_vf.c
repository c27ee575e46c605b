/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Test-only fake VF PMD (net_fake_vf).
 *
 * It claims fake PCI devices (SYSFS_PCI_DEVICES, see mkfakepci.sh) with
 * the IDs of an Azure accelerated-networking VF and drives the kernel
 * netdevice listed under <device>/net/ like a VF would: real frames go
 * through it with AF_PACKET, and its deletion raises RTE_ETH_EVENT_INTR_RMV
 * so that fail-safe detaches the port.
 *
 * Devargs: mac=<MAC> picks the netdevice with that MAC when the device has
 * several (a MANA device carries one per vPort).
 */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <rte_version.h>
#if RTE_VERSION_NUM(22, 11, 0, 0) <= RTE_VERSION
#include <bus_pci_driver.h>
#else
#include <rte_bus_pci.h>
#endif
#include <ethdev_driver.h>
#include <ethdev_pci.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "fake_vf.h"

#define FAKE_VF_ARG_MAC "mac"

#define PCI_VENDOR_ID_MICROSOFT 0x1414
#define PCI_DEVICE_ID_MICROSOFT_MANA 0x00ba
#define PCI_VENDOR_ID_MELLANOX 0x15b3
/* not a real Mellanox device: the real mlx5 PMD must not claim it */
#define PCI_DEVICE_ID_FAKE_MLX 0xfffe

RTE_LOG_REGISTER_DEFAULT(fake_vf_logtype, NOTICE);

static const struct rte_pci_id fake_vf_pci_ids[] = {
	{ RTE_PCI_DEVICE(PCI_VENDOR_ID_MICROSOFT, PCI_DEVICE_ID_MICROSOFT_MANA) },
	{ RTE_PCI_DEVICE(PCI_VENDOR_ID_MELLANOX, PCI_DEVICE_ID_FAKE_MLX) },
	{ .vendor_id = 0 },
};

static int
fake_vf_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int ret = 0;
	int fd;

	memset(ifr, 0, sizeof(*ifr));
	if (strlcpy(ifr->ifr_name, ifname, sizeof(ifr->ifr_name)) >=
	    sizeof(ifr->ifr_name))
		return -ENAMETOOLONG;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Bring the netdevice up, as mlx5 does at probe ("forcing Ethernet
 * interface up"): a VF that appears down still carries DPDK's traffic.
 */
static int
fake_vf_netdev_up(const char *ifname)
{
	struct ifreq ifr;
	int ret = 0;
	int fd;

	memset(&ifr, 0, sizeof(ifr));
	if (strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name)) >=
	    sizeof(ifr.ifr_name))
		return -ENAMETOOLONG;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		ret = -errno;
	} else if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			ret = -errno;
	}
	close(fd);
	return ret;
}

static int
fake_vf_netdev_mac(const char *ifname, struct rte_ether_addr *mac)
{
	struct ifreq ifr;
	int ret;

	ret = fake_vf_ioctl(ifname, SIOCGIFHWADDR, &ifr);
	if (ret < 0)
		return ret;
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -EPROTONOSUPPORT;
	memcpy(mac->addr_bytes, ifr.ifr_hwaddr.sa_data, RTE_ETHER_ADDR_LEN);
	return 0;
}

/* flags of the netdevice, found by ifindex: it may have been renamed */
static int
fake_vf_netdev_flags(const struct fake_vf_priv *priv, unsigned int *flags)
{
	char ifname[IF_NAMESIZE];
	struct ifreq ifr;
	int ret;

	if (if_indextoname(priv->ifindex, ifname) == NULL)
		return -errno;
	ret = fake_vf_ioctl(ifname, SIOCGIFFLAGS, &ifr);
	if (ret < 0)
		return ret;
	*flags = (unsigned short)ifr.ifr_flags;
	return 0;
}

static bool
fake_vf_is_removed(const struct fake_vf_priv *priv)
{
	return __atomic_load_n(&priv->removed, __ATOMIC_ACQUIRE);
}

/* 0 if the link status changed, -1 if not (as rte_eth_linkstatus_set) */
int
fake_vf_link_refresh(struct fake_vf_priv *priv, bool started)
{
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_NONE,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = RTE_ETH_LINK_DOWN,
	};
	unsigned int flags = 0;

	if (started && priv->admin_up && !fake_vf_is_removed(priv) &&
	    fake_vf_netdev_flags(priv, &flags) == 0 &&
	    (flags & IFF_UP) && (flags & IFF_RUNNING)) {
		link.link_status = RTE_ETH_LINK_UP;
		link.link_speed = RTE_ETH_SPEED_NUM_10G;
	}
	return rte_eth_linkstatus_set(priv->dev, &link);
}

/* netlink: the netdevice changed (up, down, carrier) */
void
fake_vf_netdev_changed(struct fake_vf_priv *priv)
{
	struct rte_eth_dev *dev = priv->dev;
	bool changed;

	changed = fake_vf_link_refresh(priv, dev->data->dev_started) == 0;
	/*
	 * A bridge enables a port whose carrier comes back: steer again,
	 * changed or not, as a link_update (OVS asks often) may have seen
	 * the carrier before this event, which comes after the bridge
	 * acted. The bridge's own events (AF_BRIDGE) do not come here.
	 */
	if (priv->sock >= 0 && dev->data->dev_link.link_status)
		fake_vf_nl_steer(priv->ifindex, true);
	if (changed && dev->data->dev_conf.intr_conf.lsc)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

/* netlink: the netdevice was deleted (or left this network namespace) */
void
fake_vf_netdev_gone(struct fake_vf_priv *priv)
{
	struct rte_eth_dev *dev = priv->dev;

	/* once: fail-safe expects a single removal */
	if (__atomic_exchange_n(&priv->removed, true, __ATOMIC_ACQ_REL))
		return;
	FAKE_VF_LOG(NOTICE, "%s: netdevice %s (ifindex %u) is gone, removal event",
		    dev->data->name, priv->ifname, priv->ifindex);
	fake_vf_link_refresh(priv, false);
	/* the callbacks may close the port: priv is not used after this */
	rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_RMV, NULL);
}

/* after lost notifications */
void
fake_vf_netdev_check(struct fake_vf_priv *priv)
{
	char ifname[IF_NAMESIZE];

	if (if_indextoname(priv->ifindex, ifname) == NULL && errno == ENXIO)
		fake_vf_netdev_gone(priv);
	else
		fake_vf_netdev_changed(priv);
}

static int
fake_vf_dev_configure(struct rte_eth_dev *dev)
{
	if (dev->data->dev_conf.intr_conf.rxq) {
		FAKE_VF_LOG(ERR, "%s: Rx interrupts are not supported",
			    dev->data->name);
		return -ENOTSUP;
	}
	return 0;
}

static void
fake_vf_queue_states(struct rte_eth_dev *dev, uint8_t state)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = state;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = state;
}

static int
fake_vf_dev_start(struct rte_eth_dev *dev)
{
	struct fake_vf_priv *priv = dev->data->dev_private;
	int ret;

	if (fake_vf_is_removed(priv))
		return -EIO;
	ret = fake_vf_sock_open(priv);
	if (ret < 0)
		return ret;
	fake_vf_queue_states(dev, RTE_ETH_QUEUE_STATE_STARTED);
	fake_vf_link_refresh(priv, true);
	return 0;
}

/*
 * Queues stop and start on a started port, and are set up again there
 * (RTE_ETH_DEV_CAPA_RUNTIME_*), as mlx5's and MANA's are: fail-safe
 * passes such a setup of its own queue on to its sub-devices.
 */
static int
fake_vf_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int
fake_vf_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	dev->data->rx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	return 0;
}

static int
fake_vf_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid)
{
	dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int
fake_vf_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid)
{
	dev->data->tx_queue_state[qid] = RTE_ETH_QUEUE_STATE_STOPPED;
	return 0;
}

static int
fake_vf_dev_stop(struct rte_eth_dev *dev)
{
	struct fake_vf_priv *priv = dev->data->dev_private;

	fake_vf_sock_close(priv);
	fake_vf_queue_states(dev, RTE_ETH_QUEUE_STATE_STOPPED);
	fake_vf_link_refresh(priv, false);
	return 0;
}

/* no effect on the netdevice: fail-safe calls it to align sub-devices */
static int
fake_vf_dev_set_link_up(struct rte_eth_dev *dev)
{
	struct fake_vf_priv *priv = dev->data->dev_private;

	priv->admin_up = true;
	fake_vf_link_refresh(priv, dev->data->dev_started);
	return 0;
}

static int
fake_vf_dev_set_link_down(struct rte_eth_dev *dev)
{
	struct fake_vf_priv *priv = dev->data->dev_private;

	priv->admin_up = false;
	fake_vf_link_refresh(priv, dev->data->dev_started);
	return 0;
}

static void
fake_vf_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct fake_vf_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL)
		return;
	rte_free(rxq->buf);
	rte_free(rxq);
	dev->data->rx_queues[qid] = NULL;
}

static void
fake_vf_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	rte_free(dev->data->tx_queues[qid]);
	dev->data->tx_queues[qid] = NULL;
}

static int
fake_vf_dev_close(struct rte_eth_dev *dev)
{
	struct fake_vf_priv *priv = dev->data->dev_private;
	uint16_t i;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	fake_vf_sock_close(priv);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		fake_vf_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		fake_vf_tx_queue_release(dev, i);
	fake_vf_nl_close(priv->nl);
	priv->nl = NULL;
	/* mac_addrs and dev_private are freed with the port */
	return 0;
}

static int
fake_vf_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct fake_vf_priv *priv = dev->data->dev_private;

	info->if_index = priv->ifindex;
	info->max_rx_queues = FAKE_VF_MAX_QUEUES;
	info->max_tx_queues = FAKE_VF_MAX_QUEUES;
	info->max_mac_addrs = FAKE_VF_MAX_MAC_ADDRS;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = FAKE_VF_MAX_MTU;
	info->max_rx_pktlen = FAKE_VF_MAX_RX_PKTLEN;
	info->min_rx_bufsize = 0;
	/*
	 * The Rx checksum offloads and RSS hash types that real VFs (mlx5,
	 * MANA) offer, and that Open vSwitch asks for whenever a port offers
	 * them: it configures the fail-safe port while there is no VF, when
	 * fail-safe offers everything, and fail-safe then cannot configure a
	 * VF that lacks any of them. Frames come with no checksum flag
	 * (RTE_MBUF_F_RX_*_CKSUM_UNKNOWN) and no hash; every queue reads the
	 * same socket.
	 */
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER |
				RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
				RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
				RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	info->flow_type_rss_offloads = RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP |
				       RTE_ETH_RSS_TCP;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->speed_capa = RTE_ETH_LINK_SPEED_10G;
	info->dev_capa = RTE_ETH_DEV_CAPA_RUNTIME_RX_QUEUE_SETUP |
			 RTE_ETH_DEV_CAPA_RUNTIME_TX_QUEUE_SETUP;
	return 0;
}

static int
fake_vf_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		       unsigned int socket_id, const struct rte_eth_rxconf *conf,
		       struct rte_mempool *mp)
{
	struct fake_vf_priv *priv = dev->data->dev_private;
	struct fake_vf_rxq *rxq;

	if (conf->rx_deferred_start) {
		FAKE_VF_LOG(ERR, "%s: deferred queue start is not supported",
			    dev->data->name);
		return -EINVAL;
	}
	if (rte_pktmbuf_data_room_size(mp) <= RTE_PKTMBUF_HEADROOM) {
		FAKE_VF_LOG(ERR, "%s: mbufs of %s have no room for data",
			    dev->data->name, mp->name);
		return -EINVAL;
	}
	rxq = rte_zmalloc_socket("fake_vf_rxq", sizeof(*rxq),
				 RTE_CACHE_LINE_SIZE, socket_id);
	if (rxq == NULL)
		rxq = rte_zmalloc("fake_vf_rxq", sizeof(*rxq),
				  RTE_CACHE_LINE_SIZE);
	if (rxq == NULL)
		return -ENOMEM;
	rxq->buf = rte_malloc("fake_vf_rxbuf",
			      FAKE_VF_RX_BUF_SIZE + RTE_VLAN_HLEN, 0);
	if (rxq->buf == NULL) {
		rte_free(rxq);
		return -ENOMEM;
	}
	rxq->priv = priv;
	rxq->mp = mp;
	rxq->queue_id = qid;
	rxq->nb_desc = nb_desc;
	rxq->offloads = conf->offloads | dev->data->dev_conf.rxmode.offloads;
	dev->data->rx_queues[qid] = rxq;
	return 0;
}

static int
fake_vf_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		       unsigned int socket_id, const struct rte_eth_txconf *conf)
{
	struct fake_vf_txq *txq;

	if (conf->tx_deferred_start) {
		FAKE_VF_LOG(ERR, "%s: deferred queue start is not supported",
			    dev->data->name);
		return -EINVAL;
	}
	txq = rte_zmalloc_socket("fake_vf_txq", sizeof(*txq),
				 RTE_CACHE_LINE_SIZE, socket_id);
	if (txq == NULL)
		txq = rte_zmalloc("fake_vf_txq", sizeof(*txq),
				  RTE_CACHE_LINE_SIZE);
	if (txq == NULL)
		return -ENOMEM;
	txq->priv = dev->data->dev_private;
	txq->queue_id = qid;
	txq->nb_desc = nb_desc;
	txq->offloads = conf->offloads | dev->data->dev_conf.txmode.offloads;
	dev->data->tx_queues[qid] = txq;
	return 0;
}

static void
fake_vf_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		     struct rte_eth_rxq_info *qinfo)
{
	struct fake_vf_rxq *rxq = dev->data->rx_queues[qid];

	qinfo->mp = rxq->mp;
	qinfo->nb_desc = rxq->nb_desc;
	qinfo->conf.offloads = rxq->offloads;
	qinfo->scattered_rx = !!(rxq->offloads & RTE_ETH_RX_OFFLOAD_SCATTER);
}

static void
fake_vf_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		     struct rte_eth_txq_info *qinfo)
{
	struct fake_vf_txq *txq = dev->data->tx_queues[qid];

	qinfo->nb_desc = txq->nb_desc;
	qinfo->conf.offloads = txq->offloads;
}

static int
fake_vf_link_update(struct rte_eth_dev *dev, int wait_to_complete __rte_unused)
{
	return fake_vf_link_refresh(dev->data->dev_private,
				    dev->data->dev_started);
}

/*
 * 25.11 moved the per-queue counters out of struct rte_eth_stats into a
 * struct eth_queue_stats that ethdev passes apart (NULL when its caller
 * does not want them).
 */
#if RTE_VERSION >= RTE_VERSION_NUM(25, 11, 0, 0)
typedef struct eth_queue_stats fake_vf_qstats;
#else
typedef struct rte_eth_stats fake_vf_qstats;
#endif

/** Sum the queues' counters into stats, and each into qstats if not NULL. */
static int
fake_vf_stats_fill(struct rte_eth_dev *dev, struct rte_eth_stats *stats,
		   fake_vf_qstats *qstats)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct fake_vf_rxq *rxq = dev->data->rx_queues[i];

		if (rxq == NULL)
			continue;
		stats->ipackets += rxq->packets;
		stats->ibytes += rxq->bytes;
		stats->ierrors += rxq->errors;
		if (qstats != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			qstats->q_ipackets[i] = rxq->packets;
			qstats->q_ibytes[i] = rxq->bytes;
			qstats->q_errors[i] = rxq->errors;
		}
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct fake_vf_txq *txq = dev->data->tx_queues[i];

		if (txq == NULL)
			continue;
		stats->opackets += txq->packets;
		stats->obytes += txq->bytes;
		stats->oerrors += txq->errors;
		if (qstats != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			qstats->q_opackets[i] = txq->packets;
			qstats->q_obytes[i] = txq->bytes;
		}
	}
	return 0;
}

#if RTE_VERSION >= RTE_VERSION_NUM(25, 11, 0, 0)
static int
fake_vf_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats,
		  struct eth_queue_stats *qstats)
{
	return fake_vf_stats_fill(dev, stats, qstats);
}
#else
static int
fake_vf_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats)
{
	return fake_vf_stats_fill(dev, stats, stats);
}
#endif

static int
fake_vf_stats_reset(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct fake_vf_rxq *rxq = dev->data->rx_queues[i];

		if (rxq == NULL)
			continue;
		rxq->packets = 0;
		rxq->bytes = 0;
		rxq->errors = 0;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct fake_vf_txq *txq = dev->data->tx_queues[i];

		if (txq == NULL)
			continue;
		txq->packets = 0;
		txq->bytes = 0;
		txq->errors = 0;
	}
	return 0;
}

/*
 * Filters are applied in rx_burst from dev->data (promiscuous,
 * mac_addrs[]), which ethdev updates once these return 0.
 */
static int
fake_vf_filter_noop(struct rte_eth_dev *dev __rte_unused)
{
	return 0;
}

static int
fake_vf_mac_addr_set(struct rte_eth_dev *dev __rte_unused,
		     struct rte_ether_addr *mac __rte_unused)
{
	return 0;
}

static int
fake_vf_mac_addr_add(struct rte_eth_dev *dev __rte_unused,
		     struct rte_ether_addr *mac __rte_unused,
		     uint32_t index __rte_unused, uint32_t vmdq __rte_unused)
{
	return 0;
}

static void
fake_vf_mac_addr_remove(struct rte_eth_dev *dev __rte_unused,
			uint32_t index __rte_unused)
{
}

/* multicast is not filtered: any list is already satisfied */
static int
fake_vf_set_mc_addr_list(struct rte_eth_dev *dev __rte_unused,
			 struct rte_ether_addr *mc_addrs __rte_unused,
			 uint32_t nb_mc_addrs __rte_unused)
{
	return 0;
}

/* recorded in dev->data->mtu; the netdevice is left alone */
static int
fake_vf_mtu_set(struct rte_eth_dev *dev __rte_unused, uint16_t mtu __rte_unused)
{
	return 0;
}

static int
fake_vf_dev_is_removed(struct rte_eth_dev *dev)
{
	return fake_vf_is_removed(dev->data->dev_private);
}

static const struct eth_dev_ops fake_vf_ops = {
	.dev_configure = fake_vf_dev_configure,
	.dev_start = fake_vf_dev_start,
	.dev_stop = fake_vf_dev_stop,
	.dev_set_link_up = fake_vf_dev_set_link_up,
	.dev_set_link_down = fake_vf_dev_set_link_down,
	.dev_close = fake_vf_dev_close,
	.is_removed = fake_vf_dev_is_removed,
	.promiscuous_enable = fake_vf_filter_noop,
	.promiscuous_disable = fake_vf_filter_noop,
	.allmulticast_enable = fake_vf_filter_noop,
	.allmulticast_disable = fake_vf_filter_noop,
	.mac_addr_set = fake_vf_mac_addr_set,
	.mac_addr_add = fake_vf_mac_addr_add,
	.mac_addr_remove = fake_vf_mac_addr_remove,
	.set_mc_addr_list = fake_vf_set_mc_addr_list,
	.mtu_set = fake_vf_mtu_set,
	.link_update = fake_vf_link_update,
	.stats_get = fake_vf_stats_get,
	.stats_reset = fake_vf_stats_reset,
	.dev_infos_get = fake_vf_dev_infos_get,
	.rx_queue_setup = fake_vf_rx_queue_setup,
	.rx_queue_start = fake_vf_rx_queue_start,
	.rx_queue_stop = fake_vf_rx_queue_stop,
	.tx_queue_start = fake_vf_tx_queue_start,
	.tx_queue_stop = fake_vf_tx_queue_stop,
	.rx_queue_release = fake_vf_rx_queue_release,
	.tx_queue_setup = fake_vf_tx_queue_setup,
	.tx_queue_release = fake_vf_tx_queue_release,
	.rxq_info_get = fake_vf_rxq_info_get,
	.txq_info_get = fake_vf_txq_info_get,
};

static int
fake_vf_parse_devargs(const struct rte_pci_device *pci_dev,
		      struct rte_ether_addr *mac, bool *has_mac)
{
	const struct rte_devargs *da = pci_dev->device.devargs;
	const char *name = pci_dev->device.name;
	struct rte_kvargs *kvlist;
	unsigned int i;
	int ret = 0;

	*has_mac = false;
	if (da == NULL || da->args == NULL || da->args[0] == '\0')
		return 0;
	kvlist = rte_kvargs_parse(da->args, NULL);
	if (kvlist == NULL) {
		FAKE_VF_LOG(ERR, "%s: cannot parse devargs \"%s\"",
			    name, da->args);
		return -EINVAL;
	}
	for (i = 0; i < kvlist->count; i++) {
		const struct rte_kvargs_pair *p = &kvlist->pairs[i];

		if (strcmp(p->key, FAKE_VF_ARG_MAC) != 0) {
			FAKE_VF_LOG(ERR, "%s: unknown devarg \"%s\" (known: "
				    FAKE_VF_ARG_MAC "=<MAC>)", name, p->key);
			ret = -EINVAL;
			break;
		}
		if (p->value == NULL ||
		    rte_ether_unformat_addr(p->value, mac) < 0) {
			FAKE_VF_LOG(ERR, "%s: bad " FAKE_VF_ARG_MAC "=\"%s\"",
				    name, p->value == NULL ? "" : p->value);
			ret = -EINVAL;
			break;
		}
		*has_mac = true;
	}
	rte_kvargs_free(kvlist);
	return ret;
}

/*
 * The netdevice of the device: an entry of <sysfs>/<addr>/net/ that exists
 * in this network namespace, the one with MAC want if given.
 */
static int
fake_vf_find_netdev(const struct rte_pci_device *pci_dev,
		    const struct rte_ether_addr *want, char *ifname,
		    unsigned int *ifindex, struct rte_ether_addr *mac)
{
	const char *name = pci_dev->device.name;
	char path[PATH_MAX];
	struct dirent *e;
	unsigned int found = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s/net",
		 rte_pci_get_sysfs_path(), name);
	dir = opendir(path);
	if (dir == NULL) {
		FAKE_VF_LOG(ERR, "%s: cannot list %s: %s", name, path,
			    strerror(errno));
		return -ENODEV;
	}
	while ((e = readdir(dir)) != NULL) {
		struct rte_ether_addr cur;
		unsigned int idx;

		if (e->d_name[0] == '.')
			continue;
		idx = if_nametoindex(e->d_name);
		if (idx == 0) {
			FAKE_VF_LOG(WARNING, "%s: netdevice %s of %s does not exist here",
				    name, e->d_name, path);
			continue;
		}
		if (fake_vf_netdev_mac(e->d_name, &cur) < 0)
			continue;
		if (want != NULL && !rte_is_same_ether_addr(want, &cur))
			continue;
		if (found++ == 0) {
			strlcpy(ifname, e->d_name, IF_NAMESIZE);
			*ifindex = idx;
			*mac = cur;
		} else {
			FAKE_VF_LOG(ERR, "%s: several netdevices (%s, %s)%s",
				    name, ifname, e->d_name,
				    want == NULL ?
				    ": choose one with " FAKE_VF_ARG_MAC "=<MAC>" :
				    " have that MAC");
			closedir(dir);
			return -EINVAL;
		}
	}
	closedir(dir);
	if (found == 0) {
		char buf[RTE_ETHER_ADDR_FMT_SIZE] = "";

		if (want != NULL)
			rte_ether_format_addr(buf, sizeof(buf), want);
		FAKE_VF_LOG(ERR, "%s: no netdevice%s%s in %s", name,
			    want != NULL ? " with MAC " : "", buf, path);
		return -ENODEV;
	}
	return 0;
}

static int
fake_vf_pci_probe(struct rte_pci_driver *drv __rte_unused,
		  struct rte_pci_device *pci_dev)
{
	const char *name = pci_dev->device.name;
	struct rte_ether_addr want;
	struct rte_ether_addr mac;
	struct fake_vf_priv *priv;
	struct rte_eth_dev *dev;
	struct fake_vf_nl *nl;
	char ifname[IF_NAMESIZE];
	unsigned int ifindex;
	const char *fail;
	const char *sink;
	bool has_mac;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		FAKE_VF_LOG(ERR, "%s: secondary processes are not supported",
			    name);
		return -ENOTSUP;
	}
	/* fault injection: a VF PMD whose probe fails while a file exists */
	fail = getenv("FAKE_VF_PROBE_FAIL");
	if (fail != NULL && fail[0] != '\0' && access(fail, F_OK) == 0) {
		FAKE_VF_LOG(ERR, "%s: probe fails on purpose (%s exists)",
			    name, fail);
		return -EIO;
	}
	ret = fake_vf_parse_devargs(pci_dev, &want, &has_mac);
	if (ret < 0)
		return ret;
	/* listen first: a deletion right after the lookup is not missed */
	nl = fake_vf_nl_open();
	if (nl == NULL) {
		FAKE_VF_LOG(ERR, "%s: cannot open a netlink socket", name);
		return -ENOMEM;
	}
	ret = fake_vf_find_netdev(pci_dev, has_mac ? &want : NULL,
				  ifname, &ifindex, &mac);
	if (ret < 0)
		goto error;
	ret = fake_vf_netdev_up(ifname);
	if (ret < 0)
		FAKE_VF_LOG(WARNING, "%s: cannot bring %s up: %s", name, ifname,
			    strerror(-ret));
	dev = rte_eth_dev_pci_allocate(pci_dev, sizeof(*priv));
	if (dev == NULL) {
		ret = -ENOMEM;
		goto error;
	}
	priv = dev->data->dev_private;
	priv->dev = dev;
	strlcpy(priv->ifname, ifname, sizeof(priv->ifname));
	priv->ifindex = ifindex;
	priv->sock = -1;
	priv->admin_up = true;
	dev->data->mac_addrs = rte_zmalloc_socket(name,
			FAKE_VF_MAX_MAC_ADDRS * sizeof(struct rte_ether_addr),
			0, pci_dev->device.numa_node);
	if (dev->data->mac_addrs == NULL)
		dev->data->mac_addrs = rte_zmalloc(name,
			FAKE_VF_MAX_MAC_ADDRS * sizeof(struct rte_ether_addr),
			0);
	if (dev->data->mac_addrs == NULL) {
		rte_eth_dev_release_port(dev);
		ret = -ENOMEM;
		goto error;
	}
	rte_ether_addr_copy(&mac, &dev->data->mac_addrs[0]);
	/* INTR_RMV comes from the PCI driver flags */
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC |
				RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	dev->dev_ops = &fake_vf_ops;
	/*
	 * A VF that does no I/O (benchmarks, and the data path at full
	 * rate): what costs is then the layers above it, fail-safe's bursts.
	 */
	sink = getenv("FAKE_VF_SINK");
	priv->sink = sink != NULL && sink[0] != '\0';
	dev->rx_pkt_burst = priv->sink ? fake_vf_rx_source : fake_vf_rx_burst;
	dev->tx_pkt_burst = priv->sink ? fake_vf_tx_sink : fake_vf_tx_burst;
	ret = fake_vf_nl_start(nl, priv);
	if (ret < 0) {
		rte_eth_dev_release_port(dev);
		goto error;
	}
	priv->nl = nl;
	rte_eth_dev_probing_finish(dev);
	FAKE_VF_LOG(NOTICE, "%s on %s (mac " RTE_ETHER_ADDR_PRT_FMT ")",
		    name, ifname, RTE_ETHER_ADDR_BYTES(&mac));
	return 0;
error:
	fake_vf_nl_close(nl);
	return ret;
}

static int
fake_vf_dev_uninit(struct rte_eth_dev *dev)
{
	int ret;

	if (dev->data->dev_started) {
		ret = rte_eth_dev_stop(dev->data->port_id);
		if (ret < 0)
			return ret;
	}
	return fake_vf_dev_close(dev);
}

/* the fake PCI device may be gone from sysfs already: nothing is read */
static int
fake_vf_pci_remove(struct rte_pci_device *pci_dev)
{
	return rte_eth_dev_pci_generic_remove(pci_dev, fake_vf_dev_uninit);
}

static struct rte_pci_driver fake_vf_pci_driver = {
	.id_table = fake_vf_pci_ids,
	/* no BAR to map; removal events come from netlink */
	.drv_flags = RTE_PCI_DRV_INTR_RMV,
	.probe = fake_vf_pci_probe,
	.remove = fake_vf_pci_remove,
};

RTE_PMD_REGISTER_PCI(net_fake_vf, fake_vf_pci_driver);
RTE_PMD_REGISTER_PCI_TABLE(net_fake_vf, fake_vf_pci_ids);
RTE_PMD_REGISTER_PARAM_STRING(net_fake_vf, FAKE_VF_ARG_MAC "=<MAC>");
