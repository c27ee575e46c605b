/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * Devargs of one instance: parsed once into struct vdev_netvsc_args, so
 * that nothing else looks at kvargs. Every error names the argument.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_kvargs.h>
#include <rte_string_fns.h>

#include "vdev_netvsc_fault.h"
#include "vdev_netvsc_private.h"

/** Longest fail-safe poll accepted, in ms: one hour. */
#define VDEV_NETVSC_HOTPLUG_POLL_MAX 3600000

/** What the handlers fill, with what they need to spot duplicates. */
struct args_state {
	struct vdev_netvsc_args *args; /**< being filled */
	bool force_seen; /**< force= given */
	bool ignore_seen; /**< ignore= given */
	bool poll_seen; /**< hotplug_poll= given */
};

static int
vsc_arg_iface(const char *key, const char *value, void *opaque)
{
	struct args_state *st = opaque;
	struct vdev_netvsc_args *args = st->args;
	size_t len = strlen(value);
	unsigned int i;

	if (len == 0) {
		DRV_LOG(ERR, "%s: empty interface name", key);
		return -EINVAL;
	}
	if (len >= IF_NAMESIZE) {
		DRV_LOG(ERR, "%s=%s: interface name longer than %u characters",
			key, value, IF_NAMESIZE - 1);
		return -EINVAL;
	}
	if (strchr(value, '/') != NULL || strcmp(value, ".") == 0 ||
	    strcmp(value, "..") == 0) {
		DRV_LOG(ERR, "%s=%s: not a valid interface name", key, value);
		return -EINVAL;
	}
	for (i = 0; i != args->iface_n; ++i) {
		if (strcmp(args->iface[i], value) == 0) {
			DRV_LOG(ERR, "%s=%s: interface named twice", key, value);
			return -EINVAL;
		}
	}
	if (args->iface_n == RTE_DIM(args->iface)) {
		DRV_LOG(ERR, "%s=%s: more than %zu interfaces", key, value,
			RTE_DIM(args->iface));
		return -EINVAL;
	}
	strlcpy(args->iface[args->iface_n++], value, IF_NAMESIZE);
	return 0;
}

static int
vsc_arg_mac(const char *key, const char *value, void *opaque)
{
	struct args_state *st = opaque;
	struct vdev_netvsc_args *args = st->args;
	struct rte_ether_addr mac;
	unsigned int i;

	/* rte_ether_unformat_addr() also takes "xxxx:xxxx:xxxx". */
	if (rte_ether_unformat_addr(value, &mac) != 0) {
		DRV_LOG(ERR, "%s=%s: not a MAC address (want xx:xx:xx:xx:xx:xx)",
			key, value);
		return -EINVAL;
	}
	if (rte_is_zero_ether_addr(&mac) || !rte_is_unicast_ether_addr(&mac)) {
		DRV_LOG(ERR, "%s=%s: not a unicast MAC address", key, value);
		return -EINVAL;
	}
	for (i = 0; i != args->mac_n; ++i) {
		if (rte_is_same_ether_addr(&args->mac[i], &mac)) {
			DRV_LOG(ERR, "%s=%s: MAC address given twice", key, value);
			return -EINVAL;
		}
	}
	if (args->mac_n == RTE_DIM(args->mac)) {
		DRV_LOG(ERR, "%s=%s: more than %zu MAC addresses", key, value,
			RTE_DIM(args->mac));
		return -EINVAL;
	}
	args->mac[args->mac_n++] = mac;
	return 0;
}

/** Parse a boolean flag: exactly "0" or "1", given at most once. */
static int
vsc_arg_flag(const char *key, const char *value, bool *flag, bool *seen)
{
	if (*seen) {
		DRV_LOG(ERR, "%s given more than once", key);
		return -EINVAL;
	}
	*seen = true;
	if (strcmp(value, "0") == 0) {
		*flag = false;
	} else if (strcmp(value, "1") == 0) {
		*flag = true;
	} else {
		DRV_LOG(ERR, "%s=%s: must be 0 or 1", key, value);
		return -EINVAL;
	}
	return 0;
}

static int
vsc_arg_force(const char *key, const char *value, void *opaque)
{
	struct args_state *st = opaque;

	return vsc_arg_flag(key, value, &st->args->force, &st->force_seen);
}

