/*
 * sc-apply agent end to end: the real binary against a real sc-sandboxd
 * on loopback. It converges, corrects drift made behind its back, follows
 * a spec file edited under it, reconciles at once on SIGHUP, serves
 * /metrics, /healthz and /readyz, logs JSON lines without secrets, and
 * stops cleanly on SIGTERM with nothing half-done.
 */
#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "harness.h"
#include "support/cli_run.h"

#ifndef SC_APPLY_BIN
#define SC_APPLY_BIN "sc-apply"
#endif

#define SECRET_VALUE "s3cr3t-agent-VALUE-42"
#define SET          "team-ag"

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static const char *spec_text(int py_replicas, const char *extra)
{
	static char text[2048];
	snprintf(text, sizeof(text),
	         "apiVersion: sc-apply/v1\n"
	         "kind: Sandbox\n"
	         "metadata:\n"
	         "  name: py\n"
	         "  set: " SET "\n"
	         "spec:\n"
	         "  template: code-interpreter\n"
	         "  replicas: %d\n"
	         "  timeout: 600\n"
	         "  renewBefore: 300\n"
	         "  envVars:\n"
	         "    SECRET_TOKEN: ${SECRET_TOKEN}\n"
	         "%s"
	         "---\n"
	         "apiVersion: sc-apply/v1\n"
	         "kind: Sandbox\n"
	         "metadata:\n"
	         "  name: web\n"
	         "  set: " SET "\n"
	         "spec:\n"
	         "  template: node\n"
	         "  timeout: 600\n"
	         "  renewBefore: 300\n",
	         py_replicas, extra ? extra : "");
	return text;
}

static void write_spec(const char *path, const char *text)
{
	/* Written aside and renamed, as a git checkout does: never half a file. */
	char temp[4200];
	snprintf(temp, sizeof(temp), "%s.tmp", path);
	if (test_write_file(temp, text) || rename(temp, path))
		TEST_FAILURE("cannot write %s", path);
}

/* A running agent: its process and where its stderr goes. */
typedef struct agent {
	test_process process;
	char spec[4200];
	char err[4200];
	char address[128]; /* metrics ADDR:PORT from the "agent started" event */
} agent;

/*
 * Starts sc-apply agent -f a->spec with args, under SC_TEST_WRAP when wrap
 * (not for a forced exit: valgrind reports the threads it cuts short).
 */
static int agent_launch(agent *a, const test_sandboxd *sd, const char *const *args,
                        bool wrap)
{
	char url_env[256];
	const char *argv[32] = {SC_APPLY_BIN, "agent", "-f", a->spec};
	int argc = 4;
	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", sd->base_url);
	const char *env[] = {url_env, "SEACLOUD_API_KEY=" TEST_API_KEY,
	                     "SECRET_TOKEN=" SECRET_VALUE, NULL};
	for (; args && *args && argc < 31; args++)
		argv[argc++] = *args;
	argv[argc] = NULL;
	snprintf(a->err, sizeof(a->err), "%s/agent.err", sd->dir);
	a->address[0] = '\0';
	if (!wrap)
		return test_process_start(&a->process, argv, env, NULL, NULL, a->err);
	return test_process_start_wrapped(&a->process, argv, env, NULL, NULL, a->err);
}

static int agent_start(agent *a, const test_sandboxd *sd, const char *const *args)
{
	return agent_launch(a, sd, args, true);
}

/* Waits up to timeout_ms for the agent's stderr to contain text. */
static bool wait_log(const agent *a, const char *text, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 50) {
		char *log = test_read_file(a->err);
		bool found = log && strstr(log, text);
		free(log);
		if (found)
			return true;
		sleep_ms(50);
	}
	return false;
}

/* Prints the agent's log, to explain a failed check. */
static void show_log(const agent *a)
{
	char *log = test_read_file(a->err);
	printf("  agent log:\n%s", log ? log : "(none)\n");
	free(log);
}

/* Reads the metrics address from the JSON "agent started" event. */
static bool read_address(agent *a)
{
	if (!wait_log(a, "\"msg\":\"agent started\"", 10000))
		return false;
	char *log = test_read_file(a->err);
	const char *at = log ? strstr(log, "\"metrics\":\"") : NULL;
	if (at)
		sscanf(at + strlen("\"metrics\":\""), "%127[^\"]", a->address);
	free(log);
	return a->address[0] != '\0';
}

