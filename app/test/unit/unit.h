/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright 2026 The vdev_netvsc authors
 */

/*
 * The few helpers the unit tests share: checks that count and print
 * themselves in the Test Anything Protocol (meson test's protocol: 'tap'),
 * a failure with its location as "# " lines, and the plan at the end.
 * The exit status is 0 once the plan is printed (the verdict is in the
 * ok / not ok lines); any other status means the run broke off.
 * With UNIT_TAP_COUNT set (a script running several programs in one
 * test), the count is appended to that file instead of a plan.
 */

#ifndef UNIT_H
#define UNIT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned int unit_checks;
static unsigned int unit_failed;
static const char *unit_case = "";
/** Print each case as it begins: where a test that hangs stopped. */
static int unit_trace;

/** Name the case the following checks belong to (in each check's line). */
static inline void
unit_begin(const char *name)
{
	unit_case = name;
	if (unit_trace) {
		printf("# case: %s\n", name);
		fflush(stdout);
	}
}

/** The whole test cannot run here: TAP's skip plan, and exit 0. */
static inline int __attribute__((format(printf, 1, 2)))
unit_skip(const char *fmt, ...)
{
	va_list ap;

	fputs("1..0 # SKIP ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	return 0;
}

/* a '#' would start a TAP directive: print the text without it */
static inline void
unit_tap_text(const char *s)
{
	for (; *s != '\0'; s++)
		fputc(*s == '#' ? '_' : *s == '\n' ? ' ' : *s, stdout);
}

/*
 * One TAP line per check: its case and its condition. Numbered, unless
 * a script runs several programs in one test (UNIT_TAP_COUNT): meson
 * then numbers the lines in their order.
 */
static inline void
unit_result(int ok, const char *what)
{
	const char *nested = getenv("UNIT_TAP_COUNT");

	unit_checks++;
	if (nested != NULL && nested[0] != '\0')
		printf("%sok - [", ok ? "" : "not ");
	else
		printf("%sok %u - [", ok ? "" : "not ", unit_checks);
	unit_tap_text(unit_case);
	fputs("] ", stdout);
	unit_tap_text(what);
	fputc('\n', stdout);
	if (ok && unit_trace)
		fflush(stdout);
}

static inline void __attribute__((format(printf, 4, 5)))
unit_fail(const char *file, int line, const char *what, const char *fmt, ...)
{
	va_list ap;

	unit_failed++;
	unit_result(0, what);
	printf("# %s:%d", file, line);
	/* CHECK() prefixes its optional format with one space */
	if (fmt[0] == ' ')
		fmt++;
	if (fmt[0] != '\0') {
		fputs(": ", stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	fputc('\n', stdout);
	fflush(stdout);
}

/** Check a condition; the optional format explains a failure. */
#define CHECK(cond, ...) do { \
	if (cond) \
		unit_result(1, #cond); \
	else \
		unit_fail(__FILE__, __LINE__, #cond, " " __VA_ARGS__); \
} while (0)

/** Check two integers are equal, printing both when not. */
#define CHECK_INT(actual, expected) do { \
	long long a_ = (long long)(actual), e_ = (long long)(expected); \
	if (a_ == e_) \
		unit_result(1, #actual " == " #expected); \
	else \
		unit_fail(__FILE__, __LINE__, #actual " == " #expected, \
			  "got %lld, expected %lld", a_, e_); \
} while (0)

/** Check two strings are equal, printing both when not. */
#define CHECK_STR(actual, expected) do { \
	const char *a_ = (actual), *e_ = (expected); \
	if (a_ != NULL && strcmp(a_, e_) == 0) \
		unit_result(1, #actual " == " #expected); \
	else \
		unit_fail(__FILE__, __LINE__, #actual " == " #expected, \
			  "got \"%s\", expected \"%s\"", \
			  a_ != NULL ? a_ : "(null)", e_); \
} while (0)

/**
 * The plan (or, with UNIT_TAP_COUNT, the count appended to that file)
 * and a summary line; the exit status of the test: 0, the run is whole.
 */
static inline int
unit_summary(const char *name)
{
	const char *count = getenv("UNIT_TAP_COUNT");
	FILE *f;

	printf("# %s: %u checks, %u failed\n", name, unit_checks, unit_failed);
	if (count == NULL || count[0] == '\0') {
		printf("1..%u\n", unit_checks);
	} else {
		f = fopen(count, "a");
		if (f == NULL || fprintf(f, "%u\n", unit_checks) < 0 ||
		    fclose(f) != 0) {
			perror(count);
			return 1;
		}
	}
	fflush(stdout);
	return 0;
}

#endif /* UNIT_H */
