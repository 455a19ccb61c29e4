/*
 * Saved plans, end to end: `plan --out FILE` then `apply --plan FILE`
 * carries out exactly the saved actions; a plan whose inputs changed since
 * (specs, options, a sandbox of the set, the set's membership) is refused
 * whole, exit 1, with zero writes. The file holds no secret value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "support/cli_run.h"

#define SECRET "s3cr3t-\"quoted\"-value"

static char spec_path[4200], plan_path[4200];

static void write_pool_with(const test_sandboxd *sd, int replicas, const char *extra);

static void write_pool(const test_sandboxd *sd, int replicas)
{
	write_pool_with(sd, replicas, "");
}

/* The pool spec with more lines of spec (extra) at its end. */
static void write_pool_with(const test_sandboxd *sd, int replicas, const char *extra)
{
	char text[1024];
	snprintf(spec_path, sizeof(spec_path), "%s/pool.yaml", sd->dir);
	snprintf(plan_path, sizeof(plan_path), "%s/pool.plan", sd->dir);
	snprintf(text, sizeof(text),
	         "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	         "metadata: {name: py, set: team-ml}\n"
	         "spec:\n  replicas: %d\n  timeout: 600\n"
	         "  envVars: {TOKEN: '${TOKEN}'}\n%s",
	         replicas, extra);
	if (test_write_file(spec_path, text))
		TEST_FAILURE("cannot write %s", spec_path);
}

static const char *const secret_env[] = {"TOKEN=" SECRET, NULL};

static int sc_apply(const test_sandboxd *sd, const char *const *args, test_run *out)
{
	return test_run_apply(sd, args, secret_env, NULL, out);
}

/* plan --out: exit 2 with changes; the file is written. */
static void save_plan(const test_sandboxd *sd, const char *extra)
{
	test_run run;
	const char *args[] = {"plan", "-f", spec_path, "--out", plan_path, extra, NULL};
	CHECK_INT(sc_apply(sd, args, &run), 0);
	CHECK_INT(run.exit_code, 2);
	test_run_release(&run);
}

/* apply --plan is refused: exit 1, the reason on stderr, nothing written. */
static void check_refused(const test_sandboxd *sd, const char *reason, const char *extra)
{
	test_run run;
	test_stats_reset(sd);
	const char *args[] = {"apply", "-f", spec_path, "--plan", plan_path, extra, NULL};
	CHECK_INT(sc_apply(sd, args, &run), 0);
	CHECK_INT(run.exit_code, 1);
	if (!strstr(run.err, reason))
		TEST_FAILURE("expected \"%s\" in: %s", reason, run.err);
	CHECK_INT(test_stats_writes(sd), 0);
	test_run_release(&run);
}

static int live(const test_sandboxd *sd)
{
	test_sandbox *all;
	int count = test_list_all(sd, &all);
	int n = count < 0 ? -1 : test_count(all, count, "team-ml", "py", NULL);
	if (count >= 0)
		free(all);
	return n;
}

TEST(a_saved_plan_is_carried_out_exactly_and_holds_no_secret)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	write_pool(&sd, 3);
	save_plan(&sd, NULL);
	char *saved = test_read_file(plan_path);
	CHECK(saved != NULL);
	CHECK(saved && strstr(saved, "\"formatVersion\":\"1\""));
	CHECK(saved && !strstr(saved, "s3cr3t") && !strstr(saved, TEST_API_KEY));
	free(saved);
	CHECK_INT(live(&sd), 0); /* plan wrote nothing */

	test_run run;
	test_stats_reset(&sd);
	CHECK_INT(sc_apply(&sd, (const char *[]){"apply", "-f", spec_path, "--plan", plan_path,
	                                          NULL},
	                   &run),
	          0);
	CHECK_INT(run.exit_code, 0);
	CHECK_INT(live(&sd), 3);
	CHECK_INT(test_stats_writes(&sd), 3);
	test_run_release(&run);
	/* The same plan again: the set changed since (it was planned on an empty set). */
	check_refused(&sd, "appeared in set 'team-ml' since the plan", NULL);
	CHECK_INT(live(&sd), 3);
	test_sandboxd_release(&sd);
}

TEST(changed_specs_refuse_the_plan)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	write_pool(&sd, 2);
	save_plan(&sd, NULL);
	write_pool(&sd, 4);
	check_refused(&sd, "the specs changed since the plan", NULL);
	CHECK_INT(live(&sd), 0);
	test_sandboxd_release(&sd);
}

/* How a change rolls out is part of the specs a plan was decided on. */
TEST(a_changed_rollout_or_readiness_refuses_the_plan)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	write_pool_with(&sd, 2, "  rollout: {maxSurge: 1}\n");
	save_plan(&sd, NULL);
	write_pool_with(&sd, 2, "  rollout: {maxSurge: 2}\n");
	check_refused(&sd, "the specs changed since the plan", NULL);
	write_pool_with(&sd, 2, "  readiness: heartbeat\n  rollout: {maxSurge: 1}\n");
	check_refused(&sd, "the specs changed since the plan", NULL);
	CHECK_INT(live(&sd), 0);
	test_sandboxd_release(&sd);
}

