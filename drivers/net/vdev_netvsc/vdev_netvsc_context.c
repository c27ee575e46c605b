/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * One context per NetVSC taken: its fail-safe port and the pipe that tells
 * fail-safe where the VF is.
 *
 * Fail-safe 22.11 reads the pipe only while its VF sub-device is unparsed,
 * takes the last line, then retries that address for ever. So the pipe is
 * a one-slot mailbox that always tells the truth: empty while there is no
 * VF, exactly one line for the current VF otherwise, written again only
 * when the VF changes or when fail-safe has let go of its VF sub-device.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_string_fns.h>

#include "vdev_netvsc_fault.h"
#include "vdev_netvsc_private.h"

/** Fail-safe devargs: fd(), dev(), mac=, hotplug_poll=. */
#define VSC_PORT_ARGS_LEN 256

/** A vdev by name, probed or not: EAL's device iterator on the vdev bus. */
static struct rte_device *
vsc_vdev_find(const char *name)
{
	struct rte_dev_iterator it;
	struct rte_device *dev;

	RTE_DEV_FOREACH(dev, "bus=vdev", &it)
		if (strcmp(rte_dev_name(dev), name) == 0)
			return dev;
	return NULL;
}

/**
 * A vdev by name among those that follow @p owner in the vdev list, where
 * the ports of an instance always are (they are created after it). The
 * walk starts at @p owner, the iterator's current position: during EAL
 * cleanup, the devices before it have been removed, and 23.11.0 and
 * 24.11.0 free them without unlinking them (Debian's 22.11.11 and 25.11
 * unlink them first).
 *
 * @param owner
 *   Our vdev.
 * @param name
 *   Device name.
 * @param[out] next
 *   Whether the device comes right after @p owner.
 * @return
 *   The device, or NULL.
 */
static struct rte_device *
vsc_vdev_find_after(const struct rte_device *owner, const char *name,
		    bool *next)
{
	struct rte_dev_iterator it;
	struct rte_device *dev;

	*next = true;
	/* it returns -rte_errno, which it does not clear on success */
	rte_errno = 0;
	if (rte_dev_iterator_init(&it, "bus=vdev") != 0)
		return NULL;
	it.device = (struct rte_device *)(uintptr_t)owner;
	while ((dev = rte_dev_iterator_next(&it)) != NULL) {
		if (strcmp(rte_dev_name(dev), name) == 0)
			return dev;
		*next = false;
	}
	return NULL;
}

/**
 * Lowest N such that net_failsafe_vsc<N> is free, so that names stay stable
 * across remove and probe. Free: no such vdev, or one that is not probed,
 * or one that is probed but whose ethdev port is closed, i.e. a port that
 * vsc_port_remove() only closed (see there). Such a leftover is removed
 * here, so that the name can be probed afresh.
 */
static unsigned int
vsc_port_id_alloc(void)
{
	char name[RTE_DEV_NAME_MAX_LEN];
	const struct rte_device *dev;
	uint16_t port;
	unsigned int id;
	int ret;

	for (id = 0; ; ++id) {
		snprintf(name, sizeof(name), VDEV_NETVSC_PORT_PREFIX "%u", id);
		dev = vsc_vdev_find(name);
		if (dev == NULL || !rte_dev_is_probed(dev))
			return id;
		if (rte_eth_dev_get_port_by_name(name, &port) == 0)
			continue;
		/* Fail-safe's remove finds no port, returns 0: EAL frees it. */
		ret = rte_vdev_uninit(name);
		DRV_LOG(DEBUG, "%s: closed port of an earlier instance removed: %s",
			name, ret == 0 ? "ok" : strerror(-ret));
		if (ret == 0)
			return id;
	}
}

/** Empty the pipe through our own read end. */
static void
vsc_pipe_drain(struct vdev_netvsc_ctx *ctx)
{
	char buf[VDEV_NETVSC_LINE_LEN * 4];

	while (read(ctx->pipe[0], buf, sizeof(buf)) > 0)
		;
}

/** Whether the pipe holds a line fail-safe has not read. */
static bool
vsc_pipe_pending(const struct vdev_netvsc_ctx *ctx)
{
	int n = 0;

	return ioctl(ctx->pipe[0], FIONREAD, &n) == 0 && n > 0;
}

