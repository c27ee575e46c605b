/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * unit-args: vdev_netvsc_args_parse() and vdev_netvsc_args_named().
 *
 * Valid devargs must give exactly the expected struct (compared byte for
 * byte against one built by hand); every invalid class must give -EINVAL,
 * a struct zeroed whatever it held before, and a log line naming the
 * faulty argument.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_kvargs.h>
#include <rte_log.h>

#include "../test_util.h"
#include "vdev_netvsc_private.h"
#include "unit.h"

/*
 * Defined and registered by vdev_netvsc.c, which these tests do not need:
 * weak, so that this definition neither pulls that object out of the
 * driver's archive nor clashes with it should it come in anyway.
 */
int vdev_netvsc_logtype __attribute__((weak));

/** The log of the last parse: rte_log() writes into a memory stream. */
static char *log_buf;
static size_t log_len;
static FILE *log_stream;

static void
log_capture(void)
{
	log_stream = open_memstream(&log_buf, &log_len);
	if (log_stream == NULL) {
		perror("open_memstream");
		exit(1);
	}
	rte_openlog_stream(log_stream);
}

/** Stop capturing; the text stays in log_buf until the next capture. */
static void
log_release(void)
{
	rte_openlog_stream(NULL);
	fclose(log_stream);
	log_stream = NULL;
}

static void
log_reset(void)
{
	free(log_buf);
	log_buf = NULL;
	log_len = 0;
}

/** Parse @p devargs into a struct pre-filled with garbage. */
static int
parse(const char *devargs, struct vdev_netvsc_args *args)
{
	int ret;

	memset(args, 0x5a, sizeof(*args));
	log_reset();
	log_capture();
	ret = vdev_netvsc_args_parse(devargs, args);
	log_release();
	return ret;
}

static bool
all_zero(const void *p, size_t size)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i != size; ++i)
		if (b[i] != 0)
			return false;
	return true;
}

static struct rte_ether_addr
mac_of(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint8_t e, uint8_t f)
{
	struct rte_ether_addr mac = {
		.addr_bytes = { a, b, c, d, e, f },
	};

	return mac;
}

/** An expected struct: zeroed, as the parser zeroes it, then filled. */
static void
expect_init(struct vdev_netvsc_args *exp)
{
	memset(exp, 0, sizeof(*exp));
}

static void
expect_iface(struct vdev_netvsc_args *exp, const char *name)
{
	snprintf(exp->iface[exp->iface_n++], IF_NAMESIZE, "%s", name);
}

static void
expect_mac(struct vdev_netvsc_args *exp, struct rte_ether_addr mac)
{
	exp->mac[exp->mac_n++] = mac;
}

/** Describe the differences between two structs, for a failure message. */
static void
describe(const struct vdev_netvsc_args *got,
	 const struct vdev_netvsc_args *exp)
{
	char a[RTE_ETHER_ADDR_FMT_SIZE], b[RTE_ETHER_ADDR_FMT_SIZE];
	unsigned int i;

	fprintf(stderr, "  iface_n %u/%u mac_n %u/%u force %d/%d ignore %d/%d"
		" hotplug_poll %llu/%llu (got/expected)\n",
		got->iface_n, exp->iface_n, got->mac_n, exp->mac_n,
		got->force, exp->force, got->ignore, exp->ignore,
		(unsigned long long)got->hotplug_poll,
		(unsigned long long)exp->hotplug_poll);
	for (i = 0; i != VDEV_NETVSC_MAX_NAMES; ++i) {
		if (memcmp(got->iface[i], exp->iface[i], IF_NAMESIZE) != 0)
			fprintf(stderr, "  iface[%u] \"%.*s\"/\"%.*s\"\n", i,
				IF_NAMESIZE, got->iface[i],
				IF_NAMESIZE, exp->iface[i]);
		if (!rte_is_same_ether_addr(&got->mac[i], &exp->mac[i])) {
			rte_ether_format_addr(a, sizeof(a), &got->mac[i]);
			rte_ether_format_addr(b, sizeof(b), &exp->mac[i]);
			fprintf(stderr, "  mac[%u] %s/%s\n", i, a, b);
		}
	}
}

/** A valid devargs string must give exactly @p exp. */
static void
valid(const char *devargs, const struct vdev_netvsc_args *exp)
{
	struct vdev_netvsc_args got;
	int ret;

	unit_begin(devargs != NULL ? devargs : "(NULL)");
	ret = parse(devargs, &got);
	CHECK_INT(ret, 0);
	/* Byte for byte: padding and unused slots must be zero too. */
	CHECK(memcmp(&got, exp, sizeof(got)) == 0, "struct differs");
	if (memcmp(&got, exp, sizeof(got)) != 0)
		describe(&got, exp);
	CHECK_INT(vdev_netvsc_args_named(&got), exp->iface_n || exp->mac_n);
}

