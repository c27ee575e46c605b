/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * fs_cost: P7's second measure (datapath.sh), the cost of a fail-safe port
 * against the same PMD used bare, both ports in one process:
 *
 *   fs_cost <EAL args> -- io|txonly [ROUNDS [BURSTS]]
 *
 * The EAL arguments give exactly two top-level ports: a fail-safe port
 * (our driver's, its VF a sub-device) and a bare port of the same VF PMD
 * (another VF). Each round runs BURSTS bursts of 32 on the fail-safe port,
 * then as many on the bare port, on the same lcore, timed with the TSC:
 * io receives a burst and sends it back out of the same port, txonly
 * sends freshly allocated 64-byte mbufs. Rounds of a few milliseconds
 * alternate, so that whatever else the machine runs slows both alike,
 * which testpmd runs one after the other cannot promise on a shared host.
 *
 * Output, one line: fs_cost <mode> rounds <n> bare_mpps <x> fs_mpps <y>
 * ratio <fail-safe rate / bare rate, whole run> median <of the rounds'>
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#define BURST 32
#define NB_MBUFS 8192
#define NB_DESC 256
#define FRAME_LEN (RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN)

struct side {
	uint16_t port;
	uint64_t cycles;
	uint64_t packets;
};

static void
port_start(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, NB_DESC, rte_socket_id(), NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, NB_DESC, rte_socket_id(), NULL) != 0 ||
	    rte_eth_dev_start(port) != 0)
		rte_exit(EXIT_FAILURE, "cannot start port %u\n", port);
}

/* BURSTS bursts on one port; adds its cycles and packets sent */
static void
run_bursts(struct side *s, int io, unsigned int bursts, struct rte_mempool *mp)
{
	struct rte_mbuf *pkts[BURST];
	uint64_t start = rte_rdtsc();
	unsigned int i;
	uint16_t nb, sent, k;

	for (i = 0; i < bursts; i++) {
		if (io) {
			nb = rte_eth_rx_burst(s->port, 0, pkts, BURST);
		} else {
			if (rte_pktmbuf_alloc_bulk(mp, pkts, BURST) != 0)
				continue;
			for (k = 0; k < BURST; k++) {
				pkts[k]->data_len = FRAME_LEN;
				pkts[k]->pkt_len = FRAME_LEN;
			}
			nb = BURST;
		}
		if (nb == 0)
			continue;
		sent = rte_eth_tx_burst(s->port, 0, pkts, nb);
		if (sent < nb)
			rte_pktmbuf_free_bulk(&pkts[sent], nb - sent);
		s->packets += sent;
	}
	s->cycles += rte_rdtsc() - start;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
rate(const struct side *s)
{
	return s->cycles == 0 ? 0 : (double)s->packets / s->cycles;
}

int
main(int argc, char **argv)
{
	struct side fs = { .port = RTE_MAX_ETHPORTS }, bare = { .port = RTE_MAX_ETHPORTS };
	struct rte_eth_dev_info info;
	struct rte_mempool *mp;
	unsigned int rounds, bursts, r, nb_fs = 0, nb_bare = 0;
	double *ratios, mhz;
	uint16_t port;
	int ret, io;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "cannot init EAL\n");
	argc -= ret;
	argv += ret;
	if (argc < 2 || (strcmp(argv[1], "io") != 0 && strcmp(argv[1], "txonly") != 0))
		rte_exit(EXIT_FAILURE, "usage: fs_cost <EAL args> -- io|txonly [ROUNDS [BURSTS]]\n");
	io = strcmp(argv[1], "io") == 0;
	rounds = argc > 2 ? strtoul(argv[2], NULL, 10) : 300;
	bursts = argc > 3 ? strtoul(argv[3], NULL, 10) : 20000;
	if (rounds == 0 || bursts == 0)
		rte_exit(EXIT_FAILURE, "ROUNDS and BURSTS must be positive\n");
	RTE_ETH_FOREACH_DEV(port) {
		if (rte_eth_dev_info_get(port, &info) != 0)
			continue;
		if (strcmp(info.driver_name, "net_failsafe") == 0)
			nb_fs++, fs.port = port;
		else
			nb_bare++, bare.port = port;
	}
	if (nb_fs != 1 || nb_bare != 1)
		rte_exit(EXIT_FAILURE, "need one fail-safe port and one bare port, not %u and %u\n",
			 nb_fs, nb_bare);
	mp = rte_pktmbuf_pool_create("fs_cost", NB_MBUFS, 250, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	ratios = calloc(rounds, sizeof(*ratios));
	if (mp == NULL || ratios == NULL)
		rte_exit(EXIT_FAILURE, "out of memory\n");
	port_start(fs.port, mp);
	port_start(bare.port, mp);
	/* warm-up, not counted */
	run_bursts(&fs, io, bursts, mp);
	run_bursts(&bare, io, bursts, mp);
	fs.cycles = fs.packets = bare.cycles = bare.packets = 0;
	for (r = 0; r < rounds; r++) {
		struct side f = { .port = fs.port }, b = { .port = bare.port };

		run_bursts(&f, io, bursts, mp);
		run_bursts(&b, io, bursts, mp);
		ratios[r] = rate(&b) > 0 ? rate(&f) / rate(&b) : 0;
		fs.cycles += f.cycles;
		fs.packets += f.packets;
		bare.cycles += b.cycles;
		bare.packets += b.packets;
	}
	qsort(ratios, rounds, sizeof(*ratios), cmp_double);
	mhz = rte_get_tsc_hz() / 1e6;
	printf("fs_cost %s rounds %u bare_mpps %.2f fs_mpps %.2f ratio %.4f median %.4f\n",
	       argv[1], rounds, rate(&bare) * mhz, rate(&fs) * mhz,
	       rate(&bare) > 0 ? rate(&fs) / rate(&bare) : 0, ratios[rounds / 2]);
	free(ratios);
	rte_eth_dev_stop(fs.port);
	rte_eth_dev_stop(bare.port);
	rte_eth_dev_close(fs.port);
	rte_eth_dev_close(bare.port);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return 0;
}
