/*
 * Rollouts against a real sc-sandboxd: the test plays the workload inside
 * each sandbox (it sends the heartbeats) and polls the service throughout
 * an apply of a template change, so what it checks is what the service
 * held at every moment it looked: never fewer than replicas -
 * maxUnavailable ready sandboxes of the spec, never more than replicas +
 * maxSurge in all. A heartbeat error or a missed progressDeadline stops
 * the rollout with the old sandboxes in place; a rollout left half-done
 * is continued by the next apply.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <pthread.h>

#include "common/timeutil.h"
#include "harness.h"
#include "support/cli_run.h"
#include "support/script_server.h"

#define SET          "roll"
#define OLD_TEMPLATE "tpl-base-7f3a9c"
#define NEW_TEMPLATE "tpl-code-interpreter-3b8e21"

/* Latency on every response, and new sandboxes that take a while to start. */
static const char *const latency[] = {"--latency-ms", "20", "--start-delay-ms", "300",
                                      NULL};

static void write_spec(const test_sandboxd *sd, char *path, size_t size,
                       const char *template, const char *extra)
{
	char text[1024];

	snprintf(path, size, "%s/web.yaml", sd->dir);
	snprintf(text, sizeof(text),
	         "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web, set: " SET
	         "}\n"
	         "spec:\n  template: %s\n  replicas: 4\n  timeout: 3600\n"
	         "  readiness: heartbeat\n"
	         "  rollout: {maxSurge: 1, maxUnavailable: 0%s}\n",
	         template, extra ? extra : "");
	CHECK_INT(test_write_file(path, text), 0);
}

static int heartbeat(const test_sandboxd *sd, const char *id, const char *status)
{
	char path[300], body[64];
	test_response response;

	snprintf(path, sizeof(path), "/sandboxes/%s/heartbeat", id);
	snprintf(body, sizeof(body), "{\"status\":\"%s\"}", status);
	int rc = test_http(sd, "POST", path, TEST_API_KEY, body, &response);
	rc = rc == 0 && response.status == 200 ? 0 : -1;
	test_response_release(&response);
	return rc;
}

/* What the service holds of the spec at one look. */
typedef struct snapshot {
	int total; /* live sandboxes of the spec */
	int ready; /* running, last heartbeat healthy */
	int fresh; /* on the new template */
	int fresh_ready;
} snapshot;

typedef enum {
	WORKLOAD_HEALTHY,  /* every running sandbox reports healthy */
	WORKLOAD_OLD_ONLY, /* only the old template's sandboxes report */
	WORKLOAD_FAIL_NEW, /* new ones report error */
} workload;

/*
 * One look at the service; then, as the workload, a heartbeat for each
 * running sandbox that has not reported what it would. Returns 0, or -1
 * when the list failed.
 */
static int look(const test_sandboxd *sd, workload mode, snapshot *out,
                char failed_id[128])
{
	test_sandbox *all;
	int count = test_list_all(sd, &all);

	memset(out, 0, sizeof(*out));
	if (count < 0)
		return -1;
	for (int i = 0; i < count; i++) {
		const test_sandbox *sb = &all[i];
		if (strcmp(sb->set, SET) || strcmp(sb->name, "web"))
			continue;
		bool fresh = !strcmp(sb->template_id, NEW_TEMPLATE);
		bool ready =
		    !strcmp(sb->state, "running") && !strcmp(sb->heartbeat, "healthy");
		out->total++;
		out->ready += ready;
		out->fresh += fresh;
		out->fresh_ready += fresh && ready;
		if (strcmp(sb->state, "running") || sb->heartbeat[0])
			continue;
		if (fresh && mode == WORKLOAD_FAIL_NEW) {
			heartbeat(sd, sb->id, "error");
			if (failed_id && !failed_id[0])
				snprintf(failed_id, 128, "%s", sb->id);
		} else if (!fresh || mode == WORKLOAD_HEALTHY) {
			heartbeat(sd, sb->id, "healthy");
		}
	}
	free(all);
	return 0;
}

static void pause_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};
	nanosleep(&ts, NULL);
}

