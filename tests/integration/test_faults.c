/*
 * The fault matrix: sc-apply against an sc-sandboxd that fails in one way
 * per row, each row under several seeds. For every row and seed the apply
 * converges (within two runs where a fault makes one impossible), with
 * exactly the desired sandboxes, no duplicate, nothing outside the set
 * touched, and a clear message for what failed. docs/reliability.md says
 * what each row proves.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "support/cli_run.h"

#define SET "fm"

/* Before: py x3 on base, web x3 paused. After: py x6 on code-interpreter, web x2 running. */
static const char before_spec[] =
	"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: py, set: " SET "}\n"
	"spec: {template: base, replicas: 3, timeout: 600, renewBefore: 300}\n"
	"---\napiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web, set: " SET "}\n"
	"spec: {template: node, replicas: 3, state: paused, timeout: 600, renewBefore: 300}\n";
static const char after_spec[] =
	"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: py, set: " SET "}\n"
	"spec: {template: code-interpreter, replicas: 6, timeout: 600, renewBefore: 300}\n"
	"---\napiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web, set: " SET "}\n"
	"spec: {template: node, replicas: 2, state: running, timeout: 600, renewBefore: 300}\n";

typedef struct fault_row {
	const char *name;
	const char *config;                /* POST /_admin/config once the fleet exists */
	const char *server_args[3];        /* more sc-sandboxd options */
	const char *apply_args[3];         /* more sc-apply options */
} fault_row;

static const fault_row rows[] = {
	{"5xx bursts", "{\"faultRate\":0.3,\"faultKinds\":[\"5xx\"]}", {NULL}, {NULL}},
	{"429 with Retry-After", "{\"faultRate\":0.3,\"faultKinds\":[\"429\"]}", {NULL}, {NULL}},
	{"dropped connections", "{\"faultRate\":0.3,\"faultKinds\":[\"drop\"]}", {NULL}, {NULL}},
	{"create answers lost after the sandbox was made",
	 "{\"faultRate\":0.5,\"faultKinds\":[\"lost-create\"]}", {NULL}, {NULL}},
	{"answers slower than the client timeout",
	 "{\"faultRate\":0.3,\"faultKinds\":[\"slow\"],\"slowMs\":3000}", {NULL},
	 {"--request-timeout", "2s", NULL}},
	{"truncated JSON", "{\"faultRate\":0.3,\"faultKinds\":[\"truncate\"]}", {NULL}, {NULL}},
	{"wrong JSON types", "{\"faultRate\":0.3,\"faultKinds\":[\"wrong-types\"]}", {NULL},
	 {NULL}},
	{"a server that ignores the metadata filter", "{\"faultRate\":0}",
	 {"--ignore-metadata-filter", NULL}, {NULL}},
	{"every fault at once",
	 "{\"faultRate\":0.3,\"faultKinds\":[\"5xx\",\"429\",\"drop\",\"lost-create\","
	 "\"truncate\",\"wrong-types\"]}",
	 {"--ignore-metadata-filter", NULL}, {NULL}},
};

static const char *const seeds[] = {"1", "2", "3"};

static const char *spec_path(const test_sandboxd *sd, const char *text)
{
	static char path[4200];
	snprintf(path, sizeof(path), "%s/spec.yaml", sd->dir);
	if (test_write_file(path, text))
		TEST_FAILURE("cannot write %s", path);
	return path;
}

static void admin_config(const test_sandboxd *sd, const char *json)
{
	char url[256];
	test_response response;
	snprintf(url, sizeof(url), "%s/_admin/config", sd->root_url);
	CHECK_INT(test_http(sd, "POST", url, TEST_API_KEY, json, &response), 0);
	CHECK_INT(response.status, 200);
	test_response_release(&response);
}

/* A sandbox made by someone else; returns its id (static per slot). */
static const char *create_foreign(const test_sandboxd *sd, const char *metadata)
{
	static char ids[4][128];
	static int slot;
	char body[256];
	test_response response;
	char *id = ids[slot++ % 4];

	snprintf(body, sizeof(body), "{\"templateID\":\"base\",\"timeout\":3600,\"metadata\":%s}",
	         metadata);
	id[0] = '\0';
	if (test_http(sd, "POST", "/sandboxes", TEST_API_KEY, body, &response) == 0 &&
	    response.status == 201) {
		const char *at = strstr(response.body, "\"sandboxID\":\"");
		if (at)
			sscanf(at + 13, "%127[^\"]", id);
	}
	CHECK(id[0] != '\0');
	test_response_release(&response);
	return id;
}

