/*
 * sc-apply end to end: the real binary against a real sc-sandboxd on
 * loopback. Each test starts its own server, writes spec files, runs
 * sc-apply as a user would, and checks what the user and the server see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "harness.h"
#include "support/cli_run.h"

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

static const char *pool_spec(const char *template_id, int replicas, const char *state)
{
	static char text[2048];
	snprintf(text, sizeof(text),
	         "apiVersion: sc-apply/v1\n"
	         "kind: Sandbox\n"
	         "metadata:\n"
	         "  name: py\n"
	         "  set: team-ml\n"
	         "  labels: {team: ml}\n"
	         "spec:\n"
	         "  template: %s\n"
	         "  replicas: %d\n"
	         "  state: %s\n"
	         "  timeout: 600\n"
	         "  renewBefore: 300\n"
	         "  envVars:\n"
	         "    LOG_LEVEL: info\n"
	         "    SECRET_TOKEN: ${SECRET_TOKEN}\n"
	         "---\n"
	         "apiVersion: sc-apply/v1\n"
	         "kind: Sandbox\n"
	         "metadata:\n"
	         "  name: web\n"
	         "  set: team-ml\n"
	         "spec:\n"
	         "  template: node\n"
	         "  timeout: 600\n"
	         "  renewBefore: 300\n",
	         template_id, replicas, state);
	return text;
}

#define SECRET_VALUE "s3cr3t-value-ABCDEF"
static const char *const secret_env[] = {"SECRET_TOKEN=" SECRET_VALUE, NULL};

/* Runs sc-apply with args; fails the test when it could not run at all. */
static test_run apply(const test_sandboxd *sd, const char *const *args)
{
	test_run run;
	if (test_run_apply(sd, args, secret_env, NULL, &run))
		TEST_FAILURE("sc-apply did not run");
	return run;
}

/* Runs sc-apply with args and checks its exit code; nothing else is looked at. */
static void expect_apply(const test_sandboxd *sd, const char *const *args, int code);

static void check_no_secrets(const test_run *run)
{
	CHECK_NOT_CONTAINS(run->out, SECRET_VALUE);
	CHECK_NOT_CONTAINS(run->err, SECRET_VALUE);
	CHECK_NOT_CONTAINS(run->out, TEST_API_KEY);
	CHECK_NOT_CONTAINS(run->err, TEST_API_KEY);
}

static void expect_apply(const test_sandboxd *sd, const char *const *args, int code)
{
	test_run run = apply(sd, args);
	CHECK_INT(run.exit_code, code);
	check_no_secrets(&run);
	test_run_release(&run);
}

/* Stops the server: a clean exit (0) is part of every test (valgrind's 99 is not). */
static void finish(test_sandboxd *sd)
{
	CHECK_INT(test_sandboxd_stop(sd), 0);
	test_sandboxd_release(sd);
}

static int count_live(const test_sandboxd *sd, const char *set, const char *name,
                      const char *state)
{
	test_sandbox *all;
	int total = test_list_all(sd, &all);
	int matches = total < 0 ? -1 : test_count(all, total, set, name, state);
	free(all);
	return matches;
}

TEST(first_apply_converges_and_second_writes_nothing)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("code-interpreter", 3, "running"));

	test_run first = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(first.exit_code, 0);
	CHECK_CONTAINS(first.out, "create");
	CHECK_CONTAINS(first.out, "team-ml/py");
	CHECK_CONTAINS(first.out, "Apply complete");
	CHECK_INT(count_live(&sd, "team-ml", "py", "running"), 3);
	CHECK_INT(count_live(&sd, "team-ml", "web", "running"), 1);
	check_no_secrets(&first);

	CHECK_INT(test_stats_reset(&sd), 0);
	test_run second = apply(&sd, (const char *[]){"apply", "-f", spec, NULL});
	CHECK_INT(second.exit_code, 0);
	CHECK_CONTAINS(second.out, "No changes: 4 sandboxes match the specs.");
	CHECK_INT(test_stats_writes(&sd), 0);

	test_run plan = apply(&sd, (const char *[]){"plan", "-f", spec, NULL});
	CHECK_INT(plan.exit_code, 0);
	test_run_release(&first);
	test_run_release(&second);
	test_run_release(&plan);
	finish(&sd);
}

