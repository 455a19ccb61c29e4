/* sc-sandboxd --data: state and clock survive a clean restart and a kill -9 after an
 * acknowledged write; a write the journal refuses changes nothing. */
#define _GNU_SOURCE /* prlimit */
#include "sdtest.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

static char *get_field(const test_sandboxd *sd, const char *id, const char *field)
{
	char url[256];
	long status;
	snprintf(url, sizeof(url), "/sandboxes/%s", id);
	cJSON *json = sdt_call(sd, "GET", url, NULL, &status);
	const char *value = status == 200 ? sdt_str(json, field) : NULL;
	char *copy = strdup(value ? value : "gone");
	cJSON_Delete(json);
	return copy;
}

static int64_t server_date(const test_sandboxd *sd)
{
	test_response r;
	int64_t ms = 0;
	test_http(sd, "GET", "/sandboxes?limit=1", TEST_API_KEY, NULL, &r);
	char *date = test_response_header(&r, "Date");
	sc_time_parse_http(date, &ms);
	free(date);
	test_response_release(&r);
	return ms;
}

TEST(clean_restart_keeps_everything)
{
	test_sandboxd sd;
	char data[4200], url[256];

	SDT_START(sd, "--log-requests");
	snprintf(data, sizeof(data), "%s/state.journal", sd.dir);
	test_sandboxd_stop(&sd);
	const char *args[] = {"--data", data, NULL};
	if (test_sandboxd_restart(&sd, args)) {
		TEST_FAILURE("no restart");
		return;
	}
	char *a = sdt_create(&sd, "{\"timeout\":1000,\"metadata\":{\"k\":\"v\"},"
	                          "\"envVars\":{\"E\":\"never-stored-value\"},"
	                          "\"volumeMounts\":[{\"name\":\"n\",\"path\":\"/p\"}]}");
	char *b = sdt_create(&sd, "{\"autoPause\":true}");
	char *c = sdt_create(&sd, NULL);
	char *end_a = get_field(&sd, a, "endAt");
	snprintf(url, sizeof(url), "/sandboxes/%s/pause", b);
	CHECK_INT(sdt_status(&sd, "POST", url, NULL), 204);
	snprintf(url, sizeof(url), "/sandboxes/%s", c);
	CHECK_INT(sdt_status(&sd, "DELETE", url, NULL), 204);
	snprintf(url, sizeof(url), "%s/_admin/clock", sd.root_url);
	CHECK_INT(sdt_status(&sd, "POST", url, "{\"advance\":100}"), 200);

	/* A second server on the same journal refuses to start. */
	test_process other;
	char other_log[4300];
	snprintf(other_log, sizeof(other_log), "%s/other.log", sd.dir);
	const char *argv[] = {SC_SANDBOXD_BIN, "--no-auth", "--listen", "127.0.0.1:0",
	                      "--data",        data,        NULL};
	CHECK_INT(test_process_start(&other, argv, NULL, NULL, other_log, other_log), 0);
	if (test_process_wait(&other, 10000))
		test_process_stop(&other, SIGTERM, 5000);
	CHECK_INT(other.exit_status, 1);
	char *text = test_read_file(other_log);
	CHECK_CONTAINS(text, "in use by another sc-sandboxd");
	free(text);

	CHECK_INT(test_sandboxd_stop(&sd), 0);
	char *journal = test_read_file(data);
	CHECK(journal != NULL);
	CHECK_NOT_CONTAINS(journal, "never-stored-value");
	free(journal);
	CHECK_INT(test_sandboxd_restart(&sd, args), 0);

	char *value = get_field(&sd, a, "endAt");
	CHECK_STR(value, end_a);
	free(value);
	value = get_field(&sd, b, "state");
	CHECK_STR(value, "paused");
	free(value);
	value = get_field(&sd, c, "state");
	CHECK_STR(value, "gone");
	free(value);
	long status;
	snprintf(url, sizeof(url), "/sandboxes/%s", a);
	cJSON *json = sdt_call(&sd, "GET", url, NULL, &status);
	CHECK_STR(sdt_str(cJSON_GetObjectItem(json, "metadata"), "k"), "v");
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(json, "volumeMounts")), 1);
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(json, "timeline")) >= 1);
	cJSON_Delete(json);
	int64_t skew = server_date(&sd) - sc_time_now_ms();
	CHECK(skew > 95000 && skew < 110000); /* the clock offset persisted */
	CHECK_INT(sdt_list_all(&sd, NULL, 100, NULL), 2);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
	free(a);
	free(b);
	free(c);
	free(end_a);
}

