/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * The few helpers the unit tests share: checks that count and report
 * failures with their location, and a summary that sets the exit status
 * (0 passed, 1 failed, 77 skipped, as meson expects).
 */

#ifndef UNIT_H
#define UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_SKIP 77

static unsigned int unit_checks;
static unsigned int unit_failed;
static const char *unit_case = "";
/** Print each case as it begins: where a test that hangs stopped. */
static int unit_trace;

/** Name the case the following checks belong to (printed on failure). */
static inline void
unit_begin(const char *name)
{
	unit_case = name;
	if (unit_trace) {
		printf("# case: %s\n", name);
		fflush(stdout);
	}
}

static inline void __attribute__((format(printf, 4, 5)))
unit_fail(const char *file, int line, const char *what, const char *fmt, ...)
{
	va_list ap;

	unit_failed++;
	fprintf(stderr, "FAIL %s:%d [%s] %s", file, line, unit_case, what);
	/* CHECK() prefixes its optional format with one space */
	if (fmt[0] == ' ')
		fmt++;
	if (fmt[0] != '\0') {
		fputs(": ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fputc('\n', stderr);
}

/** Check a condition; the optional format explains a failure. */
#define CHECK(cond, ...) do { \
	unit_checks++; \
	if (!(cond)) \
		unit_fail(__FILE__, __LINE__, #cond, " " __VA_ARGS__); \
} while (0)

/** Check two integers are equal, printing both when not. */
#define CHECK_INT(actual, expected) do { \
	long long a_ = (long long)(actual), e_ = (long long)(expected); \
	unit_checks++; \
	if (a_ != e_) \
		unit_fail(__FILE__, __LINE__, #actual " == " #expected, \
			  "got %lld, expected %lld", a_, e_); \
} while (0)

/** Check two strings are equal, printing both when not. */
#define CHECK_STR(actual, expected) do { \
	const char *a_ = (actual), *e_ = (expected); \
	unit_checks++; \
	if (a_ == NULL || strcmp(a_, e_) != 0) \
		unit_fail(__FILE__, __LINE__, #actual " == " #expected, \
			  "got \"%s\", expected \"%s\"", \
			  a_ != NULL ? a_ : "(null)", e_); \
} while (0)

/** Print the summary; the exit status of the test. */
static inline int
unit_summary(const char *name)
{
	printf("%s: %u checks, %u failed\n", name, unit_checks, unit_failed);
	return unit_failed == 0 ? 0 : 1;
}

#endif /* UNIT_H */