TEST(plan_exits_two_and_writes_nothing)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 2, "running"));

	test_run plan = apply(&sd, (const char *[]){"plan", "-f", spec, NULL});
	CHECK_INT(plan.exit_code, 2);
	CHECK_CONTAINS(plan.out, "Plan: 3 to create; 0 unchanged.");
	CHECK_INT(test_stats_writes(&sd), 0);
	CHECK_INT(count_live(&sd, NULL, NULL, NULL), 0);
	test_run_release(&plan);
	finish(&sd);
}

TEST(template_and_env_changes_replace)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 2, "running"));
	test_run first = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(first.exit_code, 0);

	test_sandbox *before;
	int before_count = test_list_all(&sd, &before);
	CHECK_INT(before_count, 3);

	spec = write_spec(&sd, "pool.yaml", pool_spec("code-interpreter", 2, "running"));
	test_run second = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(second.exit_code, 0);
	CHECK_CONTAINS(second.out, "replace");
	test_sandbox *after;
	int after_count = test_list_all(&sd, &after);
	CHECK_INT(after_count, 3);
	CHECK_INT(test_count(after, after_count, "team-ml", "py", NULL), 2);
	/* Every py sandbox is new; web was untouched. */
	for (int i = 0; i < after_count; i++) {
		for (int j = 0; j < before_count; j++) {
			if (!strcmp(after[i].id, before[j].id))
				CHECK_STR(after[i].name, "web");
		}
	}

	/* A changed secret replaces too, and shows as no value anywhere. */
	const char *changed_env[] = {"SECRET_TOKEN=another-secret-XYZ", NULL};
	test_run third;
	CHECK_INT(test_run_apply(&sd, (const char *[]){"-f", spec, "-o", "json", NULL},
	                         changed_env, NULL, &third), 0);
	CHECK_INT(third.exit_code, 0);
	CHECK_CONTAINS(third.out, "\"action\":\"replace\"");
	CHECK_CONTAINS(third.out, "spec changed: envVars (changed)");
	CHECK_NOT_CONTAINS(third.out, "another-secret-XYZ");
	CHECK_NOT_CONTAINS(third.err, "another-secret-XYZ");
	CHECK_INT(count_live(&sd, "team-ml", "py", NULL), 2);

	free(before);
	free(after);
	test_run_release(&first);
	test_run_release(&second);
	test_run_release(&third);
	finish(&sd);
}

TEST(replicas_scale_up_and_down)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 1, "running"));
	test_run run = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_INT(count_live(&sd, "team-ml", "py", NULL), 1);
	test_run_release(&run);

	spec = write_spec(&sd, "pool.yaml", pool_spec("base", 4, "running"));
	run = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_INT(count_live(&sd, "team-ml", "py", NULL), 4);
	test_run_release(&run);

	spec = write_spec(&sd, "pool.yaml", pool_spec("base", 2, "running"));
	run = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "delete");
	CHECK_INT(count_live(&sd, "team-ml", "py", NULL), 2);
	test_run_release(&run);

	spec = write_spec(&sd, "pool.yaml", pool_spec("base", 0, "running"));
	run = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_INT(count_live(&sd, "team-ml", "py", NULL), 0);
	CHECK_INT(count_live(&sd, "team-ml", "web", NULL), 1);
	test_run_release(&run);
	finish(&sd);
}