/**
 * An invalid devargs string: -EINVAL, a zeroed struct, and a log that
 * names what is wrong (@p names, a substring the log must contain).
 */
static void
invalid(const char *devargs, const char *names)
{
	struct vdev_netvsc_args got;
	int ret;

	unit_begin(devargs);
	ret = parse(devargs, &got);
	CHECK_INT(ret, -EINVAL);
	CHECK(all_zero(&got, sizeof(got)), "struct not zeroed after failure");
	CHECK(log_buf != NULL && strstr(log_buf, names) != NULL,
	      "log does not name \"%s\": \"%s\"", names,
	      log_buf != NULL ? log_buf : "");
	CHECK(!vdev_netvsc_args_named(&got));
}

static void
test_valid(void)
{
	struct vdev_netvsc_args exp;
	char buf[1024];
	unsigned int i;
	int n;

	expect_init(&exp);
	valid(NULL, &exp);
	valid("", &exp);

	expect_init(&exp);
	expect_iface(&exp, "eth1");
	valid("iface=eth1", &exp);

	/* iface= and mac= mixed: each list in the order given. */
	expect_init(&exp);
	expect_iface(&exp, "eth1");
	expect_iface(&exp, "enP30832s1");
	expect_iface(&exp, "eth0");
	expect_mac(&exp, mac_of(0x00, 0x15, 0x5d, 0x01, 0x02, 0x03));
	expect_mac(&exp, mac_of(0x00, 0x0d, 0x3a, 0xaa, 0xbb, 0xcc));
	valid("iface=eth1,mac=00:15:5d:01:02:03,iface=enP30832s1,"
	      "mac=00:0D:3A:AA:BB:CC,iface=eth0", &exp);

	expect_init(&exp);
	valid("force=0", &exp);
	exp.force = true;
	valid("force=1", &exp);
	expect_init(&exp);
	valid("ignore=0", &exp);
	exp.ignore = true;
	valid("ignore=1", &exp);
	expect_init(&exp);
	exp.hotplug_poll = 100;
	valid("hotplug_poll=100", &exp);
	exp.hotplug_poll = 1;
	valid("hotplug_poll=1", &exp);
	exp.hotplug_poll = 3600000;
	valid("hotplug_poll=3600000", &exp);

	/* Everything at once. */
	expect_init(&exp);
	expect_iface(&exp, "eth2");
	expect_mac(&exp, mac_of(0x02, 0x00, 0x00, 0x00, 0x00, 0x01));
	exp.force = true;
	exp.ignore = false;
	exp.hotplug_poll = 2000;
	valid("force=1,iface=eth2,ignore=0,hotplug_poll=2000,"
	      "mac=02:00:00:00:00:01", &exp);

	/* Both MAC forms give the same address. */
	expect_init(&exp);
	expect_mac(&exp, mac_of(0x00, 0x15, 0x5d, 0xa0, 0xb1, 0xc2));
	valid("mac=00:15:5d:a0:b1:c2", &exp);
	valid("mac=00:15:5D:A0:B1:C2", &exp);
	valid("mac=0015:5da0:b1c2", &exp);
	valid("mac=0015:5DA0:B1C2", &exp);

	/* The longest name the kernel allows: IF_NAMESIZE - 1 characters. */
	expect_init(&exp);
	expect_iface(&exp, "abcdefghijklmno");
	valid("iface=abcdefghijklmno", &exp);

	/* Exactly VDEV_NETVSC_MAX_NAMES of each is fine. */
	expect_init(&exp);
	n = 0;
	for (i = 0; i != VDEV_NETVSC_MAX_NAMES; ++i) {
		char name[IF_NAMESIZE];

		snprintf(name, sizeof(name), "eth%u", i);
		expect_iface(&exp, name);
		expect_mac(&exp, mac_of(0x02, 0, 0, 0, 1, i + 1));
		n += snprintf(buf + n, sizeof(buf) - n,
			      "%siface=eth%u,mac=02:00:00:00:01:%02x",
			      i ? "," : "", i, i + 1);
	}
	valid(buf, &exp);
}