/* Runs sc-apply; a run that fails must say what failed. Returns its exit code. */
static int apply(const test_sandboxd *sd, const char *spec, const char *const *more)
{
	const char *args[10] = {"-f", spec, "--parallel", "8"};
	int argc = 4;
	for (; more && *more && argc < 9; more++)
		args[argc++] = *more;
	args[argc] = NULL;
	test_run run;
	if (test_run_apply(sd, args, NULL, NULL, &run)) {
		TEST_FAILURE("sc-apply did not run");
		return -1;
	}
	if (run.exit_code != 0) {
		/* Each failed action named with its cause, and a summary. */
		bool named = strstr(run.out, "failed:") || strstr(run.err, "error:");
		if (!named)
			TEST_FAILURE("a failed run says nothing clear:\n%s\n%s", run.out, run.err);
	}
	CHECK_NOT_CONTAINS(run.out, TEST_API_KEY);
	CHECK_NOT_CONTAINS(run.err, TEST_API_KEY);
	int code = run.exit_code;
	test_run_release(&run);
	return code;
}

/* The fleet is exactly what after_spec says, with no duplicate and the foreign ones intact. */
static void check_converged(const test_sandboxd *sd, const char *row, const char *foreign_a,
                            const char *foreign_b)
{
	test_sandbox *all;
	int count = test_list_all(sd, &all);
	int py = 0, web = 0, found_a = 0, found_b = 0;

	for (int i = 0; i < count; i++) {
		if (!strcmp(all[i].set, SET) && !strcmp(all[i].name, "py")) {
			py++;
			if (!strstr(all[i].template_id, "code-interpreter"))
				TEST_FAILURE("%s: py sandbox %s on %s", row, all[i].id,
				             all[i].template_id);
		}
		if (!strcmp(all[i].set, SET) && !strcmp(all[i].name, "web")) {
			web++;
			if (strcmp(all[i].state, "running"))
				TEST_FAILURE("%s: web sandbox %s is %s", row, all[i].id, all[i].state);
		}
		found_a += !strcmp(all[i].id, foreign_a);
		found_b += !strcmp(all[i].id, foreign_b);
		for (int j = 0; j < i; j++) {
			if (all[i].create_token[0] && !strcmp(all[i].create_token, all[j].create_token))
				TEST_FAILURE("%s: duplicate create token %s", row, all[i].create_token);
		}
	}
	if (py != 6 || web != 2 || count != 10 || !found_a || !found_b)
		TEST_FAILURE("%s: py %d (6), web %d (2), total %d (10), foreign %d %d (1 1)", row,
		             py, web, count, found_a, found_b);
	free(all);
}

/*
 * One row under one seed. Returns whether its faults struck: with requests
 * in parallel, which ones a seed's faults fall on depends on timing, and
 * a truncated 204 or a 404 of wrong types changes nothing.
 */
static bool run_row(const fault_row *row, const char *seed)
{
	const char *server_args[6] = {"--seed", seed};
	for (int i = 0; row->server_args[i]; i++)
		server_args[2 + i] = row->server_args[i];
	test_sandboxd sd;
	if (test_sandboxd_start(&sd, server_args)) {
		TEST_FAILURE("%s: sc-sandboxd did not start", row->name);
		return true;
	}
	const char *foreign_a = create_foreign(&sd, "{\"sc-apply/set\":\"other\",\"sc-apply/name\":\"py\"}");
	const char *foreign_b = create_foreign(&sd, "{\"team\":\"by-hand\"}");
	CHECK_INT(apply(&sd, spec_path(&sd, before_spec), NULL), 0);

	CHECK_INT(test_stats_reset(&sd), 0);
	admin_config(&sd, row->config);
	const char *spec = spec_path(&sd, after_spec);
	int code = apply(&sd, spec, row->apply_args);
	if (code != 0)  /* a fault may make one run impossible: the next converges */
		code = apply(&sd, spec, row->apply_args);
	if (code != 0)
		TEST_FAILURE("%s, seed %s: two runs did not converge", row->name, seed);
	long faults = test_stats_number(&sd, "faults");
	bool struck = strstr(row->config, "\"faultRate\":0}") || faults > 0;

	admin_config(&sd, "{\"faultRate\":0}");
	check_converged(&sd, row->name, foreign_a, foreign_b);
	CHECK_INT(test_stats_reset(&sd), 0);
	CHECK_INT(apply(&sd, spec, NULL), 0);
	CHECK_INT(test_stats_writes(&sd), 0);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
	return struck;
}