/** Put the current VF line into the empty pipe. */
static void
vsc_pipe_write(struct vdev_netvsc_ctx *ctx)
{
	size_t len = strlen(ctx->vf_line);
	ssize_t n;

	vsc_pipe_drain(ctx);
	n = write(ctx->pipe[1], ctx->vf_line, len);
	if (n != (ssize_t)len) {
		/* once per line: the monitor retries until it is written */
		if (!ctx->offer_pending)
			DRV_LOG(ERR, "%s: cannot tell fail-safe about VF %s: %s,"
				" will retry", ctx->port_name, ctx->vf_pci,
				n < 0 ? strerror(errno) : "short write");
		/* a part written is no line: fail-safe must not read it */
		if (n > 0)
			vsc_pipe_drain(ctx);
		ctx->offer_pending = true;
		return;
	}
	ctx->offer_pending = false;
	ctx->offers++;
}

/** Whether fail-safe runs a sub-device on the VF's PCI device. */
static bool
vsc_vf_attached(const struct vdev_netvsc_ctx *ctx)
{
	uint16_t port;

	if (ctx->vf_pci[0] == '\0')
		return false;
	/* Sub-devices are owned by fail-safe: walk every port, owned or not. */
	for (port = rte_eth_find_next(0); port < RTE_MAX_ETHPORTS;
	     port = rte_eth_find_next(port + 1)) {
		const struct rte_device *dev = rte_eth_devices[port].device;

		if (dev != NULL && strcmp(dev->name, ctx->vf_pci) == 0)
			return true;
	}
	return false;
}

/**
 * Tell fail-safe which VF the NetVSC has now; does nothing when that has
 * not changed (a rename of the VF changes nothing fail-safe sees).
 *
 * @param[in, out] ctx
 *   The context.
 * @param[in] vf
 *   The VF now, or NULL when there is none.
 */
void
vdev_netvsc_ctx_offer(struct vdev_netvsc_ctx *ctx,
		      const struct vdev_netvsc_netdev *vf)
{
	char line[VDEV_NETVSC_LINE_LEN] = "";

	if (vf != NULL && vdev_netvsc_vf_line(vf, line, sizeof(line)) != 0) {
		DRV_LOG(ERR, "%s: VF address %s too long", ctx->port_name,
			vf->pci.addr);
		vf = NULL;
		line[0] = '\0';
	}
	if (strcmp(line, ctx->vf_line) == 0 &&
	    ctx->vf_ifindex == (vf != NULL ? vf->link.ifindex : 0)) {
		/* unchanged, but maybe never written */
		if (ctx->offer_pending)
			vsc_pipe_write(ctx);
		return;
	}
	if (vf == NULL) {
		DRV_LOG(NOTICE, "%s: VF %s of %s is gone", ctx->port_name,
			ctx->vf_pci, ctx->if_name);
		vsc_pipe_drain(ctx);
		ctx->vf_ifindex = 0;
		ctx->vf_pci[0] = '\0';
		ctx->vf_line[0] = '\0';
		ctx->vf_attached = false;
		ctx->offer_pending = false;
		return;
	}
	ctx->vf_ifindex = vf->link.ifindex;
	strlcpy(ctx->vf_pci, vf->pci.addr, sizeof(ctx->vf_pci));
	strlcpy(ctx->vf_line, line, sizeof(ctx->vf_line));
	ctx->vf_attached = vsc_vf_attached(ctx);
	DRV_LOG(NOTICE, "%s: VF %s (%s) of %s offered to fail-safe",
		ctx->port_name, vf->link.name, vf->pci.addr, ctx->if_name);
	vsc_pipe_write(ctx);
}

/**
 * After fail-safe took or dropped a sub-device: note whether it runs on
 * the VF, and offer the VF again when fail-safe let go of it while it is
 * still there, since fail-safe will read the pipe once more.
 *
 * @param[in, out] ctx
 *   The context.
 * @param[in] vf_alive
 *   Whether the VF netdevice still exists.
 */
void
vdev_netvsc_ctx_reoffer(struct vdev_netvsc_ctx *ctx, bool vf_alive)
{
	bool attached = vsc_vf_attached(ctx);

	if (attached != ctx->vf_attached)
		DRV_LOG(NOTICE, "%s: fail-safe %s VF %s", ctx->port_name,
			attached ? "runs on" : "let go of", ctx->vf_pci);
	ctx->vf_attached = attached;
	if (ctx->vf_ifindex == 0 || attached || vsc_pipe_pending(ctx))
		return;
	if (!vf_alive) {
		/* Its removal event is on its way; say nothing meanwhile. */
		return;
	}
	vsc_pipe_write(ctx);
}

/**
 * Build the fail-safe devargs of a context: its options, then the VF
 * (first, as fail-safe prefers its first sub-device), then the tap. They
 * end with a sub-device: fail-safe 22.11 reads one byte past the end of a
 * devargs string that ends with an option.
 */