static long fetch(const agent *a, const char *path, char **body)
{
	char url[256];
	test_response response;
	snprintf(url, sizeof(url), "http://%s%s", a->address, path);
	if (test_http(NULL, "GET", url, NULL, NULL, &response))
		return -1;
	long status = response.status;
	if (body)
		*body = strdup(response.body ? response.body : "");
	test_response_release(&response);
	return status;
}

/* The value of one series ("name{labels}" as rendered) in /metrics, or -1. */
static double metric(const agent *a, const char *series)
{
	char *text = NULL;
	double value = -1;
	size_t len = strlen(series);
	if (fetch(a, "/metrics", &text) == 200) {
		for (const char *line = text; line && *line; line = strchr(line, '\n')) {
			if (*line == '\n')
				line++;
			if (!strncmp(line, series, len) && line[len] == ' ') {
				value = atof(line + len + 1);
				break;
			}
		}
	}
	free(text);
	return value;
}

/* Stops the server: a clean exit (0) is part of every test (valgrind's 99 is not). */
static void finish(test_sandboxd *sd)
{
	CHECK_INT(test_sandboxd_stop(sd), 0);
	test_sandboxd_release(sd);
}

static int count(const test_sandboxd *sd, const char *name, const char *state)
{
	test_sandbox *all;
	int total = test_list_all(sd, &all);
	int matches = total < 0 ? -1 : test_count(all, total, SET, name, state);
	free(all);
	return matches;
}

/* Waits up to timeout_ms for count(name, state) to be want. */
static bool wait_count(const test_sandboxd *sd, const char *name, const char *state,
                       int want, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 100) {
		if (count(sd, name, state) == want)
			return true;
		sleep_ms(100);
	}
	TEST_FAILURE("%s/%s %s: %d, expected %d", SET, name ? name : "*",
	             state ? state : "*", count(sd, name, state), want);
	return false;
}

static bool wait_metric(const agent *a, const char *series, double low, double high,
                        int timeout_ms)
{
	double value = -1;
	for (int waited = 0; waited <= timeout_ms; waited += 100) {
		value = metric(a, series);
		if (value >= low && value <= high)
			return true;
		sleep_ms(100);
	}
	TEST_FAILURE("%s is %g, expected %g..%g", series, value, low, high);
	return false;
}

/* Every line of the log is a JSON object with ts, level and msg, and no secret. */
static void check_json_log(const agent *a)
{
	char *log = test_read_file(a->err);
	int lines = 0;
	CHECK(log != NULL);
	CHECK_NOT_CONTAINS(log, SECRET_VALUE);
	CHECK_NOT_CONTAINS(log, TEST_API_KEY);
	for (char *line = log, *end; line && *line; line = end + 1) {
		end = strchr(line, '\n');
		if (!end)
			break;
		*end = '\0';
		cJSON *root = cJSON_Parse(line);
		if (!root || !cJSON_IsString(cJSON_GetObjectItem(root, "ts")) ||
		    !cJSON_IsString(cJSON_GetObjectItem(root, "level")) ||
		    !cJSON_IsString(cJSON_GetObjectItem(root, "msg")))
			TEST_FAILURE("not a JSON log event: %s", line);
		cJSON_Delete(root);
		lines++;
	}
	CHECK(lines > 5);
	free(log);
}

static int find_sandbox(const test_sandboxd *sd, const char *name, int index, char *id,
                        long long *end_at)
{
	test_sandbox *all;
	int total = test_list_all(sd, &all), seen = 0;
	for (int i = 0; i < total; i++) {
		if (!strcmp(all[i].set, SET) && !strcmp(all[i].name, name) &&
		    seen++ == index) {
			snprintf(id, 128, "%s", all[i].id);
			if (end_at)
				*end_at = all[i].end_at_ms;
			free(all);
			return 0;
		}
	}
	free(all);
	return -1;
}

static long request(const test_sandboxd *sd, const char *method, const char *path,
                    const char *body)
{
	test_response response;
	if (test_http(sd, method, path, TEST_API_KEY, body, &response))
		return -1;
	long status = response.status;
	test_response_release(&response);
	return status;
}