TEST(kill_9_loses_no_acknowledged_write)
{
	test_sandboxd sd;
	char data[4200], url[256];
	char *ids[20];

	SDT_START(sd, "--log-requests");
	/* --data as a directory. */
	snprintf(data, sizeof(data), "%s", sd.dir);
	test_sandboxd_stop(&sd);
	const char *args[] = {"--data", data, NULL};
	CHECK_INT(test_sandboxd_restart(&sd, args), 0);
	for (int i = 0; i < 20; i++)
		ids[i] = sdt_create(&sd, "{\"metadata\":{\"set\":\"k9\"}}");
	for (int i = 0; i < 5; i++) {
		snprintf(url, sizeof(url), "/sandboxes/%s", ids[i]);
		CHECK_INT(sdt_status(&sd, "DELETE", url, NULL), 204);
	}
	for (int i = 5; i < 8; i++) {
		snprintf(url, sizeof(url), "/sandboxes/%s/pause", ids[i]);
		CHECK_INT(sdt_status(&sd, "POST", url, NULL), 204);
	}
	snprintf(url, sizeof(url), "/sandboxes/%s/timeout", ids[10]);
	CHECK_INT(sdt_status(&sd, "POST", url, "{\"timeout\":7777}"), 204);
	char *end = get_field(&sd, ids[10], "endAt");

	test_process_stop(&sd.process, SIGKILL, 5000);
	CHECK_INT(test_sandboxd_restart(&sd, args), 0);
	CHECK_INT(sdt_list_all(&sd, "metadata[set]=k9", 100, NULL), 15);
	CHECK_INT(sdt_list_all(&sd, "metadata[set]=k9&state=paused", 100, NULL), 3);
	char *after = get_field(&sd, ids[10], "endAt");
	CHECK_STR(after, end);
	free(after);
	free(end);

	/* A torn last line (a write cut by a crash) is ignored. */
	test_process_stop(&sd.process, SIGKILL, 5000);
	char journal[4300];
	snprintf(journal, sizeof(journal), "%s/sandboxd.journal", data);
	FILE *f = fopen(journal, "a");
	fputs("{\"op\":\"del\",\"id\":\"", f);
	fclose(f);
	CHECK_INT(test_sandboxd_restart(&sd, args), 0);
	CHECK_INT(sdt_list_all(&sd, "metadata[set]=k9", 100, NULL), 15);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
	for (int i = 0; i < 20; i++)
		free(ids[i]);
}

TEST(memory_only_without_data)
{
	test_sandboxd sd;
	SDT_START(sd, "--max-sandboxes", "1000");
	free(sdt_create(&sd, NULL));
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	const char *none[] = {NULL};
	CHECK_INT(test_sandboxd_restart(&sd, none), 0);
	CHECK_INT(sdt_list_all(&sd, NULL, 100, NULL), 0);
	test_sandboxd_release(&sd);
}

/* Sets the file size limit of a running server (soft limit only: it can go back up). */
static int set_file_size_limit(pid_t pid, rlim_t bytes)
{
	struct rlimit limit;
	if (prlimit(pid, RLIMIT_FSIZE, NULL, &limit))
		return -1;
	limit.rlim_cur = bytes;
	return prlimit(pid, RLIMIT_FSIZE, &limit, NULL);
}

static long journal_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long)st.st_size;
}

static char *health(const test_sandboxd *sd, long *status)
{
	char url[256];
	test_response r;
	snprintf(url, sizeof(url), "%s/_admin/health", sd->root_url);
	test_http(sd, "GET", url, NULL, NULL, &r); /* a probe needs no key */
	*status = r.status;
	char *body = strdup(r.body);
	test_response_release(&r);
	return body;
}