/* The ids of the spec's sandboxes, sorted, joined: to see the old ones stayed. */
static char *ids_of_spec(const test_sandboxd *sd)
{
	test_sandbox *all;
	int count = test_list_all(sd, &all);
	char *ids = calloc(1, 8192);

	for (int i = 0; i < count; i++) {
		if (!strcmp(all[i].name, "web") && !strcmp(all[i].set, SET)) {
			strcat(ids, all[i].id);
			strcat(ids, " ");
		}
	}
	if (count >= 0)
		free(all);
	return ids;
}

/* The first apply: four old replicas, each reporting healthy. */
static void start_old(test_sandboxd *sd, char *path, size_t size)
{
	test_run run;
	snapshot now;

	CHECK_INT(test_sandboxd_start(sd, latency), 0);
	write_spec(sd, path, size, "base", NULL);
	CHECK_INT(test_run_apply(sd, (const char *[]){"apply", "-f", path, NULL}, NULL,
	                         NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 0);
	test_run_release(&run);
	CHECK_INT(look(sd, WORKLOAD_HEALTHY, &now, NULL), 0);
	CHECK_INT(look(sd, WORKLOAD_HEALTHY, &now, NULL), 0);
	CHECK_INT(now.total, 4);
	CHECK_INT(now.ready, 4);
}

/* A running sc-apply, its output in files under sd->dir. */
typedef struct apply_child {
	test_process process;
	char out_path[4200];
	char err_path[4200];
} apply_child;

static int start_apply(const test_sandboxd *sd, apply_child *child,
                       const char *const *args)
{
	const char *argv[16];
	char url_env[256], key_env[128];
	int argc = 0;

	argv[argc++] = SC_APPLY_BIN;
	for (; *args && argc < 15; args++)
		argv[argc++] = *args;
	argv[argc] = NULL;
	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", sd->base_url);
	snprintf(key_env, sizeof(key_env), "SEACLOUD_API_KEY=%s", TEST_API_KEY);
	const char *env[] = {url_env, key_env, NULL};
	snprintf(child->out_path, sizeof(child->out_path), "%s/apply.out", sd->dir);
	snprintf(child->err_path, sizeof(child->err_path), "%s/apply.err", sd->dir);
	return test_process_start_wrapped(&child->process, argv, env, NULL,
	                                  child->out_path, child->err_path);
}

/*
 * Plays the workload and watches the service until the apply ends; the
 * extremes seen go to low_ready and high_total. Returns its exit code.
 */
static int watch(const test_sandboxd *sd, apply_child *child, workload mode,
                 int *low_ready, int *high_total, char failed_id[128])
{
	*low_ready = 1000;
	*high_total = 0;
	for (int looks = 0; looks < 20000; looks++) {
		snapshot now;
		if (look(sd, mode, &now, failed_id) == 0) {
			if (now.ready < *low_ready)
				*low_ready = now.ready;
			if (now.total > *high_total)
				*high_total = now.total;
		}
		if (test_process_wait(&child->process, 0) == 0)
			return child->process.exit_status;
		pause_ms(10);
	}
	test_process_stop(&child->process, SIGKILL, 1000);
	return -1;
}

TEST(a_template_change_rolls_out_in_waves_within_surge_and_availability)
{
	test_sandboxd sd;
	char path[4200];
	apply_child child;
	int low_ready, high_total;

	start_old(&sd, path, sizeof(path));
	write_spec(&sd, path, sizeof(path), "code-interpreter", NULL);
	CHECK_INT(start_apply(&sd, &child, (const char *[]){"apply", "-f", path, NULL}),
	          0);
	int code = watch(&sd, &child, WORKLOAD_HEALTHY, &low_ready, &high_total, NULL);
	char *out = test_read_file(child.out_path), *err = test_read_file(child.err_path);
	CHECK_INT(code, 0);
	if (low_ready < 4 || high_total > 5)
		TEST_FAILURE("ready fell to %d (< 4) or the total rose to %d (> 5)\n%s%s",
		             low_ready, high_total, out, err);
	snapshot end;
	CHECK_INT(look(&sd, WORKLOAD_HEALTHY, &end, NULL), 0);
	CHECK_INT(end.total, 4);
	CHECK_INT(end.fresh_ready, 4);
	/* The plan shows the waves; the run says the rollout completed. */
	CHECK_CONTAINS(out, "wave 1 of 4");
	CHECK_CONTAINS(out, "complete");
	free(out);
	free(err);
	test_sandboxd_release(&sd);
}

TEST(a_heartbeat_error_stops_the_rollout_and_keeps_the_old_sandboxes)
{
	test_sandboxd sd;
	char path[4200], failed[128] = "";
	apply_child child;
	int low_ready, high_total;

	start_old(&sd, path, sizeof(path));
	char *before = ids_of_spec(&sd);
	write_spec(&sd, path, sizeof(path), "code-interpreter", NULL);
	CHECK_INT(start_apply(&sd, &child, (const char *[]){"apply", "-f", path, NULL}),
	          0);
	int code = watch(&sd, &child, WORKLOAD_FAIL_NEW, &low_ready, &high_total, failed);
	char *out = test_read_file(child.out_path), *err = test_read_file(child.err_path);
	CHECK_INT(code, 1);
	CHECK(low_ready >= 4);
	CHECK(high_total <= 5);
	/* The message names the new sandbox that failed. */
	CHECK(failed[0] != '\0');
	CHECK_CONTAINS(err, failed);
	CHECK_CONTAINS(err, "heartbeat error");
	/* The four old sandboxes are there, running; the failed new one is gone. */
	char *after = ids_of_spec(&sd);
	CHECK_STR(after, before);
	snapshot end;
	CHECK_INT(look(&sd, WORKLOAD_HEALTHY, &end, NULL), 0);
	CHECK_INT(end.total, 4);
	CHECK_INT(end.ready, 4);
	CHECK_INT(end.fresh, 0);
	free(before);
	free(after);
	free(out);
	free(err);
	test_sandboxd_release(&sd);
}

TEST(a_missed_progress_deadline_stops_the_rollout)
{
	test_sandboxd sd;
	char path[4200];
	apply_child child;
	snapshot now;

	start_old(&sd, path, sizeof(path));
	char *before = ids_of_spec(&sd);
	write_spec(&sd, path, sizeof(path), "code-interpreter",
	           ", progressDeadline: 600");
	CHECK_INT(start_apply(&sd, &child, (const char *[]){"apply", "-f", path, NULL}),
	          0);
	/* The new sandbox never reports; once it is up, the server's clock jumps past 600
	 * s. */
	int code = -1;
	bool advanced = false;
	for (int looks = 0; looks < 20000; looks++) {
		if (look(&sd, WORKLOAD_OLD_ONLY, &now, NULL) == 0 && now.fresh &&
		    !advanced)
			advanced = test_clock_advance(&sd, 601) == 0;
		if (test_process_wait(&child.process, 0) == 0) {
			code = child.process.exit_status;
			break;
		}
		pause_ms(10);
	}
	char *out = test_read_file(child.out_path), *err = test_read_file(child.err_path);
	CHECK(advanced);
	CHECK_INT(code, 1);
	CHECK_CONTAINS(err, "not ready 600 s after its wave began");
	char *after = ids_of_spec(&sd);
	CHECK_STR(after, before);
	free(before);
	free(after);
	free(out);
	free(err);
	test_sandboxd_release(&sd);
}

TEST(a_rollout_left_half_done_is_continued_by_the_next_apply)
{
	test_sandboxd sd;
	char path[4200];
	apply_child child;
	int low_ready, high_total;
	test_run run;

	start_old(&sd, path, sizeof(path));
	write_spec(&sd, path, sizeof(path), "code-interpreter", NULL);
	/* The new one never becomes ready in time: the run's --timeout ends it mid-wave.
	 */
	CHECK_INT(test_run_apply(
	              &sd, (const char *[]){"apply", "-f", path, "--timeout", "3s", NULL},
	              NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "a later apply continues it");
	test_run_release(&run);
	snapshot mid;
	CHECK_INT(look(&sd, WORKLOAD_OLD_ONLY, &mid, NULL), 0);
	CHECK_INT(mid.total, 5);
	CHECK_INT(mid.fresh, 1);
	/* plan sees the half-done rollout: nothing to do until the new one is ready. */
	CHECK_INT(test_run_apply(&sd,
	                         (const char *[]){"plan", "-f", path, "-o", "json", NULL},
	                         NULL, NULL, &run),
	          0);
	CHECK_CONTAINS(run.out,
	               "\"rollouts\":[{\"set\":\"roll\",\"name\":\"web\",\"replicas\":4,"
	               "\"updated\":1,\"ready\":0,\"old\":4,\"wave\":1,\"waves\":4,"
	               "\"state\":\"progressing\"");
	test_run_release(&run);
	/* The next apply, with the workload healthy, finishes it within the same bounds.
	 */
	CHECK_INT(start_apply(&sd, &child, (const char *[]){"apply", "-f", path, NULL}),
	          0);
	int code = watch(&sd, &child, WORKLOAD_HEALTHY, &low_ready, &high_total, NULL);
	CHECK_INT(code, 0);
	CHECK(low_ready >= 4);
	CHECK(high_total <= 5);
	snapshot end;
	CHECK_INT(look(&sd, WORKLOAD_HEALTHY, &end, NULL), 0);
	CHECK_INT(end.total, 4);
	CHECK_INT(end.fresh_ready, 4);
	test_sandboxd_release(&sd);
}

/* How many times the service was asked for its list (GET /_admin/stats). */
static long lists_served(const test_sandboxd *sd)
{
	char url[256];
	test_response response;
	long lists = -1;

	snprintf(url, sizeof(url), "%s/_admin/stats", sd->root_url);
	if (test_http(sd, "GET", url, TEST_API_KEY, NULL, &response) == 0 &&
	    response.status == 200) {
		cJSON *root = cJSON_Parse(response.body);
		cJSON *count = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "byRoute"),
		                                   "GET /sandboxes");
		lists = cJSON_IsNumber(count) ? (long)count->valuedouble : 0;
		cJSON_Delete(root);
	}
	test_response_release(&response);
	return lists;
}

