/*
 * --lock etcd://... end to end: the real sc-apply against a real
 * sc-sandboxd and a real 3-member etcd cluster, all on loopback. Two
 * applies at once make exactly `replicas`; an apply that loses its lease
 * starts no new action; two agents elect one leader, a frozen leader is
 * replaced within its lease's TTL by the standby (which heals what broke
 * meanwhile) and steps down when it wakes; one member lost changes
 * nothing; the whole cluster lost stops every agent from acting, and they
 * say so. Skipped (exit 77) when etcd is not installed.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "support/cli_run.h"
#include "support/etcd.h"

#ifndef SC_APPLY_BIN
#define SC_APPLY_BIN "sc-apply"
#endif

#define SET "team-etcd"

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static char spec_path[4200];

/*
 * The lease's TTL: short, so that a takeover is quick; longer when the
 * binaries run under valgrind (SC_TEST_WRAP), whose slowness must not be
 * mistaken for a lost lease.
 */
static int ttl(void)
{
	const char *wrap = getenv("SC_TEST_WRAP");
	return wrap && *wrap ? 6 : 3;
}

static void write_spec(const test_sandboxd *sd, int replicas)
{
	char text[512];
	snprintf(spec_path, sizeof(spec_path), "%s/spec.yaml", sd->dir);
	snprintf(text, sizeof(text),
	         "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: py\n"
	         "  set: " SET "\nspec:\n  template: base\n  replicas: %d\n"
	         "  timeout: 600\n  renewBefore: 300\n",
	         replicas);
	if (test_write_file(spec_path, text))
		TEST_FAILURE("cannot write %s", spec_path);
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

static int set_latency(const test_sandboxd *sd, long ms)
{
	char url[256], body[64];
	snprintf(url, sizeof(url), "%s/_admin/config", sd->root_url);
	snprintf(body, sizeof(body), "{\"latencyMs\":%ld}", ms);
	return request(sd, "POST", url, body) < 300 ? 0 : -1;
}

static int count(const test_sandboxd *sd)
{
	test_sandbox *all;
	int total = test_list_all(sd, &all);
	int matches = total < 0 ? -1 : test_count(all, total, SET, "py", NULL);
	free(all);
	return matches;
}

static bool wait_count(const test_sandboxd *sd, int want, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 100) {
		if (count(sd) == want)
			return true;
		sleep_ms(100);
	}
	TEST_FAILURE("%s/py: %d sandboxes, expected %d", SET, count(sd), want);
	return false;
}

/* Deletes one sandbox of the set behind everyone's back. */
static void delete_one(const test_sandboxd *sd)
{
	test_sandbox *all;
	int total = test_list_all(sd, &all);
	char path[256] = "";
	for (int i = 0; i < total; i++) {
		if (!strcmp(all[i].set, SET)) {
			snprintf(path, sizeof(path), "/sandboxes/%s", all[i].id);
			break;
		}
	}
	free(all);
	CHECK_INT(request(sd, "DELETE", path, NULL), 204);
}

/* sc-apply with args, started in the background, its stderr (and stdout) to err. */
static int launch(test_process *process, const test_sandboxd *sd, const char *const *args,
                  const char *out, const char *err)
{
	char url_env[256];
	const char *argv[32] = {SC_APPLY_BIN};
	int argc = 1;
	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", sd->base_url);
	const char *env[] = {url_env, "SEACLOUD_API_KEY=" TEST_API_KEY, NULL};
	for (; args && *args && argc < 31; args++)
		argv[argc++] = *args;
	argv[argc] = NULL;
	return test_process_start_wrapped(process, argv, env, NULL, out, err);
}

typedef struct agent {
	test_process process;
	char err[4200];
	char address[128];
} agent;