/* A saved plan of a rollout runs its own wave only, never one planned since. */
TEST(a_saved_rollout_wave_is_run_alone)
{
	test_sandboxd sd;
	test_run run;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	write_pool_with(&sd, 2, "  rollout: {maxSurge: 1, maxUnavailable: 0}\n");
	CHECK_INT(test_run_apply(&sd, (const char *[]){"apply", "-f", spec_path, NULL},
	                         (const char *const[]){"TOKEN=first", NULL}, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 0);
	test_run_release(&run);
	save_plan(&sd, NULL); /* the secret changed: wave 1 of the rollout, one create */
	test_stats_reset(&sd);
	CHECK_INT(sc_apply(&sd, (const char *[]){"apply", "-f", spec_path, "--plan", plan_path,
	                                          NULL},
	                   &run),
	          0);
	CHECK_INT(run.exit_code, 0);
	CHECK(strstr(run.err, "the saved plan's wave (1 of") != NULL);
	CHECK_INT(test_stats_writes(&sd), 1);
	CHECK_INT(live(&sd), 3);
	test_run_release(&run);
	test_sandboxd_release(&sd);
}

TEST(a_changed_secret_refuses_the_plan)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	write_pool(&sd, 1);
	save_plan(&sd, NULL);
	test_run run;
	test_stats_reset(&sd);
	CHECK_INT(test_run_apply(&sd,
	                         (const char *[]){"apply", "-f", spec_path, "--plan", plan_path,
	                                          NULL},
	                         (const char *const[]){"TOKEN=another", NULL}, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 1);
	CHECK(strstr(run.err, "the specs changed since the plan") != NULL);
	CHECK_INT(test_stats_writes(&sd), 0);
	test_run_release(&run);
	test_sandboxd_release(&sd);
}

TEST(a_sandbox_changed_out_of_band_refuses_the_plan)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	write_pool(&sd, 2);
	test_run run;
	CHECK_INT(sc_apply(&sd, (const char *[]){"apply", "-f", spec_path, NULL}, &run), 0);
	CHECK_INT(run.exit_code, 0);
	test_run_release(&run);
	write_pool(&sd, 1);
	save_plan(&sd, NULL); /* one delete */

	test_sandbox *all;
	int count = test_list_all(&sd, &all);
	CHECK(count == 2);
	if (count == 2) {
		char url[512];
		test_response response;
		snprintf(url, sizeof(url), "%s/sandboxes/%s/pause", sd.base_url, all[0].id);
		CHECK_INT(test_http(&sd, "POST", url, TEST_API_KEY, NULL, &response), 0);
		test_response_release(&response);
		free(all);
	}
	check_refused(&sd, "changed since the plan", NULL);
	CHECK_INT(live(&sd), 2);
	test_sandboxd_release(&sd);
}

TEST(other_safety_flags_refuse_the_plan)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	write_pool(&sd, 1);
	save_plan(&sd, "--prune");
	check_refused(&sd, "other safety options (--prune differs)", NULL);
	save_plan(&sd, NULL);
	check_refused(&sd, "other safety options (--force differs)", "--force");
	test_sandboxd_release(&sd);
}

TEST(a_file_that_is_not_a_plan_is_refused)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	write_pool(&sd, 1);
	CHECK_INT(test_write_file(plan_path, "{\"formatVersion\":\"1\"}"), 0);
	check_refused(&sd, "is not a plan saved by sc-apply", NULL);
	CHECK_INT(test_write_file(plan_path, "not json"), 0);
	check_refused(&sd, "is not valid JSON", NULL);
	test_sandboxd_release(&sd);
}

/* The saved plan with the number after "serverTime": replaced by value. */
static void write_plan_time(const char *value)
{
	char *saved = test_read_file(plan_path);
	char *at = saved ? strstr(saved, "\"serverTime\":") : NULL;
	CHECK(at != NULL);
	if (!at) {
		free(saved);
		return;
	}
	at += strlen("\"serverTime\":");
	size_t digits = strspn(at, "0123456789");
	char *text = malloc(strlen(saved) + strlen(value) + 1);
	snprintf(text, strlen(saved) + strlen(value) + 1, "%.*s%s%s", (int)(at - saved), saved,
	         value, at + digits);
	CHECK_INT(test_write_file(plan_path, text), 0);
	free(text);
	free(saved);
}

/* serverTime is what the plan is rebuilt at: one from the future, or no int64, is refused. */
TEST(a_plan_dated_in_the_future_or_out_of_range_is_refused)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	write_pool(&sd, 2);
	save_plan(&sd, NULL);
	write_plan_time("4102444800000"); /* 2100-01-01 */
	check_refused(&sd, "is dated after the server's time now", NULL);
	save_plan(&sd, NULL);
	write_plan_time("1e300");
	check_refused(&sd, "is malformed: serverTime", NULL);
	save_plan(&sd, NULL);
	write_plan_time("1.5");
	check_refused(&sd, "is malformed: serverTime", NULL);
	CHECK_INT(live(&sd), 0);
	test_sandboxd_release(&sd);
}

int main(void)
{
	RUN(a_saved_plan_is_carried_out_exactly_and_holds_no_secret);
	RUN(changed_specs_refuse_the_plan);
	RUN(a_changed_rollout_or_readiness_refuses_the_plan);
	RUN(a_saved_rollout_wave_is_run_alone);
	RUN(a_changed_secret_refuses_the_plan);
	RUN(a_sandbox_changed_out_of_band_refuses_the_plan);
	RUN(other_safety_flags_refuse_the_plan);
	RUN(a_file_that_is_not_a_plan_is_refused);
	RUN(a_plan_dated_in_the_future_or_out_of_range_is_refused);
	return test_summary();
}