/* Breaks the sandboxes three ways behind the agent's back; returns web's new endAt. */
static long long make_drift(const test_sandboxd *sd)
{
	char py0[128], py1[128], web[128], path[256];
	long long end_at = 0;

	CHECK_INT(find_sandbox(sd, "py", 0, py0, NULL), 0);
	CHECK_INT(find_sandbox(sd, "py", 1, py1, NULL), 0);
	CHECK_INT(find_sandbox(sd, "web", 0, web, NULL), 0);
	snprintf(path, sizeof(path), "/sandboxes/%s", py0);
	CHECK_INT(request(sd, "DELETE", path, NULL), 204);
	snprintf(path, sizeof(path), "/sandboxes/%s/pause", py1);
	CHECK_INT(request(sd, "POST", path, "{}"), 204);
	snprintf(path, sizeof(path), "/sandboxes/%s/timeout", web);
	CHECK_INT(request(sd, "POST", path, "{\"timeout\":10}"), 204);
	CHECK_INT(find_sandbox(sd, "web", 0, web, &end_at), 0);
	return end_at;
}

static bool wait_renewed(const test_sandboxd *sd, long long shortened, int timeout_ms)
{
	char web[128];
	long long end_at = 0;
	for (int waited = 0; waited <= timeout_ms; waited += 100) {
		if (find_sandbox(sd, "web", 0, web, &end_at) == 0 &&
		    end_at > shortened + 200000)
			return true;
		sleep_ms(100);
	}
	TEST_FAILURE("web's TTL was not renewed: endAt %lld, shortened %lld", end_at,
	             shortened);
	return false;
}

#define RUNNING_GAUGE "sc_apply_managed_sandboxes{set=\"" SET "\",state=\"running\"}"
#define PAUSED_GAUGE  "sc_apply_managed_sandboxes{set=\"" SET "\",state=\"paused\"}"

static void check_metric_families(const agent *a)
{
	char *text = NULL;
	CHECK_INT(fetch(a, "/metrics", &text), 200);
	const char *families[] = {
	    "sc_apply_reconcile_total",     "sc_apply_reconcile_duration_seconds",
	    "sc_apply_actions_total",       "sc_apply_managed_sandboxes",
	    "sc_apply_drift_actions",       "sc_apply_last_success_timestamp_seconds",
	    "sc_apply_consecutive_failures"};
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		char help[128], type[128];
		snprintf(help, sizeof(help), "# HELP %s ", families[i]);
		snprintf(type, sizeof(type), "# TYPE %s ", families[i]);
		CHECK_CONTAINS(text, help);
		CHECK_CONTAINS(text, type);
	}
	CHECK_CONTAINS(text, "sc_apply_reconcile_duration_seconds_bucket{le=\"+Inf\"} ");
	/* The exposition format's version is in the content type. */
	char url[256];
	test_response response;
	snprintf(url, sizeof(url), "http://%s/metrics", a->address);
	CHECK_INT(test_http(NULL, "GET", url, NULL, NULL, &response), 0);
	char *type = test_response_header(&response, "Content-Type");
	CHECK_CONTAINS(type, "text/plain; version=0.0.4");
	free(type);
	test_response_release(&response);
	CHECK_NOT_CONTAINS(text, SECRET_VALUE);
	free(text);
}