static int agent_start(agent *a, const test_sandboxd *sd, const char *lock,
                       const char *name)
{
	const char *args[] = {"agent",       "-f",
	                      spec_path,     "--lock",
	                      lock,          "--interval",
	                      "1s",          "--listen-metrics",
	                      "127.0.0.1:0", "--log-format",
	                      "json",        "--grace",
	                      "10s",         NULL};
	snprintf(a->err, sizeof(a->err), "%s/%s.err", sd->dir, name);
	a->address[0] = '\0';
	return launch(&a->process, sd, args, NULL, a->err);
}

static int log_count(const agent *a, const char *text)
{
	char *log = test_read_file(a->err);
	int found = 0;
	for (const char *at = log ? strstr(log, text) : NULL; at;
	     at = strstr(at + 1, text))
		found++;
	free(log);
	return found;
}

/* Waits up to timeout_ms for the agent's log to hold text at least times times. */
static bool wait_log_n(const agent *a, const char *text, int times, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 50) {
		if (log_count(a, text) >= times)
			return true;
		sleep_ms(50);
	}
	char *log = test_read_file(a->err);
	TEST_FAILURE("no \"%s\" (x%d) in the log of %s:\n%s", text, times, a->err,
	             log ? log : "(none)");
	free(log);
	return false;
}

static bool wait_log(const agent *a, const char *text, int timeout_ms)
{
	return wait_log_n(a, text, 1, timeout_ms);
}

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

/* sc_apply_leader in /metrics: 0 or 1; -1 when absent or unreadable. */
static int leader_gauge(const agent *a)
{
	char *text = NULL;
	int value = -1;
	if (fetch(a, "/metrics", &text) == 200) {
		const char *at = strstr(text, "\nsc_apply_leader ");
		if (at)
			value = atoi(at + strlen("\nsc_apply_leader "));
	}
	free(text);
	return value;
}

static bool wait_gauge(const agent *a, int want, int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited += 100) {
		if (leader_gauge(a) == want)
			return true;
		sleep_ms(100);
	}
	TEST_FAILURE("sc_apply_leader of %s is %d, expected %d", a->err, leader_gauge(a),
	             want);
	return false;
}

static void agent_stop(agent *a)
{
	if (a->process.pid)
		CHECK_INT(test_process_stop(&a->process, SIGTERM, 20000), 0);
}

