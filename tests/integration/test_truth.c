/*
 * The plan is the truth: a changed timeout converges in place, protect
 * holds once the spec is gone, and a plan says field by field what it
 * changes. The real sc-apply against a real sc-sandboxd on loopback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"
#include "harness.h"
#include "support/cli_run.h"

#define SECRET_VALUE "s3cr3t-value-TRUTH"
static const char *const secret_env[] = {"API_TOKEN=" SECRET_VALUE, NULL};

/* A spec file in the server's scratch directory; returns its path (static buffer per slot). */
static const char *write_spec(const test_sandboxd *sd, const char *file, const char *text)
{
	static char paths[8][4200];
	static int slot;
	char *path = paths[slot++ % 8];
	snprintf(path, 4200, "%s/%s", sd->dir, file);
	if (test_write_file(path, text))
		TEST_FAILURE("cannot write %s", path);
	return path;
}

/* One spec "app" in set "truth"; extra is more lines of its spec: (indented by two). */
static const char *app_spec(const char *extra)
{
	static char text[2048];
	snprintf(text, sizeof(text),
	         "apiVersion: sc-apply/v1\n"
	         "kind: Sandbox\n"
	         "metadata:\n"
	         "  name: app\n"
	         "  set: truth\n"
	         "spec:\n"
	         "  envVars:\n"
	         "    API_TOKEN: ${API_TOKEN}\n"
	         "%s",
	         extra);
	return text;
}

static void check_no_secrets(const test_run *run)
{
	CHECK_NOT_CONTAINS(run->out, SECRET_VALUE);
	CHECK_NOT_CONTAINS(run->err, SECRET_VALUE);
	CHECK_NOT_CONTAINS(run->out, TEST_API_KEY);
	CHECK_NOT_CONTAINS(run->err, TEST_API_KEY);
}

/* Runs sc-apply with args; fails the test when it could not run at all. */
static test_run run_apply(const test_sandboxd *sd, const char *const *args)
{
	test_run run;
	if (test_run_apply(sd, args, secret_env, NULL, &run))
		TEST_FAILURE("sc-apply did not run");
	check_no_secrets(&run);
	return run;
}

static void expect_apply(const test_sandboxd *sd, const char *const *args, int code)
{
	test_run run = run_apply(sd, args);
	CHECK_INT(run.exit_code, code);
	if (run.exit_code != code)
		printf("    stdout: %s\n    stderr: %s\n", run.out, run.err);
	test_run_release(&run);
}

static void finish(test_sandboxd *sd)
{
	CHECK_INT(test_sandboxd_stop(sd), 0);
	test_sandboxd_release(sd);
}

/* The server's clock (its Date header, whole seconds) in Unix ms; 0 on error. */
static int64_t server_now(const test_sandboxd *sd)
{
	test_response response;
	int64_t ms = 0;

	if (test_http(sd, "GET", "/sandboxes", TEST_API_KEY, NULL, &response))
		return 0;
	char *date = test_response_header(&response, "Date");
	if (!date || sc_time_parse_http(date, &ms))
		ms = 0;
	free(date);
	test_response_release(&response);
	return ms;
}

/*
 * The TTL left of every running sandbox of truth/app, in seconds, into
 * low and high; returns how many there are (-1 on error).
 */
static int ttl_range(const test_sandboxd *sd, long long *low, long long *high)
{
	test_sandbox *all;
	int64_t now = server_now(sd);
	int total = test_list_all(sd, &all), found = 0;

	if (total < 0 || !now) {
		free(all);
		return -1;
	}
	*low = 1LL << 40;
	*high = -(1LL << 40);
	for (int i = 0; i < total; i++) {
		if (strcmp(all[i].set, "truth") || strcmp(all[i].state, "running"))
			continue;
		long long left = (all[i].end_at_ms - now) / 1000;
		*low = left < *low ? left : *low;
		*high = left > *high ? left : *high;
		found++;
	}
	free(all);
	return found;
}

static int count_live(const test_sandboxd *sd, const char *name)
{
	test_sandbox *all;
	int total = test_list_all(sd, &all);
	int matches = total < 0 ? -1 : test_count(all, total, "truth", name, NULL);
	free(all);
	return matches;
}