TEST(agent_converges_corrects_drift_follows_edits_and_stops_cleanly)
{
	test_sandboxd sd;
	agent a;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	snprintf(a.spec, sizeof(a.spec), "%s/pool.yaml", sd.dir);
	write_spec(a.spec, spec_text(2, NULL));
	CHECK_INT(
	    agent_start(&a, &sd,
	                (const char *[]){"--interval", "1s", "--listen-metrics",
	                                 "127.0.0.1:0", "--log-format", "json", NULL}),
	    0);
	if (!read_address(&a)) {
		TEST_FAILURE("no metrics address logged");
		goto done;
	}
	/* Converges; /readyz flips to 200 after the first good cycle. */
	CHECK(wait_metric(&a, "sc_apply_reconcile_total{result=\"success\"}", 1, 1e9,
	                  10000));
	CHECK_INT(fetch(&a, "/readyz", NULL), 200);
	CHECK_INT(fetch(&a, "/healthz", NULL), 200);
	CHECK_INT(fetch(&a, "/nope", NULL), 404);
	CHECK_INT(count(&sd, "py", "running"), 2);
	CHECK_INT(count(&sd, "web", "running"), 1);

	/* Drift behind its back: corrected within an interval or two. */
	long long shortened = make_drift(&sd);
	CHECK(wait_count(&sd, "py", "running", 2, 5000));
	CHECK(wait_count(&sd, "py", NULL, 2, 1000));
	CHECK(wait_renewed(&sd, shortened, 5000));
	CHECK(wait_metric(&a, RUNNING_GAUGE, 3, 3, 3000));
	CHECK(metric(&a, PAUSED_GAUGE) == 0);
	/* The cycle that corrected the drift counts its actions when it ends. */
	CHECK(wait_metric(&a, "sc_apply_actions_total{action=\"create\",result=\"done\"}", 4, 4,
	                  10000));
	CHECK(wait_metric(&a, "sc_apply_actions_total{action=\"resume\",result=\"done\"}", 1, 1,
	                  10000));
	CHECK(wait_metric(&a, "sc_apply_actions_total{action=\"renew\",result=\"done\"}", 1, 1,
	                  10000));
	CHECK(wait_metric(&a, "sc_apply_drift_actions", 0, 0, 3000));
	CHECK(metric(&a, "sc_apply_last_success_timestamp_seconds") > 1.7e9);
	check_metric_families(&a);

	/* An edited spec is followed. */
	write_spec(a.spec, spec_text(3, NULL));
	CHECK(wait_count(&sd, "py", "running", 3, 5000));

	/* A spec that fails to load is a failed cycle that changes nothing. */
	write_spec(a.spec, spec_text(1, "  typoField: 1\n"));
	CHECK(wait_metric(&a, "sc_apply_consecutive_failures", 1, 100, 5000));
	CHECK(metric(&a, "sc_apply_reconcile_total{result=\"failure\"}") >= 1);
	CHECK_INT(count(&sd, "py", "running"), 3);
	CHECK_INT(fetch(&a, "/readyz", NULL), 200);
	/* Fixed, and SIGHUP: it recovers at once, not after its backoff. */
	write_spec(a.spec, spec_text(3, NULL));
	kill(a.process.pid, SIGHUP);
	CHECK(wait_metric(&a, "sc_apply_consecutive_failures", 0, 0, 3000));

	/* SIGTERM: a clean stop, and the count is exact. */
	CHECK_INT(test_process_stop(&a.process, SIGTERM, 10000), 0);
	CHECK_INT(a.process.exit_status, 0);
	CHECK_INT(count(&sd, "py", "running"), 3);
	CHECK_INT(count(&sd, "web", "running"), 1);
	CHECK_INT(count(&sd, NULL, NULL), 4);
	check_json_log(&a);
	CHECK(wait_log(&a, "\"msg\":\"agent stopped\"", 0));
done:
	test_process_stop(&a.process, SIGKILL, 5000);
	finish(&sd);
}

TEST(sighup_reconciles_at_once_with_text_logs)
{
	test_sandboxd sd;
	agent a;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	snprintf(a.spec, sizeof(a.spec), "%s/pool.yaml", sd.dir);
	write_spec(a.spec, spec_text(1, NULL));
	CHECK_INT(agent_start(&a, &sd, (const char *[]){"--interval", "1h", NULL}), 0);
	CHECK(wait_log(&a, "cycle finished cycle=1", 10000));
	CHECK_INT(count(&sd, "py", "running"), 1);

	write_spec(a.spec, spec_text(2, NULL));
	kill(a.process.pid, SIGHUP);
	CHECK(wait_count(&sd, "py", "running", 2, 3000));
	CHECK(wait_log(&a, "cycle finished cycle=2", 3000));

	CHECK_INT(test_process_stop(&a.process, SIGINT, 10000), 0);
	CHECK_INT(a.process.exit_status, 0);
	char *log = test_read_file(a.err);
	CHECK_CONTAINS(log, " info  reconcile requested signal=SIGHUP");
	CHECK_CONTAINS(log, "action done cycle=2 action=create set=" SET " name=py");
	CHECK_CONTAINS(log, "stop requested signal=SIGINT");
	CHECK_NOT_CONTAINS(log, SECRET_VALUE);
	CHECK_NOT_CONTAINS(log, TEST_API_KEY);
	free(log);
	finish(&sd);
}