TEST(pause_and_resume_follow_the_spec)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 2, "paused"));
	test_run run = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_INT(count_live(&sd, "team-ml", "py", "paused"), 2);
	test_run_release(&run);

	spec = write_spec(&sd, "pool.yaml", pool_spec("base", 2, "running"));
	run = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "resume");
	CHECK_INT(count_live(&sd, "team-ml", "py", "running"), 2);
	test_run_release(&run);

	spec = write_spec(&sd, "pool.yaml", pool_spec("base", 2, "paused"));
	run = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "pause");
	CHECK_INT(count_live(&sd, "team-ml", "py", "paused"), 2);
	test_run_release(&run);
	finish(&sd);
}

TEST(ttl_is_renewed_after_the_clock_moves)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 1, "running"));
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);

	/* 600 s TTL, renewBefore 300: after 200 s nothing, after 400 s a renew. */
	CHECK_INT(test_clock_advance(&sd, 200), 0);
	CHECK_INT(test_stats_reset(&sd), 0);
	test_run run = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_INT(test_stats_writes(&sd), 0);
	test_run_release(&run);

	test_sandbox *before;
	int count = test_list_all(&sd, &before);
	CHECK_INT(count, 2);
	CHECK_INT(test_clock_advance(&sd, 200), 0);
	run = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "renew");
	test_sandbox *after;
	CHECK_INT(test_list_all(&sd, &after), 2);
	for (int i = 0; i < count; i++) {
		for (int j = 0; j < count; j++) {
			/* renewed to now + 600 s: 400 s (and the test's own run time) later */
			if (!strcmp(before[i].id, after[j].id)) {
				long long moved = after[j].end_at_ms - before[i].end_at_ms;
				CHECK(moved >= 400000 && moved < 460000);
			}
		}
	}
	free(before);
	free(after);
	test_run_release(&run);
	finish(&sd);
}

/* Creates a sandbox behind sc-apply's back with the given metadata JSON. */
static void create_foreign(const test_sandboxd *sd, const char *metadata_json)
{
	char body[512];
	test_response response;
	snprintf(body, sizeof(body), "{\"templateID\":\"base\",\"timeout\":600,\"metadata\":%s}",
	         metadata_json);
	CHECK_INT(test_http(sd, "POST", "/sandboxes", TEST_API_KEY, body, &response), 0);
	CHECK_INT(response.status, 201);
	test_response_release(&response);
}

