/*
 * A header-only test harness in the manner of libcyaml's ttest.h.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_STR(a, "b"); }
 *   int main(void) { RUN(name); return test_summary(); }
 *
 * A failed check prints file:line and what was expected, marks the
 * current test failed, and the test goes on (so one run shows every
 * failure). test_summary() prints "N passed, N failed" and returns the
 * exit code (0 only when nothing failed and something ran).
 */
#ifndef SC_TEST_HARNESS_H
#define SC_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int test_passed_count, test_failed_count, test_current_failed;
static const char *test_current_name;

#define TEST(name) static void name(void)

#define RUN(name)                                                              \
	do {                                                                   \
		test_current_name = #name;                                     \
		test_current_failed = 0;                                       \
		name();                                                        \
		if (test_current_failed) {                                     \
			test_failed_count++;                                   \
			printf("FAIL %s\n", #name);                            \
		} else {                                                       \
			test_passed_count++;                                   \
			printf("ok   %s\n", #name);                            \
		}                                                              \
		fflush(stdout);                                                \
	} while (0)

#define TEST_FAILURE(...)                                                      \
	do {                                                                   \
		printf("  %s:%d: %s: ", __FILE__, __LINE__, test_current_name); \
		printf(__VA_ARGS__);                                           \
		printf("\n");                                                  \
		test_current_failed = 1;                                       \
	} while (0)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			TEST_FAILURE("check failed: %s", #cond);               \
	} while (0)

#define CHECK_INT(actual, expected)                                            \
	do {                                                                   \
		long long check_a = (long long)(actual);                       \
		long long check_e = (long long)(expected);                     \
		if (check_a != check_e)                                        \
			TEST_FAILURE("%s is %lld, expected %lld", #actual,      \
			             check_a, check_e);                        \
	} while (0)

#define CHECK_STR(actual, expected)                                            \
	do {                                                                   \
		const char *check_a = (actual);                                \
		const char *check_e = (expected);                              \
		if (!check_a || !check_e || strcmp(check_a, check_e))          \
			TEST_FAILURE("%s is \"%s\", expected \"%s\"", #actual,  \
			             check_a ? check_a : "(null)",             \
			             check_e ? check_e : "(null)");            \
	} while (0)

#define CHECK_CONTAINS(haystack, needle)                                       \
	do {                                                                   \
		const char *check_h = (haystack);                              \
		const char *check_n = (needle);                                \
		if (!check_h || !strstr(check_h, check_n))                     \
			TEST_FAILURE("%s does not contain \"%s\": \"%s\"",      \
			             #haystack, check_n,                       \
			             check_h ? check_h : "(null)");            \
	} while (0)

#define CHECK_NOT_CONTAINS(haystack, needle)                                   \
	do {                                                                   \
		const char *check_h = (haystack);                              \
		const char *check_n = (needle);                                \
		if (check_h && strstr(check_h, check_n))                       \
			TEST_FAILURE("%s contains \"%s\" and must not",          \
			             #haystack, check_n);                      \
	} while (0)

static inline int test_summary(void)
{
	printf("%d passed, %d failed\n", test_passed_count, test_failed_count);
	return test_failed_count || !test_passed_count ? 1 : 0;
}

#endif