TEST(fault_matrix)
{
	/* Under valgrind (SC_TEST_WRAP) one seed a row: it looks for memory errors, not for coverage. */
	const char *wrap = getenv("SC_TEST_WRAP");
	size_t seed_count = wrap && *wrap ? 1 : sizeof(seeds) / sizeof(seeds[0]);

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		for (size_t s = 0; s < seed_count; s++) {
			int failed_before = test_current_failed;
			test_current_failed = 0;
			/* A row proves something only if its faults changed some
			 * answers: a seed whose faults all missed runs again, derived. */
			char seed[32];
			bool struck = false;
			for (int again = 0; !struck && again < 4; again++) {
				snprintf(seed, sizeof(seed), "%d", atoi(seeds[s]) + 1000 * again);
				struck = run_row(&rows[r], seed);
			}
			if (!struck)
				TEST_FAILURE("%s, seed %s: no fault struck in 4 runs", rows[r].name,
				             seeds[s]);
			printf("  %s %s, seed %s\n", test_current_failed ? "FAIL" : "ok  ",
			       rows[r].name, seed);
			test_current_failed |= failed_before;
		}
	}
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* The server dies (kill -9) while an apply is creating, and comes back on the same port. */
TEST(server_restarted_mid_apply)
{
	char data[4300];
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	test_sandboxd_stop(&sd);
	snprintf(data, sizeof(data), "%s/state", sd.dir);
	const char *server_args[] = {"--data", data, "--latency-ms", "40", NULL};
	CHECK_INT(test_sandboxd_restart(&sd, server_args), 0);
	const char *foreign_a = create_foreign(&sd, "{\"sc-apply/set\":\"other\",\"sc-apply/name\":\"py\"}");
	const char *foreign_b = create_foreign(&sd, "{\"team\":\"by-hand\"}");
	CHECK_INT(apply(&sd, spec_path(&sd, before_spec), NULL), 0);
	const char *spec = spec_path(&sd, after_spec);

	/* sc-apply in the background, the server killed under it. */
	char url_env[256], out[4400];
	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", sd.base_url);
	snprintf(out, sizeof(out), "%s/apply.out", sd.dir);
	const char *env[] = {url_env, "SEACLOUD_API_KEY=" TEST_API_KEY, NULL};
	const char *argv[] = {SC_APPLY_BIN, "-f", spec, "--parallel", "2", NULL};
	test_process apply_process;
	CHECK_INT(test_process_start_wrapped(&apply_process, argv, env, NULL, out, out), 0);
	sleep_ms(150);
	CHECK_INT(test_process_stop(&sd.process, SIGKILL, 5000), 0);
	sleep_ms(300);
	CHECK_INT(test_sandboxd_restart(&sd, server_args), 0);
	CHECK_INT(test_process_wait(&apply_process, 120000), 0);
	if (apply_process.exit_status != 0)  /* one run may end on the outage; the next converges */
		CHECK_INT(apply(&sd, spec, NULL), 0);
	check_converged(&sd, "server restarted mid-apply", foreign_a, foreign_b);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
}

/* Two applies of one set at once (no --lock): the third run leaves no duplicate. */
TEST(two_applies_at_once_then_a_third)
{
	test_sandboxd sd;
	CHECK_INT(test_sandboxd_start(&sd, (const char *[]){"--latency-ms", "20", NULL}), 0);
	const char *foreign_a = create_foreign(&sd, "{\"sc-apply/set\":\"other\",\"sc-apply/name\":\"py\"}");
	const char *foreign_b = create_foreign(&sd, "{\"team\":\"by-hand\"}");
	CHECK_INT(apply(&sd, spec_path(&sd, before_spec), NULL), 0);
	const char *spec = spec_path(&sd, after_spec);

	char url_env[256], out_a[4400], out_b[4400];
	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", sd.base_url);
	snprintf(out_a, sizeof(out_a), "%s/a.out", sd.dir);
	snprintf(out_b, sizeof(out_b), "%s/b.out", sd.dir);
	const char *env[] = {url_env, "SEACLOUD_API_KEY=" TEST_API_KEY, NULL};
	const char *argv[] = {SC_APPLY_BIN, "-f", spec, NULL};
	test_process a, b;
	CHECK_INT(test_process_start_wrapped(&a, argv, env, NULL, out_a, out_a), 0);
	CHECK_INT(test_process_start_wrapped(&b, argv, env, NULL, out_b, out_b), 0);
	CHECK_INT(test_process_wait(&a, 120000), 0);
	CHECK_INT(test_process_wait(&b, 120000), 0);
	CHECK_INT(apply(&sd, spec, NULL), 0);
	check_converged(&sd, "two applies at once", foreign_a, foreign_b);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
}

int main(void)
{
	RUN(fault_matrix);
	RUN(server_restarted_mid_apply);
	RUN(two_applies_at_once_then_a_third);
	return test_summary();
}