/* An apply right after a converging one writes nothing and says so. */
static void expect_idempotent(test_sandboxd *sd, const char *spec)
{
	CHECK_INT(test_stats_reset(sd), 0);
	test_run run = run_apply(sd, (const char *[]){"apply", "-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "No changes");
	CHECK_INT(test_stats_writes(sd), 0);
	test_run_release(&run);
}

/* ---- TTL converges ---- */

TEST(lowered_timeout_shortens_the_ttl_in_place)
{
	test_sandboxd sd;
	long long low, high;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "app.yaml",
	                              app_spec("  replicas: 2\n  timeout: 7200\n  renewBefore: 60\n"));
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);
	CHECK_INT(ttl_range(&sd, &low, &high), 2);
	CHECK(low > 3600);

	spec = write_spec(&sd, "app.yaml",
	                  app_spec("  replicas: 2\n  timeout: 600\n  renewBefore: 60\n"));
	test_run plan = run_apply(&sd, (const char *[]){"plan", "-f", spec, NULL});
	CHECK_INT(plan.exit_code, 2);
	CHECK_CONTAINS(plan.out, "renew");
	CHECK_CONTAINS(plan.out, "timeout 7200 \xE2\x86\x92 600");
	CHECK_CONTAINS(plan.out, "timeout: 7200 s (at create) \xE2\x86\x92 600 s");
	CHECK_NOT_CONTAINS(plan.out, "replace");
	test_run_release(&plan);

	test_run json = run_apply(&sd, (const char *[]){"plan", "-o", "json", "-f", spec, NULL});
	CHECK_CONTAINS(json.out, "\"reasonCode\":\"timeout\"");
	CHECK_CONTAINS(json.out, "\"path\":\"spec.timeout\"");
	test_run_release(&json);

	CHECK_INT(test_stats_reset(&sd), 0);
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);
	CHECK_INT(test_stats_writes(&sd), 2);
	CHECK_INT(ttl_range(&sd, &low, &high), 2);
	CHECK(high <= 600 + 2);
	CHECK(low >= 60);
	expect_idempotent(&sd, spec);
	finish(&sd);
}

TEST(raised_timeout_is_set_once_and_then_left_to_renewals)
{
	test_sandboxd sd;
	long long low, high;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec =
	    write_spec(&sd, "app.yaml", app_spec("  timeout: 3600\n  renewBefore: 60\n"));
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);

	spec = write_spec(&sd, "app.yaml", app_spec("  timeout: 7200\n  renewBefore: 60\n"));
	test_run plan = run_apply(&sd, (const char *[]){"plan", "-f", spec, NULL});
	CHECK_INT(plan.exit_code, 2);
	CHECK_CONTAINS(plan.out, "timeout 3600 \xE2\x86\x92 7200");
	test_run_release(&plan);
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);
	CHECK_INT(ttl_range(&sd, &low, &high), 1);
	CHECK(low > 3600 + 60);
	CHECK(high <= 7200 + 2);
	expect_idempotent(&sd, spec);

	/* An hour on the TTL is below the old timeout again, and still in range. */
	CHECK_INT(test_clock_advance(&sd, 3700), 0);
	expect_idempotent(&sd, spec);

	/* Below renewBefore (30 s left): one renew to the new timeout. */
	CHECK_INT(ttl_range(&sd, &low, &high), 1);
	CHECK_INT(test_clock_advance(&sd, (long)low - 30), 0);
	CHECK_INT(test_stats_reset(&sd), 0);
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);
	CHECK_INT(test_stats_writes(&sd), 1);
	CHECK_INT(ttl_range(&sd, &low, &high), 1);
	CHECK(low >= 7200 - 60 && high <= 7200 + 2);
	expect_idempotent(&sd, spec);
	finish(&sd);
}

/* ---- protect holds without a spec ---- */

static const char *two_specs(bool with_db)
{
	static char text[2048];
	snprintf(text, sizeof(text),
	         "%s"
	         "apiVersion: sc-apply/v1\n"
	         "kind: Sandbox\n"
	         "metadata: {name: web, set: truth}\n"
	         "spec: {template: node}\n",
	         with_db ? "apiVersion: sc-apply/v1\n"
	                   "kind: Sandbox\n"
	                   "metadata: {name: db, set: truth}\n"
	                   "spec: {protect: true}\n"
	                   "---\n"
	                 : "");
	return text;
}