static void check_prune(const char *const *server_args)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, server_args), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 1, "running"));
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);
	create_foreign(&sd, "{\"sc-apply/set\":\"other-team\",\"sc-apply/name\":\"web\"}");
	create_foreign(&sd, "{\"app\":\"hand-made\"}");

	/* Only py remains in the file: web is orphaned. */
	const char *only_py = "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: py\n"
	                      "  set: team-ml\n  labels: {team: ml}\nspec:\n  template: base\n"
	                      "  timeout: 600\n  renewBefore: 300\n  envVars:\n"
	                      "    LOG_LEVEL: info\n    SECRET_TOKEN: ${SECRET_TOKEN}\n";
	spec = write_spec(&sd, "pool.yaml", only_py);
	test_run run = apply(&sd, (const char *[]){"-f", spec, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_INT(count_live(&sd, "team-ml", "web", NULL), 1);
	test_run_release(&run);

	run = apply(&sd, (const char *[]){"-f", spec, "--prune", NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_INT(count_live(&sd, "team-ml", "web", NULL), 0);
	CHECK_INT(count_live(&sd, "team-ml", "py", NULL), 1);
	CHECK_INT(count_live(&sd, "other-team", "web", NULL), 1);
	CHECK_INT(count_live(&sd, NULL, NULL, NULL), 3);
	test_run_release(&run);
	finish(&sd);
}

TEST(prune_deletes_only_this_sets_orphans)
{
	check_prune(NULL);
}

TEST(prune_is_safe_when_the_server_ignores_the_filter)
{
	check_prune((const char *[]){"--ignore-metadata-filter", NULL});
}

TEST(prune_of_an_empty_input_is_refused)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 1, "running"));
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);

	const char *empty = write_spec(&sd, "empty.yaml", "# nothing here\n");
	test_run run = apply(&sd, (const char *[]){"-f", empty, "--set", "team-ml", "--prune", NULL});
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "--allow-empty");
	CHECK_INT(count_live(&sd, "team-ml", NULL, NULL), 2);
	test_run_release(&run);

	run = apply(&sd, (const char *[]){"-f", empty, "--set", "team-ml", "--prune",
	                                  "--allow-empty", NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_INT(count_live(&sd, "team-ml", NULL, NULL), 0);
	test_run_release(&run);
	finish(&sd);
}

TEST(delete_removes_the_named_specs_or_the_whole_set)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 2, "running"));
	expect_apply(&sd, (const char *[]){"-f", spec, NULL}, 0);
	create_foreign(&sd, "{\"sc-apply/set\":\"other-team\",\"sc-apply/name\":\"py\"}");

	/* Only the specs in the file: web goes when only web is named. */
	const char *web_only = write_spec(&sd, "web.yaml",
	                                  "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	                                  "metadata: {name: web, set: team-ml}\n"
	                                  "spec: {template: node}\n");
	test_run run = apply(&sd, (const char *[]){"delete", "-f", web_only, NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "Delete complete");
	CHECK_INT(count_live(&sd, "team-ml", "web", NULL), 0);
	CHECK_INT(count_live(&sd, "team-ml", "py", NULL), 2);
	test_run_release(&run);

	/* --max-delete holds for delete too. */
	run = apply(&sd, (const char *[]){"delete", "--set", "team-ml", "--max-delete", "1", NULL});
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "max-delete");
	/* What was refused is shown, so the operator sees what it would have done. */
	CHECK_CONTAINS(run.out, "Refused, not run:");
	CHECK_CONTAINS(run.out, "team-ml/py");
	CHECK_INT(count_live(&sd, "team-ml", "py", NULL), 2);
	test_run_release(&run);

	/* The whole set, and nothing of any other set. */
	run = apply(&sd, (const char *[]){"delete", "--set", "team-ml", NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_INT(count_live(&sd, "team-ml", NULL, NULL), 0);
	CHECK_INT(count_live(&sd, "other-team", "py", NULL), 1);
	test_run_release(&run);

	run = apply(&sd, (const char *[]){"delete", NULL});
	CHECK_INT(run.exit_code, 64);
	CHECK_CONTAINS(run.err, "--set");
	test_run_release(&run);
	finish(&sd);
}

/* Two sets listed from a server that ignores the filter: every sandbox once. */
TEST(get_lists_each_sandbox_once_across_sets)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, (const char *[]){"--ignore-metadata-filter", NULL}), 0);
	const char *a = write_spec(&sd, "a.yaml", "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	                                          "metadata: {name: x, set: set-a}\nspec: {}\n");
	const char *b = write_spec(&sd, "b.yaml", "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	                                          "metadata: {name: y, set: set-b}\nspec: {}\n");
	expect_apply(&sd, (const char *[]){"-f", a, "-f", b, NULL}, 0);
	test_run run = apply(&sd, (const char *[]){"get", "-f", a, "-f", b, "-o", "json", NULL});
	CHECK_INT(run.exit_code, 0);
	int rows = 0;
	for (const char *p = run.out; (p = strstr(p, "\"sandboxID\"")); p++)
		rows++;
	CHECK_INT(rows, 2);
	test_run_release(&run);
	run = apply(&sd, (const char *[]){"plan", "-f", a, "-f", b, "-o", "json", NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "\"unchanged\":2,\"ignored\":0");
	test_run_release(&run);
	finish(&sd);
}

TEST(secrets_never_reach_any_output)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 2, "running"));
	const char *const variants[][8] = {
		{"-f", spec, "-v", NULL},
		{"-f", spec, "-v", "-v", "-o", "json", NULL},
		{"plan", "-f", spec, "-o", "json", NULL},
		{"get", "-f", spec, "-o", "json", NULL},
		{"get", "-f", spec, NULL},
		{"validate", "-f", spec, NULL},
	};
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		test_run run = apply(&sd, variants[i]);
		CHECK(run.exit_code == 0 || run.exit_code == 2);
		check_no_secrets(&run);
		test_run_release(&run);
	}
	/* A request that fails (wrong key) prints no key either. */
	test_run run;
	const char *wrong_key[] = {"SEACLOUD_API_KEY=wrong-key-SHOULD-NOT-PRINT", "SECRET_TOKEN=x", NULL};
	CHECK_INT(test_run_apply(&sd, (const char *[]){"-f", spec, "-v", NULL}, wrong_key, NULL, &run), 0);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "401");
	CHECK_NOT_CONTAINS(run.err, "wrong-key-SHOULD-NOT-PRINT");
	CHECK_NOT_CONTAINS(run.out, "wrong-key-SHOULD-NOT-PRINT");
	test_run_release(&run);
	finish(&sd);
}

