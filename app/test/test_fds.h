/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/* The test programs' view of their own open fds. */

#ifndef VSC_TEST_FDS_H
#define VSC_TEST_FDS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Entries of a directory, but for dot entries; -1 when unreadable. */
static inline int
test_dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* How many fds are open, but the counting's own; -1 when unknown. */
static inline int
test_fds_count(void)
{
	int n = test_dir_entries("/proc/self/fd");

	return n < 0 ? -1 : n - 1; /* the directory being read */
}

/*
 * The same, but for epoll fds: EAL's interrupt thread closes and makes
 * its own again whenever its list of sources changes, so counting it
 * would race with it (the driver opens pipes and sockets, never epoll).
 */
static inline int
test_fds_count_no_epoll(void)
{
	char path[300], target[64];
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	ssize_t len;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue; /* closed since listed: the epoll fd */
		target[len] = '\0';
		if (strcmp(target, "anon_inode:[eventpoll]") == 0)
			continue;
		n++;
	}
	closedir(d);
	return n;
}

/*
 * The fd count once it is @p want (>= 0) or, with @p want < 0, once it
 * holds still for 20 ms; polled up to @p timeout_ms. Some closes lag:
 * EAL closes an fd after an interrupt callback, or when a callback
 * unregisters itself, on its interrupt thread's own time.
 */
static inline int
test_fds_settled(int want, unsigned int timeout_ms)
{
	const struct timespec step = { 0, 20 * 1000000L };
	int prev = test_fds_count(), cur;
	unsigned int ms;

	for (ms = 0; ms < timeout_ms && prev != want; ms += 20) {
		nanosleep(&step, NULL);
		cur = test_fds_count();
		if (want < 0 && cur == prev)
			break;
		prev = cur;
	}
	return prev;
}

/* One line "<prefix>fd <n> <target>" per open fd but the listing's own. */
static inline void
test_fds_list(const char *prefix)
{
	char path[300], target[256];
	struct dirent *e;
	ssize_t len;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		len = readlink(path, target, sizeof(target) - 1);
		target[len < 0 ? 0 : len] = '\0';
		printf("%sfd %s %s\n", prefix, e->d_name, target);
	}
	closedir(d);
}

#endif /* VSC_TEST_FDS_H */
