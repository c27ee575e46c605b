/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * fuzz_args: vdev_netvsc_args_parse() with any string (the input up to its
 * first NUL byte), as users and orchestrators write devargs.
 *
 * Invariants: -EINVAL leaves the struct zeroed whatever it held; 0 gives a
 * struct every field of which keeps the documented rules (names not empty,
 * shorter than IF_NAMESIZE, no '/', not "." or "..", distinct; MACs unicast,
 * not zero, distinct; at most 16 of each; flags 0 or 1; hotplug_poll 0 or
 * 1..3600000 ms); and the struct, written back as devargs, parses to the
 * same struct byte for byte (unless a name holds a character that kvargs
 * takes as syntax).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>

#include "vdev_netvsc_private.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Longest devargs the struct can be written back as. */
#define ARGS_TEXT_MAX (2 * VDEV_NETVSC_MAX_NAMES * (IF_NAMESIZE + 24) + 128)

static void
check_valid(const struct vdev_netvsc_args *a)
{
	unsigned int i, j;

	FUZZ_CHECK(a->iface_n <= VDEV_NETVSC_MAX_NAMES);
	FUZZ_CHECK(a->mac_n <= VDEV_NETVSC_MAX_NAMES);
	FUZZ_CHECK(a->hotplug_poll <= 3600000);
	FUZZ_CHECK(*(const uint8_t *)&a->force <= 1);
	FUZZ_CHECK(*(const uint8_t *)&a->ignore <= 1);
	for (i = 0; i != a->iface_n; ++i) {
		const char *n = a->iface[i];
		size_t len = strnlen(n, IF_NAMESIZE);

		FUZZ_CHECK(len > 0 && len < IF_NAMESIZE, "iface %u", i);
		FUZZ_CHECK(strchr(n, '/') == NULL, "iface=%s", n);
		FUZZ_CHECK(strcmp(n, ".") != 0 && strcmp(n, "..") != 0);
		for (j = 0; j != i; ++j)
			FUZZ_CHECK(strcmp(n, a->iface[j]) != 0, "iface=%s twice",
				   n);
	}
	for (i = 0; i != a->mac_n; ++i) {
		FUZZ_CHECK(rte_is_unicast_ether_addr(&a->mac[i]));
		FUZZ_CHECK(!rte_is_zero_ether_addr(&a->mac[i]));
		for (j = 0; j != i; ++j)
			FUZZ_CHECK(!rte_is_same_ether_addr(&a->mac[i],
							   &a->mac[j]));
	}
	/* Entries past the counts stay zero. */
	for (i = a->iface_n; i != VDEV_NETVSC_MAX_NAMES; ++i)
		FUZZ_CHECK(a->iface[i][0] == '\0');
	for (i = a->mac_n; i != VDEV_NETVSC_MAX_NAMES; ++i)
		FUZZ_CHECK(rte_is_zero_ether_addr(&a->mac[i]));
}

/**
 * Whether the struct can be written back as devargs: kvargs takes ',', '='
 * and brackets as syntax, yet lets a value hold them (a ',' after an
 * unclosed '[', the last of several '='), and the kernel allows them in
 * names. Such a name is taken as given, and found or not in the snapshot.
 */
static bool
args_writable(const struct vdev_netvsc_args *a)
{
	unsigned int i;

	for (i = 0; i != a->iface_n; ++i)
		if (strpbrk(a->iface[i], ",=[]") != NULL)
			return false;
	return true;
}

/** Write a parsed struct back as devargs. */
static void
args_format(const struct vdev_netvsc_args *a, char *text, size_t size)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	size_t len = 0;
	unsigned int i;
	int n;

#define ARGS_PUT(...) do { \
	n = snprintf(text + len, size - len, __VA_ARGS__); \
	FUZZ_CHECK(n >= 0 && (size_t)n < size - len); \
	len += n; \
} while (0)
	text[0] = '\0';
	for (i = 0; i != a->iface_n; ++i)
		ARGS_PUT("%siface=%s", len ? "," : "", a->iface[i]);
	for (i = 0; i != a->mac_n; ++i) {
		rte_ether_format_addr(mac, sizeof(mac), &a->mac[i]);
		ARGS_PUT("%smac=%s", len ? "," : "", mac);
	}
	/* No more pairs than the input had: kvargs takes at most 32. */
	if (a->force)
		ARGS_PUT("%sforce=1", len ? "," : "");
	if (a->ignore)
		ARGS_PUT("%signore=1", len ? "," : "");
	if (a->hotplug_poll != 0)
		ARGS_PUT("%shotplug_poll=%" PRIu64, len ? "," : "",
			 a->hotplug_poll);
#undef ARGS_PUT
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_log_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vdev_netvsc_args zero;
	struct vdev_netvsc_args args, again;
	char text[ARGS_TEXT_MAX];
	char *devargs;
	int ret;

	devargs = malloc(size + 1);
	if (devargs == NULL)
		return 0;
	memcpy(devargs, data, size);
	devargs[size] = '\0';
	/* Whatever the struct held before must not show through. */
	memset(&args, 0xa5, sizeof(args));
	ret = vdev_netvsc_args_parse(devargs, &args);
	if (ret != 0) {
		FUZZ_CHECK(ret == -EINVAL, "ret %d", ret);
		FUZZ_CHECK(memcmp(&args, &zero, sizeof(args)) == 0,
			   "struct not zeroed on error");
		free(devargs);
		return 0;
	}
	check_valid(&args);
	if (!args_writable(&args)) {
		free(devargs);
		return 0;
	}
	args_format(&args, text, sizeof(text));
	memset(&again, 0x5a, sizeof(again));
	ret = vdev_netvsc_args_parse(text, &again);
	FUZZ_CHECK(ret == 0, "\"%s\" written back from \"%s\": %d", text,
		   devargs, ret);
	FUZZ_CHECK(memcmp(&args, &again, sizeof(args)) == 0,
		   "\"%s\" written back from \"%s\" parses differently", text,
		   devargs);
	free(devargs);
	return 0;
}
