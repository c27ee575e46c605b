/* SPDX-License-Identifier: BSD-3-Clause
 *
 * Test-only fake VF PMD: a PCI driver for fake PCI devices (see
 * mkfakepci.sh) that moves real frames through a kernel netdevice with
 * AF_PACKET, so that fail-safe can use it as its accelerated sub-device.
 */

#ifndef FAKE_VF_H
#define FAKE_VF_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mempool.h>
#include <ethdev_driver.h>

extern int fake_vf_logtype;

#define FAKE_VF_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, fake_vf_logtype, \
		"fake_vf " fmt "\n", ##__VA_ARGS__)

#define FAKE_VF_MAX_QUEUES 16
#define FAKE_VF_MAX_MAC_ADDRS 16
#define FAKE_VF_MAX_MTU 9000
#define FAKE_VF_MAX_RX_PKTLEN \
	(FAKE_VF_MAX_MTU + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN)
/* the kernel may hand over larger (GRO/GSO) frames: read them whole */
#define FAKE_VF_RX_BUF_SIZE 65536
#define FAKE_VF_MAX_TX_SEGS 64

struct fake_vf_priv;

struct fake_vf_rxq {
	struct fake_vf_priv *priv;
	struct rte_mempool *mp;
	uint8_t *buf; /* bounce buffer: one frame plus room for a VLAN tag */
	uint64_t offloads;
	uint16_t queue_id;
	uint16_t nb_desc;
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;
};

struct fake_vf_txq {
	struct fake_vf_priv *priv;
	uint64_t offloads;
	uint16_t queue_id;
	uint16_t nb_desc;
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;
};

struct fake_vf_nl;

struct fake_vf_priv {
	struct rte_eth_dev *dev;
	char ifname[IF_NAMESIZE];
	unsigned int ifindex;
	int sock; /* AF_PACKET socket while started, -1 otherwise */
	bool admin_up; /* dev_set_link_up/down, no effect on the netdevice */
	bool removed; /* the netdevice is gone: RMV was raised */
	bool sink; /* $FAKE_VF_SINK: no I/O, Tx counts and drops, Rx makes frames */
	struct fake_vf_nl *nl;
};

/* fake_vf_rxtx.c */
int fake_vf_sock_open(struct fake_vf_priv *priv);
void fake_vf_sock_close(struct fake_vf_priv *priv);
uint16_t fake_vf_rx_burst(void *queue, struct rte_mbuf **pkts,
			  uint16_t nb_pkts);
uint16_t fake_vf_tx_burst(void *queue, struct rte_mbuf **pkts,
			  uint16_t nb_pkts);
uint16_t fake_vf_rx_source(void *queue, struct rte_mbuf **pkts,
			   uint16_t nb_pkts);
uint16_t fake_vf_tx_sink(void *queue, struct rte_mbuf **pkts,
			 uint16_t nb_pkts);

/* fake_vf_nl.c */
struct fake_vf_nl *fake_vf_nl_open(void);
int fake_vf_nl_start(struct fake_vf_nl *nl, struct fake_vf_priv *priv);
void fake_vf_nl_close(struct fake_vf_nl *nl);
int fake_vf_nl_steer(unsigned int ifindex, bool to_dpdk);

/* fake_vf.c */
int fake_vf_link_refresh(struct fake_vf_priv *priv, bool started);
void fake_vf_netdev_changed(struct fake_vf_priv *priv);
void fake_vf_netdev_gone(struct fake_vf_priv *priv);
void fake_vf_netdev_check(struct fake_vf_priv *priv);

#endif /* FAKE_VF_H */
