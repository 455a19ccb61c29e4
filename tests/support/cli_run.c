#include "support/cli_run.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/timeutil.h"

#ifndef SC_APPLY_BIN
#define SC_APPLY_BIN "sc-apply"
#endif

int test_run_apply(const test_sandboxd *sd, const char *const *args,
                   const char *const *extra_env, const char *stdin_path, test_run *out)
{
	static int counter;
	const char *argv[64];
	const char *env[32];
	char out_path[4200], err_path[4200], url_env[256], key_env[128];
	int argc = 0, envc = 0;
	const char *dir = sd && sd->dir ? sd->dir : "/tmp";

	memset(out, 0, sizeof(*out));
	argv[argc++] = SC_APPLY_BIN;
	for (; args && *args && argc < 63; args++)
		argv[argc++] = *args;
	argv[argc] = NULL;
	if (sd) {
		snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", sd->base_url);
		snprintf(key_env, sizeof(key_env), "SEACLOUD_API_KEY=%s", TEST_API_KEY);
		env[envc++] = url_env;
		env[envc++] = key_env;
	}
	for (; extra_env && *extra_env && envc < 31; extra_env++)
		env[envc++] = *extra_env;
	env[envc] = NULL;
	counter++;
	snprintf(out_path, sizeof(out_path), "%s/run-%d-%d.out", dir, (int)getpid(), counter);
	snprintf(err_path, sizeof(err_path), "%s/run-%d-%d.err", dir, (int)getpid(), counter);
	test_process process;
	if (test_process_start_wrapped(&process, argv, env, stdin_path, out_path, err_path))
		return -1;
	if (test_process_wait(&process, 240000)) {
		test_process_stop(&process, 9, 1000);
		return -1;
	}
	out->exit_code = process.exit_status;
	out->out = test_read_file(out_path);
	out->err = test_read_file(err_path);
	if (!out->out)
		out->out = calloc(1, 1);
	if (!out->err)
		out->err = calloc(1, 1);
	remove(out_path);
	remove(err_path);
	return 0;
}

void test_run_release(test_run *run)
{
	free(run->out);
	free(run->err);
	memset(run, 0, sizeof(*run));
}

long test_stats_writes(const test_sandboxd *sd)
{
	return test_stats_number(sd, "writes");
}

long test_stats_number(const test_sandboxd *sd, const char *field)
{
	char url[256];
	test_response response;
	long writes = -1;

	snprintf(url, sizeof(url), "%s/_admin/stats", sd->root_url);
	if (test_http(sd, "GET", url, TEST_API_KEY, NULL, &response) == 0 &&
	    response.status == 200) {
		cJSON *root = cJSON_Parse(response.body);
		cJSON *value = cJSON_GetObjectItemCaseSensitive(root, field);
		if (cJSON_IsNumber(value))
			writes = (long)value->valuedouble;
		cJSON_Delete(root);
	}
	test_response_release(&response);
	return writes;
}

int test_stats_reset(const test_sandboxd *sd)
{
	char url[256];
	test_response response;

	snprintf(url, sizeof(url), "%s/_admin/stats/reset", sd->root_url);
	int rc = test_http(sd, "POST", url, TEST_API_KEY, "{}", &response);
	rc = rc == 0 && response.status < 300 ? 0 : -1;
	test_response_release(&response);
	return rc;
}

int test_clock_advance(const test_sandboxd *sd, long seconds)
{
	char url[256], body[64];
	test_response response;

	snprintf(url, sizeof(url), "%s/_admin/clock", sd->root_url);
	snprintf(body, sizeof(body), "{\"advance\":%ld}", seconds);
	int rc = test_http(sd, "POST", url, TEST_API_KEY, body, &response);
	rc = rc == 0 && response.status < 300 ? 0 : -1;
	test_response_release(&response);
	return rc;
}

static void copy_string(char *out, size_t size, const cJSON *object, const char *key)
{
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(object, key);
	snprintf(out, size, "%s", cJSON_IsString(value) ? value->valuestring : "");
}

static void read_sandbox(test_sandbox *out, const cJSON *item)
{
	const cJSON *metadata = cJSON_GetObjectItemCaseSensitive(item, "metadata");
	char end_at[64];

	memset(out, 0, sizeof(*out));
	copy_string(out->id, sizeof(out->id), item, "sandboxID");
	copy_string(out->state, sizeof(out->state), item, "state");
	copy_string(out->template_id, sizeof(out->template_id), item, "templateID");
	copy_string(out->set, sizeof(out->set), metadata, "sc-apply/set");
	copy_string(out->name, sizeof(out->name), metadata, "sc-apply/name");
	copy_string(out->create_token, sizeof(out->create_token), metadata,
	            "sc-apply/create-token");
	copy_string(out->heartbeat, sizeof(out->heartbeat),
	            cJSON_GetObjectItemCaseSensitive(item, "lastHeartbeat"), "status");
	copy_string(end_at, sizeof(end_at), item, "endAt");
	int64_t ms = 0;
	if (sc_time_parse_rfc3339(end_at, &ms) == 0)
		out->end_at_ms = ms;
}

/* Percent-encodes everything but unreserved characters; malloc'd. */
static char *escape_query(const char *text)
{
	char *out = malloc(strlen(text) * 3 + 1), *p = out;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~", *c))
			*p++ = (char)*c;
		else
			p += sprintf(p, "%%%02X", *c);
	}
	*p = '\0';
	return out;
}

int test_list_all(const test_sandboxd *sd, test_sandbox **out)
{
	char path[1024] = "/sandboxes?limit=100";
	int count = 0;

	*out = NULL;
	for (;;) {
		test_response response;
		if (test_http(sd, "GET", path, TEST_API_KEY, NULL, &response) ||
		    response.status != 200) {
			test_response_release(&response);
			free(*out);
			*out = NULL;
			return -1;
		}
		cJSON *root = cJSON_Parse(response.body);
		const cJSON *item;
		cJSON_ArrayForEach(item, root)
		{
			*out = realloc(*out, (size_t)(count + 1) * sizeof(**out));
			read_sandbox(&(*out)[count++], item);
		}
		cJSON_Delete(root);
		char *next = test_response_header(&response, "X-Next-Token");
		test_response_release(&response);
		if (!next || !*next) {
			free(next);
			return count;
		}
		char *escaped = escape_query(next);
		snprintf(path, sizeof(path), "/sandboxes?limit=100&nextToken=%s", escaped);
		free(escaped);
		free(next);
	}
}

int test_count(const test_sandbox *all, int count, const char *set, const char *name,
               const char *state)
{
	int matches = 0;
	for (int i = 0; i < count; i++) {
		if (set && strcmp(all[i].set, set))
			continue;
		if (name && strcmp(all[i].name, name))
			continue;
		if (state && strcmp(all[i].state, state))
			continue;
		matches++;
	}
	return matches;
}