/* The agent's first cycle finds a rollout waiting for readiness and carries it through.
 */
TEST(an_agent_cycle_continues_a_rollout_that_only_waits)
{
	test_sandboxd sd;
	char path[4200];
	apply_child child;
	test_run run;
	snapshot now;
	int low_ready = 1000, high_total = 0;

	start_old(&sd, path, sizeof(path));
	write_spec(&sd, path, sizeof(path), "code-interpreter", NULL);
	CHECK_INT(test_run_apply(
	              &sd, (const char *[]){"apply", "-f", path, "--timeout", "2s", NULL},
	              NULL, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 1);
	test_run_release(&run);
	/* One new sandbox, not ready: the plan has nothing to run now, only to wait. */
	CHECK_INT(look(&sd, WORKLOAD_OLD_ONLY, &now, NULL), 0);
	CHECK_INT(now.fresh, 1);
	CHECK_INT(test_stats_reset(&sd), 0);
	CHECK_INT(
	    start_apply(&sd, &child,
	                (const char *[]){"agent", "-f", path, "--interval", "1h", NULL}),
	    0);
	/* The cycle lists once to plan; it lists again only if it waits for readiness. */
	long lists = 0;
	for (int looks = 0; looks < 3000 && lists < 2; looks++) {
		lists = lists_served(&sd);
		pause_ms(10);
	}
	CHECK(lists >= 2);
	/* The next cycle is an hour away: only the first one can finish the rollout. */
	bool rolled = false;
	for (int looks = 0; looks < 6000 && !rolled; looks++) {
		if (look(&sd, WORKLOAD_HEALTHY, &now, NULL) == 0) {
			low_ready = now.ready < low_ready ? now.ready : low_ready;
			high_total = now.total > high_total ? now.total : high_total;
			rolled = now.total == 4 && now.fresh_ready == 4;
		}
		pause_ms(10);
	}
	test_process_stop(&child.process, SIGTERM, 10000);
	CHECK(rolled);
	CHECK(low_ready >= 4);
	CHECK(high_total <= 5);
	test_sandboxd_release(&sd);
}

/*
 * A service that shows no heartbeats: sandboxes in memory, listed without
 * any lastHeartbeat field, running as soon as they are made.
 */
typedef struct quiet_service {
	pthread_mutex_t lock;
	cJSON *sandboxes; /* array */
	int next_id;
	int most; /* the most sandboxes it held at once */
	bool forget; /* answers a create, and never lists what it made */
	bool clone;  /* each listing shows one more, starting, copy of one it made */
	int deletes; /* deletes answered */
	int creates; /* creates answered */
} quiet_service;

static cJSON *quiet_sandbox(quiet_service *sv, const char *template_id, cJSON *metadata)
{
	char id[32], started[32], end[32];
	cJSON *sandbox = cJSON_CreateObject();

	snprintf(id, sizeof(id), "quiet-%02d", sv->next_id++);
	sc_time_format_rfc3339(started, sc_time_now_ms());
	sc_time_format_rfc3339(end, sc_time_now_ms() + 3600 * 1000LL);
	cJSON_AddStringToObject(sandbox, "sandboxID", id);
	cJSON_AddStringToObject(sandbox, "templateID", template_id);
	cJSON_AddStringToObject(sandbox, "state", "running");
	cJSON_AddStringToObject(sandbox, "startedAt", started);
	cJSON_AddStringToObject(sandbox, "endAt", end);
	cJSON_AddItemToObject(sandbox, "metadata", metadata);
	cJSON_AddItemToArray(sv->sandboxes, sandbox);
	if (cJSON_GetArraySize(sv->sandboxes) > sv->most)
		sv->most = cJSON_GetArraySize(sv->sandboxes);
	return sandbox;
}

static void quiet_script(void *ctx, const test_script_request *request,
                         test_script_reply *reply)
{
	quiet_service *sv = ctx;
	const char *path = strstr(request->target, "/sandboxes");

	pthread_mutex_lock(&sv->lock);
	if (!path) {
		test_script_reply_text(reply, 404, "{\"message\":\"not found\"}");
	} else if (!strcmp(request->method, "GET") && (!path[10] || path[10] == '?')) {
		cJSON *made = NULL, *each;
		cJSON_ArrayForEach(each, sv->sandboxes)
		{
			if (cJSON_GetObjectItem(cJSON_GetObjectItem(each, "metadata"), "sc-apply/hash"))
				made = each;
		}
		if (sv->clone && made)
			cJSON_SetValuestring(
			    cJSON_GetObjectItem(
			        quiet_sandbox(sv, "base",
			                      cJSON_Duplicate(cJSON_GetObjectItem(made, "metadata"),
			                                      true)),
			        "state"),
			    "starting");
		char *text = cJSON_PrintUnformatted(sv->sandboxes);
		test_script_reply_text(reply, 200, text);
		free(text);
	} else if (!strcmp(request->method, "POST") && !path[10]) {
		cJSON *body = cJSON_ParseWithLength(request->body, request->body_len);
		cJSON *metadata = cJSON_DetachItemFromObject(body, "metadata");
		cJSON *template_id = cJSON_GetObjectItem(body, "templateID");
		cJSON *made = quiet_sandbox(
		    sv, cJSON_IsString(template_id) ? template_id->valuestring : "base",
		    metadata ? metadata : cJSON_CreateObject());
		char *text = cJSON_PrintUnformatted(made);
		sv->creates++;
		if (sv->forget)
			cJSON_Delete(cJSON_DetachItemFromArray(sv->sandboxes,
			                                       cJSON_GetArraySize(sv->sandboxes) - 1));
		test_script_reply_text(reply, 201, text);
		free(text);
		cJSON_Delete(body);
	} else if (!strcmp(request->method, "DELETE") && path[10] == '/') {
		int n = cJSON_GetArraySize(sv->sandboxes);
		sv->deletes++;
		for (int i = 0; i < n; i++) {
			cJSON *id = cJSON_GetObjectItem(
			    cJSON_GetArrayItem(sv->sandboxes, i), "sandboxID");
			if (!strcmp(id->valuestring, path + 11)) {
				cJSON_DeleteItemFromArray(sv->sandboxes, i);
				break;
			}
		}
		test_script_reply_text(reply, 204, "");
	} else {
		test_script_reply_text(reply, 404, "{\"message\":\"not found\"}");
	}
	pthread_mutex_unlock(&sv->lock);
}

/* readiness: heartbeat against a server that shows none: said, and running is ready. */
TEST(a_server_without_heartbeats_is_said_and_not_waited_for)
{
	quiet_service sv = {.sandboxes = cJSON_CreateArray()};
	test_script_server server;
	test_run run;
	char dir_template[] = "/tmp/sc-rollout-XXXXXX";
	char path[200], url_env[200];

	pthread_mutex_init(&sv.lock, NULL);
	char *dir = mkdtemp(dir_template);
	CHECK(dir != NULL);
	/* Two replicas made before: labelled for the spec, with no hash of it: stale. */
	for (int i = 0; i < 2; i++) {
		cJSON *metadata = cJSON_CreateObject();
		cJSON_AddStringToObject(metadata, "sc-apply/set", SET);
		cJSON_AddStringToObject(metadata, "sc-apply/name", "web");
		quiet_sandbox(&sv, "base", metadata);
	}
	snprintf(path, sizeof(path), "%s/web.yaml", dir);
	CHECK_INT(test_write_file(
	              path,
	              "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	              "metadata: {name: web, set: " SET "}\n"
	              "spec:\n  replicas: 2\n  timeout: 3600\n  readiness: heartbeat\n"
	              "  rollout: {maxSurge: 1}\n"),
	          0);
	CHECK_INT(test_script_server_start(&server, quiet_script, &sv), 0);
	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", server.base_url);
	const char *env[] = {url_env, "SEACLOUD_API_KEY=" TEST_API_KEY, NULL};
	test_sandboxd where = {.dir = dir};
	CHECK_INT(test_run_apply(
	              &where,
	              (const char *[]){"apply", "-f", path, "--timeout", "60s", NULL},
	              env, NULL, &run),
	          0);
	test_script_server_stop(&server);
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.err, "the server shows no heartbeats");
	/* Said once, though every wave plans again. */
	const char *said = strstr(run.err, "the server shows no heartbeats");
	CHECK(said && !strstr(said + 1, "the server shows no heartbeats"));
	CHECK_CONTAINS(run.out, "Rollout roll/web complete");
	CHECK_INT(cJSON_GetArraySize(sv.sandboxes), 2);
	CHECK(sv.most <= 3);
	test_run_release(&run);
	cJSON_Delete(sv.sandboxes);
	pthread_mutex_destroy(&sv.lock);
	remove(path);
	rmdir(dir);
}