TEST(a_failed_journal_write_changes_nothing)
{
	test_sandboxd sd;
	char url[512], journal[4300];
	long status;

	/* The server inherits it: a write past the limit fails instead of killing it. */
	signal(SIGXFSZ, SIG_IGN);
	SDT_START(sd, "--log-requests");
	test_sandboxd_stop(&sd);
	const char *args[] = {"--data", sd.dir, NULL};
	CHECK_INT(test_sandboxd_restart(&sd, args), 0);
	snprintf(journal, sizeof(journal), "%s/sandboxd.journal", sd.dir);
	char *a = sdt_create(&sd, "{\"metadata\":{\"set\":\"w\"}}");
	char *b = sdt_create(&sd, "{\"metadata\":{\"set\":\"w\"}}");
	free(health(&sd, &status));
	CHECK_INT(status, 200);
	char *end_a = get_field(&sd, a, "endAt");

	/* The journal can take 10 more bytes: the next record is cut short. */
	CHECK_INT(set_file_size_limit(sd.process.pid, (rlim_t)journal_size(journal) + 10),
	          0);
	char *message = sdt_error(&sd, "POST", "/sandboxes",
	                          "{\"metadata\":{\"set\":\"w\"}}", &status);
	CHECK_INT(status, 503);
	CHECK_CONTAINS(message, "journal cannot be written");
	free(message);
	CHECK_INT(sdt_list_all(&sd, "metadata[set]=w", 100, NULL), 2);
	char *body = health(&sd, &status);
	CHECK_INT(status, 503);
	CHECK_CONTAINS(body, "unhealthy");
	free(body);
	snprintf(url, sizeof(url), "/sandboxes/%s/pause", a);
	CHECK_INT(sdt_status(&sd, "POST", url, NULL), 503);
	char *state = get_field(&sd, a, "state");
	CHECK_STR(state, "running");
	free(state);
	snprintf(url, sizeof(url), "/sandboxes/%s/timeout", a);
	CHECK_INT(sdt_status(&sd, "POST", url, "{\"timeout\":999}"), 503);
	char *end = get_field(&sd, a, "endAt");
	CHECK_STR(end, end_a);
	free(end);
	snprintf(url, sizeof(url), "/sandboxes/%s", b);
	CHECK_INT(sdt_status(&sd, "DELETE", url, NULL), 503);
	CHECK_INT(sdt_status(&sd, "GET", url, NULL), 200);
	snprintf(url, sizeof(url), "%s/_admin/clock", sd.root_url);
	CHECK_INT(sdt_status(&sd, "POST", url, "{\"advance\":100}"), 503);
	cJSON *clock = sdt_call(&sd, "GET", url, NULL, &status);
	CHECK_INT(cJSON_GetObjectItem(clock, "offsetMs")->valuedouble, 0);
	cJSON_Delete(clock);

	/* Room again: writes go through, the server is healthy. */
	CHECK_INT(set_file_size_limit(sd.process.pid, RLIM_INFINITY), 0);
	char *c = sdt_create(&sd, "{\"metadata\":{\"set\":\"w\"}}");
	CHECK(c != NULL);
	free(health(&sd, &status));
	CHECK_INT(status, 200);

	/* What was acknowledged, and only that, survives a kill -9. */
	test_process_stop(&sd.process, SIGKILL, 5000);
	CHECK_INT(test_sandboxd_restart(&sd, args), 0);
	CHECK_INT(sdt_list_all(&sd, "metadata[set]=w", 100, NULL), 3);
	state = get_field(&sd, a, "state");
	CHECK_STR(state, "running");
	free(state);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
	signal(SIGXFSZ, SIG_DFL);
	free(a);
	free(b);
	free(c);
	free(end_a);
}

int main(void)
{
	RUN(clean_restart_keeps_everything);
	RUN(kill_9_loses_no_acknowledged_write);
	RUN(memory_only_without_data);
	RUN(a_failed_journal_write_changes_nothing);
	return test_summary();
}