/* A rollout shows on the status page's JSON as the cycle left it. */
TEST(a_rollout_shows_in_the_status)
{
	test_sandboxd sd;
	agent a;
	char *body = NULL;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	snprintf(a.spec, sizeof(a.spec), "%s/pool.yaml", sd.dir);
	write_spec(a.spec, spec_text(2, NULL));
	CHECK_INT(agent_start(&a, &sd,
	                      (const char *[]){"--interval", "1h", "--listen-metrics",
	                                       "127.0.0.1:0", "--log-format", "json", NULL}),
	          0);
	if (!read_address(&a)) {
		TEST_FAILURE("no metrics address logged");
		goto done;
	}
	CHECK(wait_metric(&a, "sc_apply_reconcile_total{result=\"success\"}", 1, 1e9, 10000));
	CHECK_INT(fetch(&a, "/api/status", &body), 200);
	CHECK(body && strstr(body, "\"rollout\":null"));
	free(body);
	body = NULL;
	/* A template change, rolled out in waves. */
	write_spec(a.spec, spec_text(2, "  rollout: {maxSurge: 1, maxUnavailable: 0}\n"
	                                "  autoPause: true\n"));
	kill(a.process.pid, SIGHUP);
	CHECK(wait_metric(&a, "sc_apply_reconcile_total{result=\"success\"}", 2, 1e9, 20000));
	CHECK_INT(fetch(&a, "/api/status", &body), 200);
	CHECK(body && strstr(body, "\"rollout\":{\"phase\":\"complete\",\"updated\":2,"
	                           "\"total\":2}"));
	if (body && !strstr(body, "\"phase\":\"complete\""))
		printf("  status: %s\n", body);
done:
	free(body);
	CHECK_INT(test_process_stop(&a.process, SIGTERM, 10000), 0);
	finish(&sd);
}

TEST(an_interval_longer_than_renew_before_is_warned_at_start)
{
	test_sandboxd sd;
	agent a;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	snprintf(a.spec, sizeof(a.spec), "%s/pool.yaml", sd.dir);
	write_spec(a.spec, spec_text(1, NULL));
	CHECK_INT(agent_start(&a, &sd, (const char *[]){"--interval", "10m", NULL}), 0);
	CHECK(wait_log(&a, "cycle finished cycle=1", 10000));
	CHECK_INT(test_process_stop(&a.process, SIGTERM, 10000), 0);
	char *log = test_read_file(a.err);
	CHECK_CONTAINS(log, "spec '" SET "/py' renews 300 s before its TTL ends but cycles are "
	                    "600 s apart");
	free(log);
	unlink(a.err);

	CHECK_INT(agent_start(&a, &sd, (const char *[]){"--interval", "60s", NULL}), 0);
	CHECK(wait_log(&a, "cycle finished cycle=1", 10000));
	CHECK_INT(test_process_stop(&a.process, SIGTERM, 10000), 0);
	log = test_read_file(a.err);
	CHECK_NOT_CONTAINS(log, "may expire between cycles");
	free(log);
	finish(&sd);
}

static int set_latency(const test_sandboxd *sd, long ms)
{
	char url[256], body[64];
	snprintf(url, sizeof(url), "%s/_admin/config", sd->root_url);
	snprintf(body, sizeof(body), "{\"latencyMs\":%ld}", ms);
	return request(sd, "POST", url, body) < 300 ? 0 : -1;
}

TEST(sigterm_during_a_cycle_finishes_the_actions_in_flight)
{
	test_sandboxd sd;
	agent a;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	snprintf(a.spec, sizeof(a.spec), "%s/pool.yaml", sd.dir);
	write_spec(a.spec, spec_text(3, NULL));
	CHECK_INT(set_latency(&sd, 1000), 0);
	CHECK_INT(agent_start(&a, &sd, (const char *[]){"--interval", "1h", NULL}), 0);
	/* The creates are sent and slow to answer: stop now. */
	CHECK(wait_log(&a, "action planned", 10000));
	sleep_ms(300); /* the creates are out, their answers 1 s away */
	kill(a.process.pid, SIGTERM);
	CHECK_INT(test_process_wait(&a.process, 15000), 0);
	CHECK_INT(a.process.exit_status, 0);
	CHECK_INT(set_latency(&sd, 0), 0);
	CHECK_INT(count(&sd, "py", "running"), 3);
	CHECK_INT(count(&sd, "web", "running"), 1);
	char *log = test_read_file(a.err);
	CHECK_CONTAINS(log, "cycle finished cycle=1 ok=true");
	CHECK_NOT_CONTAINS(log, "cycle=2");
	free(log);
	test_process_stop(&a.process, SIGKILL, 5000);
	finish(&sd);
}