TEST(two_applies_at_once_make_exactly_replicas)
{
	test_etcd etcd;
	test_sandboxd sd;
	test_process runs[2];
	char out[2][4300], err[2][4300];

	CHECK_INT(test_etcd_start(&etcd), 0);
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	CHECK_INT(set_latency(&sd, 150), 0);
	write_spec(&sd, 3);
	char *lock = test_etcd_url(&etcd, "sc-test/apply", ttl());
	const char *args[] = {"apply", "-f", spec_path, "--lock", lock, NULL};
	for (int i = 0; i < 2; i++) {
		snprintf(out[i], sizeof(out[i]), "%s/apply%d.out", sd.dir, i);
		snprintf(err[i], sizeof(err[i]), "%s/apply%d.err", sd.dir, i);
		CHECK_INT(launch(&runs[i], &sd, args, out[i], err[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		CHECK_INT(test_process_wait(&runs[i], 60000), 0);
		CHECK_INT(runs[i].exit_status, 0);
	}
	CHECK_INT(count(&sd), 3);
	/* The second waited for the first and then planned from what it left. */
	char *all = NULL;
	for (int i = 0; i < 2; i++) {
		char *text = test_read_file(err[i]);
		if (text && strstr(text, "note: waiting for the lock 'etcd://"))
			all = text;
		else
			free(text);
	}
	CHECK(all != NULL);
	CHECK_CONTAINS(all, "pid ");
	free(all);
	/* Released at the end: nothing is left under the key. */
	char *value = test_etcd_get(&etcd, "sc-test/apply");
	CHECK(value == NULL);
	free(value);
	free(lock);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
	test_etcd_release(&etcd);
}

TEST(an_apply_that_loses_its_lease_starts_no_new_action)
{
	test_etcd etcd;
	test_sandboxd sd;
	test_process run;
	char out[4300], err[4300];

	CHECK_INT(test_etcd_start(&etcd), 0);
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	CHECK_INT(set_latency(&sd, 400), 0);
	write_spec(&sd, 30);
	char *lock = test_etcd_url(&etcd, "sc-test/fenced", ttl());
	const char *args[] = {"apply", "-f",         spec_path, "--lock",
	                      lock,    "--parallel", "1",       NULL};
	snprintf(out, sizeof(out), "%s/apply.out", sd.dir);
	snprintf(err, sizeof(err), "%s/apply.err", sd.dir);
	CHECK_INT(launch(&run, &sd, args, out, err), 0);
	/* The run is writing: now etcd goes away, and with it the proof of the lease. */
	for (int waited = 0; count(&sd) < 1 && waited < 30000; waited += 50)
		sleep_ms(50);
	test_etcd_kill_all(&etcd);
	CHECK_INT(test_process_wait(&run, 60000), 0);
	CHECK_INT(run.exit_status, 1);
	int made = count(&sd);
	CHECK(made >= 1 && made < 30);
	char *text = test_read_file(err);
	CHECK_CONTAINS(text,
	               "the run's lock is no longer held: no action started after that");
	CHECK_CONTAINS(text, "lock 'etcd://");
	free(text);
	text = test_read_file(out);
	CHECK_CONTAINS(text, "not started: the run was stopped");
	free(text);
	/* Nothing more comes after the run: every create was sent or never will be. */
	CHECK_INT(count(&sd), made);
	free(lock);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
	test_etcd_release(&etcd);
}

TEST(a_frozen_leader_is_replaced_within_its_ttl_and_steps_down_when_it_wakes)
{
	test_etcd etcd;
	test_sandboxd sd;
	agent a, b;

	CHECK_INT(test_etcd_start(&etcd), 0);
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	CHECK_INT(set_latency(&sd, 50), 0);
	write_spec(&sd, 2);
	char *lock = test_etcd_url(&etcd, "sc-test/agents", ttl());
	CHECK_INT(agent_start(&a, &sd, lock, "a"), 0);
	CHECK(read_address(&a));
	CHECK(wait_log(&a, "\"msg\":\"leading: took the lock; reconciling\"", 20000));
	CHECK_INT(agent_start(&b, &sd, lock, "b"), 0);
	CHECK(read_address(&b));
	CHECK(
	    wait_log(&b, "\"msg\":\"standing by: another agent holds the lock\"", 20000));
	CHECK(wait_count(&sd, 2, 20000));
	CHECK(wait_gauge(&a, 1, 5000));
	CHECK(wait_gauge(&b, 0, 5000));
	/* A standby is ready: it is doing its job. */
	CHECK_INT(fetch(&b, "/readyz", NULL), 200);
	CHECK_INT(log_count(&b, "\"msg\":\"cycle finished\""), 0);

	/* The leader freezes; a sandbox goes; the standby takes over and heals it. */
	CHECK_INT(kill(a.process.pid, SIGSTOP), 0);
	delete_one(&sd);
	CHECK(wait_log(&b, "\"msg\":\"leading: took the lock; reconciling\"", 20000));
	CHECK(wait_count(&sd, 2, 20000));
	CHECK(wait_gauge(&b, 1, 5000));

	/* The old leader wakes: it cannot prove its lease, steps down, and stands by. */
	CHECK_INT(kill(a.process.pid, SIGCONT), 0);
	CHECK(wait_log(
	    &a, "\"msg\":\"stepped down: lost the lock; no new action starts\"", 20000));
	CHECK(
	    wait_log(&a, "\"msg\":\"standing by: another agent holds the lock\"", 20000));
	CHECK(wait_gauge(&a, 0, 5000));
	/* Two leaders never made two sets of sandboxes. */
	sleep_ms(2000);
	CHECK_INT(count(&sd), 2);

	/* The leader stops: it gives the lease up, and the other leads at once. */
	agent_stop(&b);
	CHECK(
	    wait_log_n(&a, "\"msg\":\"leading: took the lock; reconciling\"", 2, 20000));
	agent_stop(&a);
	free(lock);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
	test_etcd_release(&etcd);
}

TEST(one_member_lost_changes_nothing_and_all_lost_stops_everyone)
{
	test_etcd etcd;
	test_sandboxd sd;
	agent a, b;

	CHECK_INT(test_etcd_start(&etcd), 0);
	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	write_spec(&sd, 2);
	char *lock = test_etcd_url(&etcd, "sc-test/members", ttl());
	CHECK_INT(agent_start(&a, &sd, lock, "a"), 0);
	CHECK(read_address(&a));
	CHECK(wait_log(&a, "\"msg\":\"leading: took the lock; reconciling\"", 20000));
	CHECK_INT(agent_start(&b, &sd, lock, "b"), 0);
	CHECK(read_address(&b));
	CHECK(
	    wait_log(&b, "\"msg\":\"standing by: another agent holds the lock\"", 20000));
	CHECK(wait_count(&sd, 2, 20000));

	/* One member of three: the quorum stands, the leader leads on and heals. */
	test_etcd_kill_member(&etcd, 0);
	delete_one(&sd);
	CHECK(wait_count(&sd, 2, 20000));
	CHECK_INT(log_count(&a, "stepped down"), 0);
	CHECK_INT(leader_gauge(&a), 1);
	CHECK_INT(leader_gauge(&b), 0);

	/* All of them: nobody can prove a lease, nobody acts, and both say so. */
	test_etcd_kill_all(&etcd);
	CHECK(wait_log(
	    &a, "\"msg\":\"stepped down: lost the lock; no new action starts\"", 20000));
	CHECK(
	    wait_log(&a,
	             "\"msg\":\"standing by: cannot take the lock, so no agent is known "
	             "to lead; not reconciling\"",
	             20000));
	CHECK(
	    wait_log(&b,
	             "\"msg\":\"standing by: cannot take the lock, so no agent is known "
	             "to lead; not reconciling\"",
	             20000));
	CHECK(wait_gauge(&a, 0, 5000));
	CHECK(wait_gauge(&b, 0, 5000));
	delete_one(&sd);
	int cycles_a = log_count(&a, "\"msg\":\"cycle finished\"");
	sleep_ms(4000); /* four intervals */
	CHECK_INT(count(&sd), 1);
	CHECK_INT(log_count(&a, "\"msg\":\"cycle finished\""), cycles_a);
	CHECK_INT(log_count(&b, "\"msg\":\"cycle finished\""), 0);

	agent_stop(&a);
	agent_stop(&b);
	free(lock);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
	test_etcd_release(&etcd);
}

TEST(an_agent_with_a_bad_etcd_url_exits_at_start)
{
	test_sandboxd sd;
	agent a;

	CHECK_INT(test_sandboxd_start(&sd, NULL), 0);
	write_spec(&sd, 1);
	CHECK_INT(agent_start(&a, &sd, "etcd://127.0.0.1:2379/sc-test/bad?ttl=1", "bad"),
	          0);
	CHECK_INT(test_process_wait(&a.process, 20000), 0);
	CHECK_INT(a.process.exit_status, 1);
	char *log = test_read_file(a.err);
	CHECK_CONTAINS(log, "ttl must be 2 to 300 seconds, got '1'");
	CHECK_NOT_CONTAINS(log, "cycle finished");
	free(log);
	CHECK_INT(count(&sd), 0);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
}

int main(void)
{
	if (!test_etcd_binary())
		return test_etcd_missing();
	RUN(two_applies_at_once_make_exactly_replicas);
	RUN(an_apply_that_loses_its_lease_starts_no_new_action);
	RUN(a_frozen_leader_is_replaced_within_its_ttl_and_steps_down_when_it_wakes);
	RUN(one_member_lost_changes_nothing_and_all_lost_stops_everyone);
	RUN(an_agent_with_a_bad_etcd_url_exits_at_start);
	return test_summary();
}