TEST(json_output_is_one_versioned_document)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 1, "running"));
	test_run run = apply(&sd, (const char *[]){"-f", spec, "-o", "json", NULL});
	CHECK_INT(run.exit_code, 0);
	CHECK(run.out[0] == '{');
	CHECK_CONTAINS(run.out, "\"formatVersion\":\"1\"");
	CHECK_CONTAINS(run.out, "\"action\":\"create\"");
	CHECK_CONTAINS(run.out, "\"status\":\"done\"");
	CHECK_CONTAINS(run.out, "\"ok\":true");
	test_run_release(&run);
	finish(&sd);
}

TEST(bad_yaml_names_its_place)
{
	char *dir = test_make_temp_dir("sc-apply-bad");
	char path[4200];
	snprintf(path, sizeof(path), "%s/bad.yaml", dir);
	CHECK_INT(test_write_file(path, "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n"
	                                "  name: py\n  set: s\nspec:\n  timeout: 30m\n"),
	          0);
	test_run run;
	CHECK_INT(test_run_apply(NULL, (const char *[]){"validate", "-f", path, NULL}, NULL, NULL,
	                         &run), 0);
	CHECK_INT(run.exit_code, 1);
	char expected[4400];
	snprintf(expected, sizeof(expected), "%s:7:12: error: spec.timeout", path);
	CHECK_CONTAINS(run.err, expected);
	CHECK_CONTAINS(run.err, "\"30m\"");
	test_run_release(&run);

	/* apply stops before it talks to the service. */
	CHECK_INT(test_run_apply(NULL, (const char *[]){"-f", path, NULL}, NULL, NULL, &run), 0);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, expected);
	test_run_release(&run);
	test_rmtree(dir);
	free(dir);
}

TEST(usage_errors_exit_64)
{
	test_run run;
	CHECK_INT(test_run_apply(NULL, (const char *[]){"--api-key", "abc", NULL}, NULL, NULL, &run), 0);
	CHECK_INT(run.exit_code, 64);
	CHECK_CONTAINS(run.err, "SEACLOUD_API_KEY");
	CHECK_NOT_CONTAINS(run.err, "abc");
	test_run_release(&run);
	CHECK_INT(test_run_apply(NULL, (const char *[]){"frobnicate", NULL}, NULL, NULL, &run), 0);
	CHECK_INT(run.exit_code, 64);
	CHECK_CONTAINS(run.err, "unknown command");
	test_run_release(&run);
	CHECK_INT(test_run_apply(NULL, (const char *[]){"--parallel", "0", NULL}, NULL, NULL, &run), 0);
	CHECK_INT(run.exit_code, 64);
	test_run_release(&run);
	CHECK_INT(test_run_apply(NULL, (const char *[]){"plan", NULL}, NULL, NULL, &run), 0);
	CHECK_INT(run.exit_code, 64);
	CHECK_CONTAINS(run.err, "no specs given");
	test_run_release(&run);
	CHECK_INT(test_run_apply(NULL, (const char *[]){"get", "--set", "Not_A_Name", NULL}, NULL,
	                         NULL, &run), 0);
	CHECK_INT(run.exit_code, 64);
	CHECK_CONTAINS(run.err, "DNS-1123");
	test_run_release(&run);
	CHECK_INT(test_run_apply(NULL, (const char *[]){"--help", NULL}, NULL, NULL, &run), 0);
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "Commands:");
	test_run_release(&run);
}