/*
 * A service that answers each create and never lists what it made: every
 * wave would create again. A rollout creates no more than it replaces.
 */
TEST(a_service_that_loses_creates_does_not_make_a_rollout_create_forever)
{
	quiet_service sv = {.sandboxes = cJSON_CreateArray(), .forget = true};
	test_script_server server;
	test_run run;
	char dir_template[] = "/tmp/sc-rollout-XXXXXX";
	char path[200], url_env[200];

	pthread_mutex_init(&sv.lock, NULL);
	char *dir = mkdtemp(dir_template);
	CHECK(dir != NULL);
	for (int i = 0; i < 2; i++) {
		cJSON *metadata = cJSON_CreateObject();
		cJSON_AddStringToObject(metadata, "sc-apply/set", SET);
		cJSON_AddStringToObject(metadata, "sc-apply/name", "web");
		quiet_sandbox(&sv, "base", metadata);
	}
	snprintf(path, sizeof(path), "%s/web.yaml", dir);
	CHECK_INT(test_write_file(path, "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	                                "metadata: {name: web, set: " SET "}\n"
	                                "spec:\n  replicas: 2\n  timeout: 3600\n"
	                                "  rollout: {maxSurge: 1}\n"),
	          0);
	CHECK_INT(test_script_server_start(&server, quiet_script, &sv), 0);
	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", server.base_url);
	const char *env[] = {url_env, "SEACLOUD_API_KEY=" TEST_API_KEY, NULL};
	test_sandboxd where = {.dir = dir};
	CHECK_INT(test_run_apply(
	              &where,
	              (const char *[]){"apply", "-f", path, "--timeout", "20s", NULL},
	              env, NULL, &run),
	          0);
	test_script_server_stop(&server);
	CHECK_INT(run.exit_code, 1);
	CHECK(sv.creates <= 2);
	CHECK_CONTAINS(run.err, "the service does not list the sandboxes it created");
	CHECK_CONTAINS(run.err, "rollout of 'web' in set '" SET "'");
	CHECK_INT(cJSON_GetArraySize(sv.sandboxes), 2); /* the old ones stay */
	test_run_release(&run);
	cJSON_Delete(sv.sandboxes);
	pthread_mutex_destroy(&sv.lock);
	remove(path);
	rmdir(dir);
}