static void
test_invalid(void)
{
	char buf[1024];
	unsigned int i;
	int n;

	/* unknown keys, alone or after valid ones */
	invalid("bogus=1", "bogus");
	invalid("iface=eth1,speed=10", "speed");
	invalid("Iface=eth1", "Iface");
	/* a key without value, or with an empty one */
	invalid("iface", "iface");
	invalid("mac", "mac");
	invalid("force", "force");
	invalid("iface=", "iface");
	invalid("iface=eth1,iface=", "iface");
	invalid("mac=", "mac");
	invalid("hotplug_poll=", "hotplug_poll");
	/* interface names the kernel cannot have */
	invalid("iface=abcdefghijklmnop", "abcdefghijklmnop");
	invalid("iface=a_very_long_interface_name", "a_very_long");
	invalid("iface=a/b", "a/b");
	invalid("iface=.", "iface");
	invalid("iface=..", "iface");
	/* MAC addresses: not one, multicast, broadcast, zero */
	invalid("mac=zz:00:00:00:00:01", "zz:00:00:00:00:01");
	invalid("mac=00:15:5d:01:02", "00:15:5d:01:02");
	invalid("mac=00:15:5d:01:02:03:04", "mac");
	invalid("mac=00155d010203", "mac");
	invalid("mac=01:00:5e:00:00:01", "01:00:5e:00:00:01");
	invalid("mac=33:33:00:00:00:01", "33:33:00:00:00:01");
	invalid("mac=ff:ff:ff:ff:ff:ff", "ff:ff:ff:ff:ff:ff");
	invalid("mac=00:00:00:00:00:00", "00:00:00:00:00:00");
	invalid("mac=0000:0000:0000", "mac");
	/* flags are exactly 0 or 1, given once */
	invalid("force=2", "force");
	invalid("force=abc", "force");
	invalid("force=01", "force");
	invalid("force=true", "force");
	invalid("ignore=yes", "ignore");
	invalid("force=1,force=1", "force");
	invalid("force=0,force=1", "force");
	invalid("ignore=1,ignore=1", "ignore");
	/* the same interface or address twice */
	invalid("iface=eth1,iface=eth1", "eth1");
	invalid("iface=eth1,mac=00:15:5d:01:02:03,iface=eth1", "eth1");
	invalid("mac=00:15:5d:01:02:03,mac=00:15:5d:01:02:03", "mac");
	invalid("mac=00:15:5d:01:02:03,mac=00:15:5D:01:02:03", "mac");
	invalid("mac=00:15:5d:01:02:03,mac=0015:5d01:0203", "mac");
	/* hotplug_poll: 1 to 3600000 ms, decimal, once */
	invalid("hotplug_poll=0", "hotplug_poll");
	invalid("hotplug_poll=abc", "hotplug_poll");
	invalid("hotplug_poll=-5", "hotplug_poll");
	invalid("hotplug_poll=+5", "hotplug_poll");
	invalid("hotplug_poll= 5", "hotplug_poll");
	invalid("hotplug_poll=10ms", "hotplug_poll");
	invalid("hotplug_poll=0x10", "hotplug_poll");
	invalid("hotplug_poll=3600001", "hotplug_poll");
	invalid("hotplug_poll=18446744073709551616", "hotplug_poll");
	invalid("hotplug_poll=5,hotplug_poll=5", "hotplug_poll");

	/* one more than VDEV_NETVSC_MAX_NAMES iface= */
	n = 0;
	for (i = 0; i != VDEV_NETVSC_MAX_NAMES + 1; ++i)
		n += snprintf(buf + n, sizeof(buf) - n, "%siface=eth%u",
			      i ? "," : "", i);
	invalid(buf, "eth16");
	/* and of mac= */
	n = 0;
	for (i = 0; i != VDEV_NETVSC_MAX_NAMES + 1; ++i)
		n += snprintf(buf + n, sizeof(buf) - n,
			      "%smac=02:00:00:00:01:%02x", i ? "," : "", i + 1);
	invalid(buf, "02:00:00:00:01:11");
	/* more pairs than kvargs takes: refused by it, said so, not ENOMEM */
	n = 0;
	for (i = 0; i != RTE_KVARGS_MAX + 1; ++i)
		n += snprintf(buf + n, sizeof(buf) - n, "%siface=e%u",
			      i ? "," : "", i);
	invalid(buf, "more than");
}

/** A failure leaves nothing of an earlier successful parse behind. */
static void
test_reuse(void)
{
	struct vdev_netvsc_args args;
	int ret;

	unit_begin("reuse after success");
	ret = vdev_netvsc_args_parse("iface=eth1,force=1,hotplug_poll=5", &args);
	CHECK_INT(ret, 0);
	CHECK_INT(args.iface_n, 1);
	ret = vdev_netvsc_args_parse("iface=eth2,force=7", &args);
	CHECK_INT(ret, -EINVAL);
	CHECK(all_zero(&args, sizeof(args)));
	ret = vdev_netvsc_args_parse("mac=02:00:00:00:00:02", &args);
	CHECK_INT(ret, 0);
	CHECK_INT(args.iface_n, 0);
	CHECK_INT(args.mac_n, 1);
	CHECK(!args.force);
	CHECK_INT(args.hotplug_poll, 0);
}

int
main(void)
{
	if (test_driver_log(&vdev_netvsc_logtype, false) != 0)
		return 1;
	test_valid();
	test_invalid();
	test_reuse();
	log_reset();
	return unit_summary("unit-args");
}