TEST(faults_still_converge_without_duplicates)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, (const char *[]){"--fault-rate", "0.25", "--seed", "42",
	                                                    NULL}),
	          0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 10, "running"));
	test_run run = apply(&sd, (const char *[]){"-f", spec, NULL});
	if (run.exit_code != 0) {  /* a fault may defeat one run; the second must converge */
		test_run_release(&run);
		run = apply(&sd, (const char *[]){"-f", spec, NULL});
	}
	CHECK_INT(run.exit_code, 0);
	test_run_release(&run);
	char url[256];
	test_response response;
	snprintf(url, sizeof(url), "%s/_admin/config", sd.root_url);
	CHECK_INT(test_http(&sd, "POST", url, TEST_API_KEY, "{\"faultRate\":0}", &response), 0);
	test_response_release(&response);
	CHECK_INT(count_live(&sd, "team-ml", "py", NULL), 10);
	CHECK_INT(count_live(&sd, "team-ml", "web", NULL), 1);
	test_sandbox *all;
	int count = test_list_all(&sd, &all);
	for (int i = 0; i < count; i++)
		for (int j = i + 1; j < count; j++)
			CHECK(strcmp(all[i].create_token, all[j].create_token) != 0);
	free(all);
	finish(&sd);
}

TEST(a_held_lock_stops_a_second_run)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	const char *spec = write_spec(&sd, "pool.yaml", pool_spec("base", 1, "running"));
	char lock[4200];
	snprintf(lock, sizeof(lock), "%s/run.lock", sd.dir);
	/* This test holds the lock itself, as another run would. */
	int fd = open(lock, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK_INT(flock(fd, LOCK_EX | LOCK_NB), 0);
	test_run run = apply(&sd, (const char *[]){"-f", spec, "--lock", lock, "--lock-wait", "0",
	                                           NULL});
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "holds the lock");
	CHECK_INT(count_live(&sd, NULL, NULL, NULL), 0);
	test_run_release(&run);
	close(fd);
	expect_apply(&sd, (const char *[]){"-f", spec, "--lock", lock, NULL}, 0);
	finish(&sd);
}

int main(void)
{
	RUN(first_apply_converges_and_second_writes_nothing);
	RUN(plan_exits_two_and_writes_nothing);
	RUN(template_and_env_changes_replace);
	RUN(replicas_scale_up_and_down);
	RUN(pause_and_resume_follow_the_spec);
	RUN(ttl_is_renewed_after_the_clock_moves);
	RUN(prune_deletes_only_this_sets_orphans);
	RUN(prune_is_safe_when_the_server_ignores_the_filter);
	RUN(prune_of_an_empty_input_is_refused);
	RUN(delete_removes_the_named_specs_or_the_whole_set);
	RUN(get_lists_each_sandbox_once_across_sets);
	RUN(secrets_never_reach_any_output);
	RUN(json_output_is_one_versioned_document);
	RUN(bad_yaml_names_its_place);
	RUN(usage_errors_exit_64);
	RUN(faults_still_converge_without_duplicates);
	RUN(a_held_lock_stops_a_second_run);
	return test_summary();
}
