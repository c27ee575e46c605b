/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * The files a test program has mapped: which driver file its EAL loaded,
 * ours or the distro's, tells whether the plugin sandbox (sandbox.sh)
 * works.
 */

#ifndef VSC_TEST_MAPS_H
#define VSC_TEST_MAPS_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/**
 * The next mapping of /proc/self/maps whose file name (not directory:
 * those may say vdev_netvsc too) holds @p what.
 *
 * @param maps
 *   /proc/self/maps, open for reading.
 * @param what
 *   What the file name must hold.
 * @param[out] path
 *   The file's path, of @p size bytes (a line of maps fits in PATH_MAX + 256).
 * @return
 *   false at the end of @p maps.
 */
static inline bool
test_maps_next(FILE *maps, const char *what, char *path, size_t size)
{
	while (fgets(path, size, maps) != NULL) {
		char *p = strchr(path, '/');

		if (p == NULL)
			continue;
		p[strcspn(p, "\n")] = '\0';
		if (strstr(strrchr(p, '/') + 1, what) == NULL)
			continue;
		memmove(path, p, strlen(p) + 1);
		return true;
	}
	return false;
}

#endif /* VSC_TEST_MAPS_H */