TEST(protect_holds_a_pruned_sandbox_until_force)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *both = write_spec(&sd, "both.yaml", two_specs(true));
	const char *web = write_spec(&sd, "web.yaml", two_specs(false));
	expect_apply(&sd, (const char *[]){"-f", both, NULL}, 0);
	CHECK_INT(count_live(&sd, "db"), 1);

	CHECK_INT(test_stats_reset(&sd), 0);
	test_run run = run_apply(&sd, (const char *[]){"apply", "--prune", "-f", web, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "protected (sc-apply/protect)");
	CHECK_CONTAINS(run.err, "protected");
	CHECK_INT(test_stats_writes(&sd), 0);
	CHECK_INT(count_live(&sd, "db"), 1);
	test_run_release(&run);

	run = run_apply(&sd, (const char *[]){"plan", "--prune", "-o", "json", "-f", web, NULL});
	CHECK_CONTAINS(run.out, "\"held\":[{\"action\":\"delete\",\"set\":\"truth\",\"name\":\"db\"");
	CHECK_CONTAINS(run.out, "\"reason\":\"protected (sc-apply/protect)\"");
	test_run_release(&run);

	expect_apply(&sd, (const char *[]){"apply", "--prune", "--force", "-f", web, NULL}, 0);
	CHECK_INT(count_live(&sd, "db"), 0);
	CHECK_INT(count_live(&sd, "web"), 1);
	finish(&sd);
}

TEST(protect_holds_on_delete_of_a_set_until_force)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *both = write_spec(&sd, "both.yaml", two_specs(true));
	expect_apply(&sd, (const char *[]){"-f", both, NULL}, 0);

	test_run run = run_apply(&sd, (const char *[]){"delete", "--set", "truth", NULL});
	CHECK_INT(run.exit_code, 1); /* not all deleted: the user must see it */
	CHECK_CONTAINS(run.err, "1 protected sandbox was not deleted: pass --force");
	CHECK_INT(count_live(&sd, "db"), 1);
	CHECK_INT(count_live(&sd, "web"), 0);
	test_run_release(&run);

	/* The spec's protect holds for delete -f too. */
	run = run_apply(&sd, (const char *[]){"delete", "-f", both, NULL});
	CHECK_INT(run.exit_code, 1);
	CHECK_INT(count_live(&sd, "db"), 1);
	test_run_release(&run);

	expect_apply(&sd, (const char *[]){"delete", "--set", "truth", "--force", NULL}, 0);
	CHECK_INT(count_live(&sd, "db"), 0);
	finish(&sd);
}

/* Held drift is never read as none: the summary says what protect held back. */
TEST(a_plan_with_only_held_drift_says_so)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec =
	    write_spec(&sd, "app.yaml", app_spec("  protect: true\n  replicas: 2\n"));
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);
	spec = write_spec(&sd, "app.yaml", app_spec("  protect: true\n  replicas: 1\n"));
	test_run run = run_apply(&sd, (const char *[]){"plan", "-f", spec, NULL});
	CHECK_INT(run.exit_code, 0); /* apply would write nothing */
	CHECK_CONTAINS(run.out, "1 of them held back by protect and not matching the specs");
	CHECK_NOT_CONTAINS(run.out, "match the specs.");
	test_run_release(&run);
	finish(&sd);
}

/* A replace deletes the old sandbox: protect holds it, in place and named, until --force. */
TEST(protect_holds_a_replace_until_force)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "app.yaml", app_spec("  protect: true\n"));
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);

	spec = write_spec(&sd, "app.yaml", app_spec("  protect: true\n  template: node\n"));
	CHECK_INT(test_stats_reset(&sd), 0);
	test_run run = run_apply(&sd, (const char *[]){"apply", "-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "not replace");
	CHECK_CONTAINS(run.out, "protected (spec.protect)");
	CHECK_INT(test_stats_writes(&sd), 0);
	test_run_release(&run);

	expect_apply(&sd, (const char *[]){"apply", "--force", "-f", spec, NULL}, 0);
	test_sandbox *all;
	int total = test_list_all(&sd, &all);
	CHECK_INT(total, 1);
	if (total == 1)
		CHECK_STR(all[0].template_id, "tpl-node-5c2d47");
	free(all);
	finish(&sd);
}

/* ---- plans say what changes ---- */

TEST(replace_shows_the_template_old_and_new)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "app.yaml", app_spec("  template: base\n"));
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);

	spec = write_spec(&sd, "app.yaml", app_spec("  template: node\n"));
	test_run run = run_apply(&sd, (const char *[]){"plan", "-f", spec, NULL});
	CHECK_INT(run.exit_code, 2);
	CHECK_CONTAINS(run.out, "replace");
	CHECK_CONTAINS(run.out, "\n        template: \"base\" \xE2\x86\x92 \"node\"\n");
	CHECK_NOT_CONTAINS(run.out, "envVars");
	test_run_release(&run);

	run = run_apply(&sd, (const char *[]){"plan", "-o", "json", "-f", spec, NULL});
	CHECK_CONTAINS(run.out, "\"reasonCode\":\"spec-changed\"");
	CHECK_CONTAINS(run.out, "\"path\":\"spec.template\",\"kind\":\"modified\","
	                        "\"old\":\"base\",\"new\":\"node\"");
	CHECK_CONTAINS(run.out, "\"source\":\"");
	CHECK_CONTAINS(run.out, "app.yaml:1\"");
	test_run_release(&run);
	finish(&sd);
}