static int
vsc_port_args(const struct vdev_netvsc_ctx *ctx,
	      const struct vdev_netvsc_port_opts *opts,
	      char *args, size_t size)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	char tap[IF_NAMESIZE + 64] = "";
	char poll[32] = "";
	int n;

	rte_ether_format_addr(mac, sizeof(mac), &ctx->mac);
	/*
	 * The kernel allows ',', '(', ')' and '=' in a netdevice name, which
	 * fail-safe's devargs would read as their own syntax (a name such as
	 * "x),dev(y" would add a sub-device): such a NetVSC gets no tap.
	 */
	if (opts->tap && strpbrk(ctx->if_name, ",()=") != NULL)
		DRV_LOG(ERR, "%s: no tap sub-device: fail-safe device arguments"
			" cannot carry a remote= name with ',', '(', ')' or '='",
			ctx->if_name);
	else if (opts->tap)
		snprintf(tap, sizeof(tap), ",dev(" VDEV_NETVSC_TAP_PREFIX
			 "%u,remote=%s)", ctx->id, ctx->if_name);
	if (opts->hotplug_poll != 0)
		snprintf(poll, sizeof(poll), "hotplug_poll=%ju,",
			 (uintmax_t)opts->hotplug_poll);
	n = snprintf(args, size, "mac=%s,%sfd(%d)%s", mac, poll, ctx->pipe[0],
		     tap);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/**
 * Say when fail-safe could not start the tap sub-device of a new port: it
 * logs only its sub-device's index, and retries it on its own.
 */
static void
vsc_port_tap_check(const struct vdev_netvsc_ctx *ctx, const char *args)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t port;

	if (strstr(args, "dev(" VDEV_NETVSC_TAP_PREFIX) == NULL)
		return;
	snprintf(name, sizeof(name), VDEV_NETVSC_TAP_PREFIX "%u", ctx->id);
	if (rte_eth_dev_get_port_by_name(name, &port) != 0)
		DRV_LOG(WARNING, "%s: tap sub-device %s of %s failed: no path"
			" through %s until fail-safe brings it up",
			ctx->if_name, name, ctx->port_name, ctx->if_name);
}

/**
 * Create the context of a NetVSC: offer its VF if it has one, then create
 * its fail-safe port, so that fail-safe finds the VF at once.
 *
 * @param[in] netvsc
 *   The NetVSC netdevice.
 * @param[in] vf
 *   Its VF, or NULL.
 * @param[in] opts
 *   Port options.
 * @return
 *   The context, or NULL with rte_errno set (logged).
 */
