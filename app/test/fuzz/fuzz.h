/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * What the fuzz targets share: an invariant check that aborts (libFuzzer
 * saves the input as a crash), and the driver's log, formatted but thrown
 * away so that every DRV_LOG format runs under the sanitizers without
 * slowing the run down with output (FUZZ_VERBOSE=1 shows it).
 */

#ifndef FUZZ_H
#define FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#include <rte_log.h>

/*
 * Defined and registered by vdev_netvsc.c, which the targets do not link:
 * weak, as in the unit tests (0 is EAL's logtype, whose level is DEBUG
 * after fuzz_log_init()).
 */
int vdev_netvsc_logtype __attribute__((weak));

/** Abort with the failed invariant: libFuzzer reports it as a crash. */
#define FUZZ_CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "FUZZ_CHECK %s:%d: %s: ", __FILE__, __LINE__, \
			#cond); \
		fprintf(stderr, "" __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/** Every driver log line formatted, into /dev/null unless FUZZ_VERBOSE. */
static inline void
fuzz_log_init(void)
{
	FILE *null;

	rte_log_set_global_level(RTE_LOG_DEBUG);
	rte_log_set_level(vdev_netvsc_logtype, RTE_LOG_DEBUG);
	if (getenv("FUZZ_VERBOSE") != NULL)
		return;
	null = fopen("/dev/null", "we");
	if (null != NULL)
		rte_openlog_stream(null);
}

#endif /* FUZZ_H */