TEST(a_cycle_longer_than_the_grace_period_is_cut_short)
{
	test_sandboxd sd;
	agent a;
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	snprintf(a.spec, sizeof(a.spec), "%s/pool.yaml", sd.dir);
	write_spec(a.spec, spec_text(1, NULL));
	CHECK_INT(set_latency(&sd, 4000), 0);
	CHECK_INT(
	    agent_launch(&a, &sd,
	                 (const char *[]){"--interval", "1h", "--grace", "500ms", NULL},
	                 false),
	    0);
	CHECK(wait_log(&a, "agent started", 10000));
	sleep_ms(300);
	kill(a.process.pid, SIGTERM);
	CHECK_INT(test_process_wait(&a.process, 3000), 0);
	CHECK_INT(a.process.exit_status, 1);
	CHECK(wait_log(&a, "grace period over", 0));
	if (a.process.exit_status != 1)
		show_log(&a);
	test_process_stop(&a.process, SIGKILL, 5000);
	CHECK_INT(set_latency(&sd, 0), 0);
	finish(&sd);
}

/* While the service fails and the list waits to retry, a stop ends the cycle at once: exit 0. */
TEST(sigterm_while_the_list_retries_stops_cleanly)
{
	test_sandboxd sd;
	agent a;
	char url[256];
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	snprintf(a.spec, sizeof(a.spec), "%s/pool.yaml", sd.dir);
	write_spec(a.spec, spec_text(1, NULL));
	snprintf(url, sizeof(url), "%s/_admin/config", sd.root_url);
	CHECK(request(&sd, "POST", url, "{\"faultRate\":1,\"faultKinds\":[\"5xx\"]}") < 300);
	CHECK_INT(agent_start(&a, &sd, (const char *[]){"--interval", "1h", "--grace", "3s", NULL}),
	          0);
	CHECK(wait_log(&a, "agent started", 10000));
	sleep_ms(600); /* the first list failed: the cycle waits to retry */
	kill(a.process.pid, SIGTERM);
	CHECK_INT(test_process_wait(&a.process, 15000), 0);
	/* Had the stop waited for the grace period, the exit would be 1. */
	CHECK_INT(a.process.exit_status, 0);
	if (a.process.exit_status != 0)
		show_log(&a);
	CHECK(wait_log(&a, "stopped", 0));
	test_process_stop(&a.process, SIGKILL, 5000);
	CHECK(request(&sd, "POST", url, "{\"faultRate\":0}") < 300);
	finish(&sd);
}

TEST(usage_errors_exit_64_and_no_service_exits_1)
{
	test_run run;
	CHECK_INT(test_run_apply(NULL, (const char *[]){"agent", NULL}, NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 64);
	test_run_release(&run);
	CHECK_INT(test_run_apply(NULL, (const char *[]){"agent", "-f", "-", NULL}, NULL,
	                         NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 64);
	CHECK_CONTAINS(run.err, "stdin");
	test_run_release(&run);
	CHECK_INT(test_run_apply(NULL,
	                         (const char *[]){"agent", "-f", "x.yaml",
	                                          "--listen-metrics", "nonsense", NULL},
	                         NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 64);
	CHECK_CONTAINS(run.err, "--listen-metrics");
	test_run_release(&run);
	/* No service to talk to: no interval fixes that, so it does not start. */
	CHECK_INT(test_run_apply(NULL,
	                         (const char *[]){"agent", "-f", "x.yaml", "--api-url",
	                                          "", "--log-format", "json", NULL},
	                         NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "{\"ts\":");
	CHECK_CONTAINS(run.err, "no API URL");
	test_run_release(&run);
}

int main(void)
{
	RUN(agent_converges_corrects_drift_follows_edits_and_stops_cleanly);
	RUN(sighup_reconciles_at_once_with_text_logs);
	RUN(sigterm_during_a_cycle_finishes_the_actions_in_flight);
	RUN(an_interval_longer_than_renew_before_is_warned_at_start);
	RUN(a_rollout_shows_in_the_status);
	RUN(a_cycle_longer_than_the_grace_period_is_cut_short);
	RUN(sigterm_while_the_list_retries_stops_cleanly);
	RUN(usage_errors_exit_64_and_no_service_exits_1);
	return test_summary();
}