/*
 * A service that shows one more new sandbox at each listing: a rollout
 * would delete the surplus at every wave. Within one run no more is
 * deleted than --max-delete, and the run ends.
 */
TEST(a_service_that_invents_sandboxes_does_not_make_a_rollout_delete_forever)
{
	quiet_service sv = {.sandboxes = cJSON_CreateArray(), .clone = true};
	test_script_server server;
	test_run run;
	char dir_template[] = "/tmp/sc-rollout-XXXXXX";
	char path[200], url_env[200];

	pthread_mutex_init(&sv.lock, NULL);
	char *dir = mkdtemp(dir_template);
	CHECK(dir != NULL);
	for (int i = 0; i < 2; i++) {
		cJSON *metadata = cJSON_CreateObject();
		cJSON_AddStringToObject(metadata, "sc-apply/set", SET);
		cJSON_AddStringToObject(metadata, "sc-apply/name", "web");
		quiet_sandbox(&sv, "base", metadata);
	}
	snprintf(path, sizeof(path), "%s/web.yaml", dir);
	CHECK_INT(test_write_file(path, "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	                                "metadata: {name: web, set: " SET "}\n"
	                                "spec:\n  replicas: 2\n  timeout: 3600\n"
	                                "  rollout: {maxSurge: 1}\n"),
	          0);
	CHECK_INT(test_script_server_start(&server, quiet_script, &sv), 0);
	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", server.base_url);
	const char *env[] = {url_env, "SEACLOUD_API_KEY=" TEST_API_KEY, NULL};
	test_sandboxd where = {.dir = dir};
	/* With --max-delete 1: no more pure deletes than that in the whole run. */
	CHECK_INT(test_run_apply(&where,
	                         (const char *[]){"apply", "-f", path, "--timeout", "60s",
	                                          "--max-delete", "1", NULL},
	                         env, NULL, &run),
	          0);
	CHECK_INT(run.exit_code, 1);
	CHECK(!strstr(run.err, "--timeout ran out"));
	CHECK(sv.deletes <= 1 + 2); /* --max-delete, and the replaced old ones */
	CHECK_CONTAINS(run.err, "more than --max-delete in one run");
	test_run_release(&run);
	/* Without --max-delete: the run still ends before its --timeout. */
	sv.deletes = 0;
	CHECK_INT(test_run_apply(
	              &where,
	              (const char *[]){"apply", "-f", path, "--timeout", "60s", NULL},
	              env, NULL, &run),
	          0);
	test_script_server_stop(&server);
	CHECK_INT(run.exit_code, 1);
	CHECK(!strstr(run.err, "--timeout ran out"));
	CHECK_CONTAINS(run.err, "the service shows sandboxes this run did not make");
	CHECK(sv.deletes <= 2 + 2 + 3); /* the ones it had (2 old, one made, 2 shown), 2 made */
	test_run_release(&run);
	cJSON_Delete(sv.sandboxes);
	pthread_mutex_destroy(&sv.lock);
	remove(path);
	rmdir(dir);
}

int main(void)
{
	RUN(a_server_without_heartbeats_is_said_and_not_waited_for);
	RUN(a_service_that_loses_creates_does_not_make_a_rollout_create_forever);
	RUN(a_service_that_invents_sandboxes_does_not_make_a_rollout_delete_forever);
	RUN(a_template_change_rolls_out_in_waves_within_surge_and_availability);
	RUN(a_heartbeat_error_stops_the_rollout_and_keeps_the_old_sandboxes);
	RUN(a_missed_progress_deadline_stops_the_rollout);
	RUN(a_rollout_left_half_done_is_continued_by_the_next_apply);
	RUN(an_agent_cycle_continues_a_rollout_that_only_waits);
	return test_summary();
}