struct vdev_netvsc_ctx *
vdev_netvsc_ctx_create(const struct vdev_netvsc_netdev *netvsc,
		       const struct vdev_netvsc_netdev *vf,
		       const struct vdev_netvsc_port_opts *opts)
{
	char args[VSC_PORT_ARGS_LEN];
	struct vdev_netvsc_ctx *ctx;
	int ret;

	ctx = VSC_ALLOC(NULL, calloc(1, sizeof(*ctx)));
	if (ctx == NULL) {
		DRV_LOG(ERR, "%s: no port: %s", netvsc->link.name,
			strerror(ENOMEM));
		rte_errno = ENOMEM;
		return NULL;
	}
	ctx->ifindex = netvsc->link.ifindex;
	strlcpy(ctx->if_name, netvsc->link.name, sizeof(ctx->if_name));
	ctx->mac = netvsc->link.mac;
	if (pipe2(ctx->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		ret = -errno;
		DRV_LOG(ERR, "%s: cannot create a pipe: %s", ctx->if_name,
			strerror(errno));
		goto free_ctx;
	}
	ctx->id = vsc_port_id_alloc();
	snprintf(ctx->port_name, sizeof(ctx->port_name),
		 VDEV_NETVSC_PORT_PREFIX "%u", ctx->id);
	ret = vsc_port_args(ctx, opts, args, sizeof(args));
	if (ret != 0) {
		DRV_LOG(ERR, "%s: fail-safe devargs too long", ctx->if_name);
		goto close_pipe;
	}
	vdev_netvsc_ctx_offer(ctx, vf);
	ret = rte_eal_hotplug_add("vdev", ctx->port_name, args);
	if (ret < 0) {
		DRV_LOG(ERR, "%s: cannot create fail-safe port %s (%s): %s",
			ctx->if_name, ctx->port_name, args, strerror(-ret));
		goto close_pipe;
	}
	ctx->vf_attached = vsc_vf_attached(ctx);
	vsc_port_tap_check(ctx, args);
	vdev_netvsc_failsafe_check(ctx->port_name);
	DRV_LOG(NOTICE, "%s -> %s", ctx->if_name, ctx->port_name);
	DRV_LOG(DEBUG, "%s devargs: %s", ctx->port_name, args);
	return ctx;
close_pipe:
	close(ctx->pipe[0]);
	close(ctx->pipe[1]);
free_ctx:
	free(ctx);
	rte_errno = -ret;
	return NULL;
}

#if !VDEV_NETVSC_VDEV_CLEANUP_SAFE
/**
 * Close the ethdev port of a fail-safe vdev and leave the vdev itself in
 * place (see vsc_port_remove()). Fail-safe's close takes its sub-devices
 * away; its remove, when EAL later calls it, finds no port and returns 0.
 */
static int
vsc_port_close(const char *name)
{
	uint16_t port;
	int ret;

	if (rte_eth_dev_get_port_by_name(name, &port) != 0)
		return 0; /* already closed */
	/* ethdev refuses to close a started port */
	ret = rte_eth_dev_stop(port);
	if (ret != 0)
		DRV_LOG(DEBUG, "%s: stop: %s", name, strerror(-ret));
	return rte_eth_dev_close(port);
}
#endif

/**
 * Remove a fail-safe port, with EAL's public hot-plug API.
 *
 * The one exception, for DPDK before 26.07: rte_eal_cleanup() removes
 * the vdevs with a walk of the vdev list that reads the device after the
 * one whose driver it calls, and goes on to it afterwards (vdev_cleanup(),
 * drivers/bus/vdev/vdev.c: RTE_TAILQ_FOREACH_SAFE in 22.11 to 25.11). Our
 * remove runs inside that walk, and its successor in the list is often our
 * first port: freeing it would leave the walk on freed memory. Nothing
 * public tells whether this remove comes from that walk or from
 * rte_dev_remove()/rte_vdev_uninit(), so the port that follows our vdev
 * is never freed here, on any path: only its ethdev port is closed (no
 * port, no sub-device, no use of our pipe left), and the vdev stays, still
 * probed. The walk frees it after us (fail-safe's remove returns 0 for a
 * closed port); outside the walk, the next probe of this driver removes it
 * when it takes that name again (vsc_port_id_alloc()), or rte_eal_cleanup()
 * does. Cost: fail-safe's close does not free its interrupt instance and
 * the port's leftovers, and its remove, when it comes, finds the port
 * closed and frees nothing: about 27 kB of DPDK heap per such port, for
 * good (measured on 22.11 by app/test/fault, which allows exactly that).
 *
 * @param ctx
 *   The context whose port goes.
 * @param owner
 *   Our own vdev.
 */
static void
vsc_port_remove(struct vdev_netvsc_ctx *ctx, const struct rte_device *owner)
{
	bool after_owner = false;
	struct rte_device *dev;
	int ret;

	dev = vsc_vdev_find_after(owner, ctx->port_name, &after_owner);
	if (dev == NULL) {
		/* an unprobed vdev of that name, older than us, was reused */
		after_owner = false;
		dev = vsc_vdev_find(ctx->port_name);
	}
	if (dev == NULL)
		return;
#if VDEV_NETVSC_VDEV_CLEANUP_SAFE
	ret = rte_dev_remove(dev);
#else
	if (after_owner) {
		DRV_LOG(DEBUG, "%s: follows %s in the vdev list: closed only",
			ctx->port_name, rte_dev_name(owner));
		ret = vsc_port_close(ctx->port_name);
	} else {
		ret = rte_dev_remove(dev);
	}
#endif
	if (ret < 0)
		DRV_LOG(ERR, "%s: cannot remove port %s: %s", ctx->if_name,
			ctx->port_name, strerror(-ret));
}

/**
 * Remove the fail-safe port of a context, then close its pipe (fail-safe
 * reads it up to its removal) and free it.
 *
 * @param[in] ctx
 *   The context.
 * @param[in] owner
 *   Our own vdev, whose list successor needs care during EAL cleanup.
 */
void
vdev_netvsc_ctx_destroy(struct vdev_netvsc_ctx *ctx,
			const struct rte_device *owner)
{
	vsc_port_remove(ctx, owner);
	close(ctx->pipe[0]);
	close(ctx->pipe[1]);
	DRV_LOG(DEBUG, "%s: port %s removed", ctx->if_name, ctx->port_name);
	free(ctx);
}