/* The server lists network and lifecycle: their old values come from it. */
TEST(replace_shows_what_the_server_reports_as_old)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "app.yaml", app_spec("  network: {allowOut: [203.0.113.0/24]}\n"));
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);

	spec = write_spec(&sd, "app.yaml",
	                  app_spec("  network: {denyOut: [10.0.0.0/8]}\n  autoPause: true\n"));
	test_run run = run_apply(&sd, (const char *[]){"plan", "-f", spec, NULL});
	CHECK_INT(run.exit_code, 2);
	CHECK_CONTAINS(run.out, "network: allowPublicTraffic=true, allowInternetAccess=true, "
	                        "allowOut=[203.0.113.0/24], denyOut=[] \xE2\x86\x92 "
	                        "allowPublicTraffic=true, allowInternetAccess=true, allowOut=[], "
	                        "denyOut=[10.0.0.0/8]");
	CHECK_CONTAINS(run.out, "lifecycle: autoPause=false, autoResume=false \xE2\x86\x92 "
	                        "autoPause=true, autoResume=false");
	test_run_release(&run);
	finish(&sd);
}

TEST(a_changed_secret_is_named_but_never_shown)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "app.yaml", app_spec(""));
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);

	test_run run;
	const char *const other_env[] = {"API_TOKEN=an0ther-value-TRUTH", NULL};
	CHECK_INT(test_run_apply(&sd, (const char *[]){"plan", "-f", spec, NULL}, other_env, NULL,
	                         &run),
	          0);
	CHECK_INT(run.exit_code, 2);
	CHECK_CONTAINS(run.out, "envVars.API_TOKEN: (sensitive value changed)");
	CHECK_NOT_CONTAINS(run.out, "an0ther");
	test_run_release(&run);
	CHECK_INT(test_run_apply(&sd, (const char *[]){"plan", "-o", "json", "-f", spec, NULL},
	                         other_env, NULL, &run),
	          0);
	CHECK_CONTAINS(run.out, "\"path\":\"spec.envVars.API_TOKEN\",\"kind\":\"modified\","
	                        "\"old\":\"(sensitive)\",\"new\":\"(sensitive)\"");
	CHECK_NOT_CONTAINS(run.out, "an0ther");
	test_run_release(&run);
	finish(&sd);
}

TEST(a_plan_says_the_defaults)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "app.yaml", app_spec("  timeout: 900\n"));
	test_run run = run_apply(&sd, (const char *[]){"plan", "-f", spec, NULL});
	CHECK_INT(run.exit_code, 2);
	CHECK_CONTAINS(run.out, "template \"base\" (default)");
	CHECK_CONTAINS(run.out, "timeout 900 s\n");
	CHECK_CONTAINS(run.out, "renewBefore 450 s (default)");
	test_run_release(&run);

	spec = write_spec(&sd, "app.yaml", app_spec("  template: node\n"));
	run = run_apply(&sd, (const char *[]){"plan", "-f", spec, NULL});
	CHECK_CONTAINS(run.out, "template \"node\"\n");
	CHECK_CONTAINS(run.out, "timeout 300 s (default)");
	test_run_release(&run);
	finish(&sd);
}

int main(void)
{
	RUN(lowered_timeout_shortens_the_ttl_in_place);
	RUN(raised_timeout_is_set_once_and_then_left_to_renewals);
	RUN(protect_holds_a_pruned_sandbox_until_force);
	RUN(protect_holds_on_delete_of_a_set_until_force);
	RUN(protect_holds_a_replace_until_force);
	RUN(a_plan_with_only_held_drift_says_so);
	RUN(replace_shows_the_template_old_and_new);
	RUN(replace_shows_what_the_server_reports_as_old);
	RUN(a_changed_secret_is_named_but_never_shown);
	RUN(a_plan_says_the_defaults);
	return test_summary();
}
