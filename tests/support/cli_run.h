/*
 * Running the real sc-apply against a test's sc-sandboxd and reading what
 * a user would see: exit code, stdout, stderr.
 */
#ifndef SC_TEST_CLI_RUN_H
#define SC_TEST_CLI_RUN_H

#include "support/sandboxd.h"

typedef struct test_run {
	int exit_code;
	char *out;    /* stdout, malloc'd */
	char *err;    /* stderr, malloc'd */
} test_run;

/*
 * Runs SC_APPLY_BIN with args (NULL-terminated, without argv[0]) in the
 * environment plus SEACLOUD_API_BASE_URL and SEACLOUD_API_KEY for sd (when
 * sd is not NULL) and extra_env ("NAME=value", NULL-terminated, may be
 * NULL). stdin_path may be NULL. Scratch files go in sd->dir or /tmp.
 */
int test_run_apply(const test_sandboxd *sd, const char *const *args,
                   const char *const *extra_env, const char *stdin_path, test_run *out);
void test_run_release(test_run *run);

/* GET /_admin/stats: the number of write requests (non-GET API calls) so far. */
long test_stats_writes(const test_sandboxd *sd);
/* A top-level number of GET /_admin/stats ("total", "writes"); -1 on error. */
long test_stats_number(const test_sandboxd *sd, const char *field);
/* POST /_admin/stats/reset. */
int test_stats_reset(const test_sandboxd *sd);
/* POST /_admin/clock {"advance": seconds}. */
int test_clock_advance(const test_sandboxd *sd, long seconds);

/* A listed sandbox, as the test sees it. */
typedef struct test_sandbox {
	char id[128];
	char state[32];
	char set[64];
	char name[64];
	char template_id[64];
	char create_token[80];
	long long end_at_ms;
	char heartbeat[16];  /* lastHeartbeat.status; "" when null or absent */
} test_sandbox;

/*
 * Every sandbox the server lists (all pages, no filter) into a malloc'd
 * array; returns the count, or -1 on error.
 */
int test_list_all(const test_sandboxd *sd, test_sandbox **out);
/* How many of the listed sandboxes carry sc-apply/set == set and sc-apply/name == name (name NULL: any). */
int test_count(const test_sandbox *all, int count, const char *set, const char *name,
               const char *state);

#endif