static int
vsc_arg_ignore(const char *key, const char *value, void *opaque)
{
	struct args_state *st = opaque;

	return vsc_arg_flag(key, value, &st->args->ignore, &st->ignore_seen);
}

static int
vsc_arg_hotplug_poll(const char *key, const char *value, void *opaque)
{
	struct args_state *st = opaque;
	unsigned long long ms;
	char *end;

	if (st->poll_seen) {
		DRV_LOG(ERR, "%s given more than once", key);
		return -EINVAL;
	}
	st->poll_seen = true;
	errno = 0;
	ms = strtoull(value, &end, 10);
	if (errno != 0 || *end != '\0' || value[0] < '0' || value[0] > '9' ||
	    ms == 0 || ms > VDEV_NETVSC_HOTPLUG_POLL_MAX) {
		DRV_LOG(ERR, "%s=%s: want milliseconds from 1 to %u",
			key, value, VDEV_NETVSC_HOTPLUG_POLL_MAX);
		return -EINVAL;
	}
	st->args->hotplug_poll = ms;
	return 0;
}

/** Valid keys and their handlers, in the order the guide lists them. */
static const struct {
	const char *key;
	arg_handler_t handler;
} vdev_netvsc_arg_table[] = {
	{ VDEV_NETVSC_ARG_IFACE, vsc_arg_iface },
	{ VDEV_NETVSC_ARG_MAC, vsc_arg_mac },
	{ VDEV_NETVSC_ARG_FORCE, vsc_arg_force },
	{ VDEV_NETVSC_ARG_IGNORE, vsc_arg_ignore },
	{ VDEV_NETVSC_ARG_HOTPLUG_POLL, vsc_arg_hotplug_poll },
};

/**
 * Parse the devargs string of an instance.
 *
 * @param[in] devargs
 *   The "key=value,..." string, may be NULL or empty.
 * @param[out] args
 *   Filled on success, zeroed on failure.
 * @return
 *   0 on success, -EINVAL with the faulty argument logged, or -ENOMEM.
 */
int
vdev_netvsc_args_parse(const char *devargs, struct vdev_netvsc_args *args)
{
	struct args_state st = { .args = args };
	struct rte_kvargs *kvlist;
	unsigned int i, k;
	int ret = 0;

	memset(args, 0, sizeof(*args));
	if (devargs == NULL || devargs[0] == '\0')
		return 0;
	/*
	 * No key list: an unknown key is reported by name below. Without
	 * one, kvargs fails only when out of memory (malloc() sets errno)
	 * or past RTE_KVARGS_MAX pairs.
	 */
	errno = 0;
	kvlist = VSC_ALLOC(NULL, rte_kvargs_parse(devargs, NULL));
	if (kvlist == NULL && errno == ENOMEM) {
		DRV_LOG(ERR, "cannot parse devargs \"%s\": %s", devargs,
			strerror(ENOMEM));
		return -ENOMEM;
	}
	if (kvlist == NULL) {
		DRV_LOG(ERR, "cannot parse devargs \"%s\": more than %d"
			" arguments", devargs, RTE_KVARGS_MAX);
		return -EINVAL;
	}
	/* One pass in the given order, so duplicates are caught as they come. */
	for (i = 0; i != kvlist->count && ret == 0; ++i) {
		const struct rte_kvargs_pair *pair = &kvlist->pairs[i];

		for (k = 0; k != RTE_DIM(vdev_netvsc_arg_table); ++k)
			if (strcmp(pair->key, vdev_netvsc_arg_table[k].key) == 0)
				break;
		if (k == RTE_DIM(vdev_netvsc_arg_table)) {
			DRV_LOG(ERR, "unknown argument \"%s\"", pair->key);
			ret = -EINVAL;
		} else if (pair->value == NULL) {
			DRV_LOG(ERR, "argument \"%s\" needs a value (%s=...)",
				pair->key, pair->key);
			ret = -EINVAL;
		} else {
			ret = vdev_netvsc_arg_table[k].handler(pair->key,
							       pair->value, &st);
		}
	}
	rte_kvargs_free(kvlist);
	if (ret != 0)
		memset(args, 0, sizeof(*args));
	return ret;
}

/** Whether the instance names its interfaces rather than taking all. */
bool
vdev_netvsc_args_named(const struct vdev_netvsc_args *args)
{
	return args->iface_n != 0 || args->mac_n != 0;
}
