/* sc-sandboxd: auth, both layouts, create fields and every create rejection, 404/405/413.
 */
#include "sdtest.h"

#include "support/process.h"

#include <signal.h>

static test_sandboxd sd;

TEST(auth_is_required)
{
	test_response r;
	char url[256];

	test_http(&sd, "GET", "/sandboxes", NULL, NULL, &r);
	CHECK_INT(r.status, 401);
	CHECK_CONTAINS(r.body, "\"code\":401");
	test_response_release(&r);
	test_http(&sd, "GET", "/sandboxes", "wrong-key", NULL, &r);
	CHECK_INT(r.status, 401);
	CHECK_NOT_CONTAINS(r.body, "wrong-key");
	test_response_release(&r);
	/* Admin routes need the key too. */
	snprintf(url, sizeof(url), "%s/_admin/stats", sd.root_url);
	test_http(&sd, "GET", url, NULL, NULL, &r);
	CHECK_INT(r.status, 401);
	test_response_release(&r);
}

TEST(bearer_is_accepted)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
	         "curl -s -o /dev/null -w '%%{http_code}' -H 'Authorization: Bearer %s' "
	         "%s/sandboxes > %s/bearer.out",
	         TEST_API_KEY, sd.base_url, sd.dir);
	CHECK_INT(system(cmd), 0);
	char path[4200];
	snprintf(path, sizeof(path), "%s/bearer.out", sd.dir);
	char *out = test_read_file(path);
	CHECK_STR(out, "200");
	free(out);
}

/* The status curl reports for extra curl arguments against url. */
static char *curl_status(const char *args, const char *url)
{
	char cmd[6000], path[4200];
	snprintf(path, sizeof(path), "%s/curl.out", sd.dir);
	snprintf(cmd, sizeof(cmd), "curl -s -o /dev/null -w '%%{http_code}' %s '%s' > %s", args,
	         url, path);
	if (system(cmd) != 0)
		return NULL;
	return test_read_file(path);
}

TEST(bearer_counts_even_beside_a_wrong_x_api_key)
{
	char args[256], *out;
	snprintf(args, sizeof(args), "-H 'X-API-Key: wrong' -H 'Authorization: Bearer %s'",
	         TEST_API_KEY);
	char url[256];
	snprintf(url, sizeof(url), "%s/sandboxes", sd.base_url);
	out = curl_status(args, url);
	CHECK_STR(out, "200");
	free(out);
}

TEST(head_is_get_without_a_body)
{
	char args[256], url[256];
	snprintf(args, sizeof(args), "-I -H 'X-API-Key: %s'", TEST_API_KEY);
	snprintf(url, sizeof(url), "%s/sandboxes", sd.base_url);
	char *out = curl_status(args, url);
	CHECK_STR(out, "200");
	free(out);
}

TEST(nothing_may_trail_the_json_body)
{
	char *message = NULL;
	long status = 0;
	message = sdt_error(&sd, "POST", "/sandboxes", "{\"timeout\":10} trailing", &status);
	CHECK_INT(status, 400);
	CHECK_CONTAINS(message, "body");
	free(message);
	CHECK_INT(sdt_status(&sd, "POST", "/sandboxes", "{\"timeout\":10} \n"), 201);
}

TEST(octets_with_leading_zeros_are_rejected)
{
	long status = 0;
	char *message = sdt_error(&sd, "POST", "/sandboxes",
	                          "{\"network\":{\"allowOut\":[\"01.2.3.4\"]}}", &status);
	CHECK_INT(status, 400);
	CHECK_CONTAINS(message, "network.allowOut[0]");
	free(message);
	CHECK_INT(sdt_status(&sd, "POST", "/sandboxes",
	                     "{\"network\":{\"allowOut\":[\"1.2.3.4/08\"]}}"),
	          400);
	CHECK_INT(sdt_status(&sd, "POST", "/sandboxes",
	                     "{\"network\":{\"allowOut\":[\"10.0.0.0/8\"]}}"),
	          201);
}

TEST(an_empty_metadata_key_is_refused)
{
	long status = 0;
	char *message = sdt_error(&sd, "GET", "/sandboxes?metadata[]=x", NULL, &status);
	CHECK_INT(status, 400);
	CHECK_CONTAINS(message, "metadata[]");
	free(message);
}

TEST(no_key_refuses_to_start)
{
	test_process p;
	char *dir = test_make_temp_dir("sd-nokey"), log[4200];
	snprintf(log, sizeof(log), "%s/log", dir);
	const char *argv[] = {SC_SANDBOXD_BIN, "--listen", "127.0.0.1:0", NULL};
	const char *env[] = {"SC_SANDBOXD_API_KEY=", NULL};
	CHECK_INT(test_process_start(&p, argv, env, NULL, log, log), 0);
	CHECK_INT(test_process_wait(&p, 10000), 0);
	CHECK(p.exit_status != 0);
	char *text = test_read_file(log);
	CHECK_CONTAINS(text, "no API key");
	CHECK_CONTAINS(text, "--no-auth");
	free(text);

	const char *help[] = {SC_SANDBOXD_BIN, "--help", NULL};
	CHECK_INT(test_process_start(&p, help, NULL, NULL, log, NULL), 0);
	CHECK_INT(test_process_wait(&p, 10000), 0);
	CHECK_INT(p.exit_status, 0);
	text = test_read_file(log);
	CHECK_CONTAINS(text, "--no-auth");
	CHECK_CONTAINS(text, "--fault-kinds");
	free(text);
	test_rmtree(dir);
	free(dir);
}

TEST(no_auth_and_env_key)
{
	test_sandboxd open;
	SDT_START(open, "--no-auth");
	test_response r;
	test_http(&open, "GET", "/sandboxes", NULL, NULL, &r);
	CHECK_INT(r.status, 200);
	CHECK_STR(r.body, "[]");
	test_response_release(&r);
	test_sandboxd_release(&open);

	/* The key from SC_SANDBOXD_API_KEY, and a clean stop on SIGINT. */
	test_process p;
	char *dir = test_make_temp_dir("sd-envkey"), port_file[4200], log[4200];
	snprintf(port_file, sizeof(port_file), "%s/port", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	const char *argv[] = {
	    SC_SANDBOXD_BIN, "--listen",       "127.0.0.1:0", "--port-file",
	    port_file,       "--log-requests", NULL};
	const char *env[] = {"SC_SANDBOXD_API_KEY=env-key-42", NULL};
	CHECK_INT(test_process_start(&p, argv, env, NULL, log, log), 0);
	char *port = NULL;
	for (int i = 0; i < 500 && !(port = test_read_file(port_file)); i++)
		sdt_sleep_ms(10);
	CHECK(port != NULL);
	test_sandboxd fake;
	memset(&fake, 0, sizeof(fake));
	snprintf(fake.base_url, sizeof(fake.base_url),
	         "http://127.0.0.1:%d/api/v1/sandbox", port ? atoi(port) : 1);
	free(port);
	test_http(&fake, "GET", "/sandboxes", "env-key-42", NULL, &r);
	CHECK_INT(r.status, 200);
	test_response_release(&r);
	test_http(&fake, "GET", "/sandboxes", TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 401);
	test_response_release(&r);
	test_process_stop(&p, SIGINT, 10000);
	CHECK_INT(p.exit_status, 0);
	char *text = test_read_file(log);
	CHECK_NOT_CONTAINS(text, "env-key-42");
	CHECK_CONTAINS(text, "GET /api/v1/sandbox/sandboxes 200");
	free(text);

	const char *version[] = {SC_SANDBOXD_BIN, "--version", NULL};
	CHECK_INT(test_process_start(&p, version, NULL, NULL, log, NULL), 0);
	CHECK_INT(test_process_wait(&p, 10000), 0);
	CHECK_INT(p.exit_status, 0);
	text = test_read_file(log);
	CHECK_CONTAINS(text, "sc-sandboxd ");
	free(text);
	const char *bad[] = {SC_SANDBOXD_BIN, "--no-auth", "--frobnicate", NULL};
	CHECK_INT(test_process_start(&p, bad, NULL, NULL, NULL, NULL), 0);
	CHECK_INT(test_process_wait(&p, 10000), 0);
	CHECK_INT(p.exit_status, 64);
	test_rmtree(dir);
	free(dir);
}

TEST(hostile_input)
{
	test_response r;
	long status;

	/* Deep nesting, invalid UTF-8, control bytes: 400, never a crash. */
	size_t depth = 200000;
	char *deep = malloc(depth * 2 + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[depth * 2] = '\0';
	CHECK_INT(sdt_status(&sd, "POST", "/sandboxes", deep), 400);
	free(deep);
	char *message = sdt_error(&sd, "POST", "/sandboxes",
	                          "{\"metadata\":{\"a\":\"\xff\xfe\"}}", &status);
	CHECK_INT(status, 400);
	CHECK_CONTAINS(message, "UTF-8");
	free(message);
	CHECK_INT(
	    sdt_status(&sd, "POST", "/sandboxes", "{\"metadata\":{\"a\":\"\\u0001\"}}"),
	    201);
	/* Odd bytes in a query come back as valid JSON. */
	cJSON *json = sdt_call(&sd, "GET", "/sandboxes?state=%ff%fe", NULL, &status);
	CHECK_INT(status, 400);
	CHECK(json != NULL);
	cJSON_Delete(json);
	test_http(&sd, "BREW", "/sandboxes", TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 405);
	test_response_release(&r);
	test_http(&sd, "GET", "/sandboxes/x/y/z", TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 404);
	test_response_release(&r);
	test_http(&sd, "GET", "/sandboxes/", TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 404);
	test_response_release(&r);
	char url[6000] = "/sandboxes/";
	memset(url + 11, 'a', 5000);
	url[5011] = '\0';
	CHECK_INT(sdt_status(&sd, "GET", url, NULL), 404);
	/* Still serving. */
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes?limit=1", NULL), 200);
}

TEST(create_returns_every_field)
{
	long status;
	cJSON *sb =
	    sdt_call(&sd, "POST", "/sandboxes",
	             "{\"templateID\":\"code-interpreter\",\"timeout\":1800,"
	             "\"waitReady\":true,\"metadata\":{\"app\":\"agent\"},"
	             "\"envVars\":{\"SECRET\":\"hunter2-value\"},\"autoPause\":true,"
	             "\"autoResume\":{\"enabled\":true},\"allowInternetAccess\":false,"
	             "\"network\":{\"allowPublicTraffic\":false,\"allowOut\":"
	             "[\"203.0.113.0/24\",\"1.1.1.1\"],\"denyOut\":[\"10.0.0.0/8\"]},"
	             "\"volumeMounts\":[{\"name\":\"datasets\",\"path\":\"/data\"}]}",
	             &status);
	CHECK_INT(status, 201);
	const char *id = sdt_str(sb, "sandboxID");
	CHECK(id && !strncmp(id, "sandbox_", 8));
	CHECK_STR(sdt_str(sb, "templateID"), "tpl-code-interpreter-3b8e21");
	CHECK_STR(sdt_str(sb, "state"), "running");
	CHECK_STR(sdt_str(sb, "status"), "running");
	CHECK_STR(sdt_str(cJSON_GetObjectItem(sb, "metadata"), "app"), "agent");
	CHECK(sdt_str(sb, "envdUrl") != NULL);
	CHECK(sdt_str(sb, "envdAccessToken") != NULL);
	CHECK_STR(sdt_str(sb, "envdVersion"), "0.2.4");
	CHECK(cJSON_IsNumber(cJSON_GetObjectItem(sb, "cpuCount")));
	CHECK(cJSON_IsNumber(cJSON_GetObjectItem(sb, "memoryMB")));
	CHECK(cJSON_IsNumber(cJSON_GetObjectItem(sb, "diskSizeMB")));
	CHECK(cJSON_IsArray(cJSON_GetObjectItem(sb, "timeline")));
	CHECK_STR(sdt_str(cJSON_GetObjectItem(sb, "lifecycle"), "onTimeout"), "pause");
	CHECK(cJSON_IsTrue(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(sb, "lifecycle"), "autoResume")));
	const cJSON *mounts = cJSON_GetObjectItem(sb, "volumeMounts");
	CHECK_INT(cJSON_GetArraySize(mounts), 1);
	CHECK_STR(sdt_str(cJSON_GetArrayItem(mounts, 0), "path"), "/data");
	int64_t started, end;
	CHECK_INT(sc_time_parse_rfc3339(sdt_str(sb, "startedAt"), &started), 0);
	CHECK_INT(sc_time_parse_rfc3339(sdt_str(sb, "endAt"), &end), 0);
	CHECK_INT(end - started, 1800 * 1000);
	CHECK(sdt_str(sb, "activatedAt") != NULL);
	char *text = cJSON_PrintUnformatted(sb);
	CHECK_NOT_CONTAINS(text, "hunter2-value");
	free(text);

	/* The detail, under the other layout, never shows the env value either. */
	char url[512];
	snprintf(url, sizeof(url), "%s/api/v1/sandboxes/%s", sd.root_url, id);
	test_response r;
	test_http(&sd, "GET", url, TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 200);
	CHECK_CONTAINS(r.body, id);
	CHECK_CONTAINS(r.body, "\"timeline\":[{");
	CHECK_NOT_CONTAINS(r.body, "hunter2-value");
	test_response_release(&r);
	cJSON_Delete(sb);

	char *log = sc_asprintf("%s/sandboxd.log", sd.dir);
	text = test_read_file(log);
	CHECK_NOT_CONTAINS(text, "hunter2-value");
	CHECK_NOT_CONTAINS(text, TEST_API_KEY);
	free(text);
	free(log);
}

TEST(default_timeout_and_templates)
{
	long status;
	cJSON *sb = sdt_call(&sd, "POST", "/sandboxes", "{}", &status);
	CHECK_INT(status, 201);
	CHECK_STR(sdt_str(sb, "templateID"), "tpl-base-7f3a9c");
	int64_t started = 0, end = 0;
	sc_time_parse_rfc3339(sdt_str(sb, "startedAt"), &started);
	sc_time_parse_rfc3339(sdt_str(sb, "endAt"), &end);
	CHECK_INT(end - started, 300 * 1000);
	cJSON_Delete(sb);

	static const char *const names[][2] = {
	    {"\"\"", "tpl-base-7f3a9c"},
	    {"\"base\"", "tpl-base-7f3a9c"},
	    {"\"node\"", "tpl-node-5c2d47"},
	    {"\"codex\"", "tpl-codex-9e1f03"},
	    {"\"api-server\"", "tpl-api-server-4a6b8d"},
	    {"\"tpl-node-5c2d47\"", "tpl-node-5c2d47"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char body[128];
		snprintf(body, sizeof(body), "{\"templateID\":%s}", names[i][0]);
		sb = sdt_call(&sd, "POST", "/sandboxes", body, &status);
		CHECK_INT(status, 201);
		CHECK_STR(sdt_str(sb, "templateID"), names[i][1]);
		cJSON_Delete(sb);
	}
	char *message =
	    sdt_error(&sd, "POST", "/sandboxes", "{\"templateID\":\"no-such\"}", &status);
	CHECK_INT(status, 404);
	CHECK_CONTAINS(message, "no-such");
	free(message);
}

/* Each rejected body: the status 400 and the field named in the message. */
TEST(create_rejections_name_the_field)
{
	static const char *const cases[][2] = {
	    {"{\"timeoutMs\":1000}", "timeoutMs"},
	    {"{\"secure\":true}", "secure"},
	    {"{\"mcp\":{}}", "mcp"},
	    {"{\"volume_mounts\":[]}", "volume_mounts"},
	    {"{\"timeout\":\"30m\"}", "timeout"},
	    {"{\"timeout\":1.5}", "timeout"},
	    {"{\"timeout\":0}", "timeout"},
	    {"{\"timeout\":-5}", "timeout"},
	    {"{\"timeout\":86401}", "timeout"},
	    {"{\"templateID\":7}", "templateID"},
	    {"{\"waitReady\":\"yes\"}", "waitReady"},
	    {"{\"metadata\":[]}", "metadata"},
	    {"{\"metadata\":{\"a\":1}}", "metadata.a"},
	    {"{\"envVars\":{\"K\":true}}", "envVars.K"},
	    {"{\"envVars\":\"x\"}", "envVars"},
	    {"{\"autoPause\":1}", "autoPause"},
	    {"{\"autoResume\":\"on\"}", "autoResume"},
	    {"{\"autoResume\":{\"enabled\":3}}", "autoResume.enabled"},
	    {"{\"allowInternetAccess\":\"no\"}", "allowInternetAccess"},
	    {"{\"network\":[]}", "network"},
	    {"{\"network\":{\"allowPublicTraffic\":0}}", "network.allowPublicTraffic"},
	    {"{\"network\":{\"allowOut\":\"1.2.3.4\"}}", "network.allowOut"},
	    {"{\"network\":{\"allowOut\":[\"1.2.3.4/33\"]}}", "network.allowOut[0]"},
	    {"{\"network\":{\"allowOut\":[\"256.1.1.1\"]}}", "network.allowOut[0]"},
	    {"{\"network\":{\"denyOut\":[\"10.0.0.0/8\",\"10.0.0\"]}}",
	     "network.denyOut[1]"},
	    {"{\"network\":{\"denyOut\":[\"example.com\"]}}", "network.denyOut[0]"},
	    {"{\"network\":{\"denyOut\":[\"::1\"]}}", "network.denyOut[0]"},
	    {"{\"volumeMounts\":{}}", "volumeMounts"},
	    {"{\"volumeMounts\":[{\"name\":\"d\",\"path\":\"data\"}]}",
	     "volumeMounts[0].path"},
	    {"{\"volumeMounts\":[{\"path\":\"/data\"}]}", "volumeMounts[0].name"},
	    {"[]", "body"},
	    {"\"text\"", "body"},
	    {"null", "body"},
	    {"{\"timeout\":", "body"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		test_response r;
		test_http(&sd, "POST", "/sandboxes", TEST_API_KEY, cases[i][0], &r);
		if (r.status != 400)
			TEST_FAILURE("%s: status %ld, expected 400", cases[i][0],
			             r.status);
		cJSON *json = cJSON_Parse(r.body);
		const char *message = sdt_str(json, "message");
		if (!message || !strstr(message, cases[i][1]))
			TEST_FAILURE("%s: message \"%s\" does not name %s", cases[i][0],
			             message ? message : "(none)", cases[i][1]);
		const cJSON *error = cJSON_GetObjectItem(json, "error");
		CHECK_STR(sdt_str(error, "code"), "INVALID_REQUEST");
		CHECK(sdt_str(error, "details") != NULL);
		CHECK(sdt_str(json, "request_id") != NULL);
		CHECK_INT(cJSON_GetObjectItem(json, "code")->valueint, 400);
		cJSON_Delete(json);
		test_response_release(&r);
	}
	/* Unknown fields are ignored; good CIDRs pass. */
	CHECK_INT(sdt_status(&sd, "POST", "/sandboxes",
	                     "{\"whatever\":1,\"network\":{\"allowOut\":[\"0.0.0.0/0\","
	                     "\"255.255.255.255/32\",\"8.8.8.8\"]}}"),
	          201);
	/* An envVars value never shows in an error. */
	char *message = NULL;
	long status;
	message = sdt_error(&sd, "POST", "/sandboxes",
	                    "{\"envVars\":{\"A\":\"topsecret\",\"B\":5}}", &status);
	CHECK_INT(status, 400);
	CHECK_NOT_CONTAINS(message, "topsecret");
	free(message);
}

TEST(bad_paths_methods_and_sizes)
{
	test_response r;
	char url[512];

	test_http(&sd, "GET", "/nothing-here", TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 404);
	CHECK_CONTAINS(r.body, "\"code\":404");
	test_response_release(&r);
	snprintf(url, sizeof(url), "%s/api/v2/sandboxes", sd.root_url);
	test_http(&sd, "GET", url, TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 404);
	test_response_release(&r);
	test_http(&sd, "GET", "/sandboxes/sandbox_0000", TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 404);
	test_response_release(&r);
	test_http(&sd, "DELETE", "/sandboxes/sandbox_0000", TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 404);
	test_response_release(&r);

	test_http(&sd, "PUT", "/sandboxes", TEST_API_KEY, "{}", &r);
	CHECK_INT(r.status, 405);
	char *allow = test_response_header(&r, "Allow");
	CHECK_STR(allow, "GET, POST");
	free(allow);
	CHECK_CONTAINS(r.body, "\"code\":405");
	test_response_release(&r);
	test_http(&sd, "PATCH", "/sandboxes/x/pause", TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 405);
	allow = test_response_header(&r, "Allow");
	CHECK_STR(allow, "POST");
	free(allow);
	test_response_release(&r);

	size_t big = 1024 * 1024 + 10;
	char *body = malloc(big + 1);
	memset(body, ' ', big);
	body[0] = '{';
	body[big - 1] = '}';
	body[big] = '\0';
	test_http(&sd, "POST", "/sandboxes", TEST_API_KEY, body, &r);
	CHECK_INT(r.status, 413);
	CHECK_CONTAINS(r.body, "\"code\":413");
	test_response_release(&r);
	free(body);
	/* Still healthy afterwards. */
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes?limit=1", NULL), 200);
}

TEST(date_header_is_the_server_clock)
{
	test_response r;
	test_http(&sd, "GET", "/sandboxes?limit=1", TEST_API_KEY, NULL, &r);
	char *date = test_response_header(&r, "Date");
	int64_t ms = 0;
	CHECK_INT(sc_time_parse_http(date, &ms), 0);
	int64_t skew = ms - sc_time_now_ms();
	CHECK(skew > -5000 && skew < 5000);
	free(date);
	test_response_release(&r);
}

TEST(logs_and_metrics)
{
	char *id = sdt_create(&sd, "{\"timeout\":600}");
	char url[2048];
	long status;

	snprintf(url, sizeof(url), "/sandboxes/%s/pause", id);
	CHECK_INT(sdt_status(&sd, "POST", url, NULL), 204);
	snprintf(url, sizeof(url), "/sandboxes/%s/logs", id);
	cJSON *logs = sdt_call(&sd, "GET", url, NULL, &status);
	CHECK_INT(status, 200);
	const cJSON *list = cJSON_GetObjectItem(logs, "logs");
	CHECK_INT(cJSON_GetArraySize(list), 2);
	const cJSON *first = cJSON_GetArrayItem(list, 0);
	CHECK_STR(sdt_str(first, "level"), "info");
	CHECK_CONTAINS(sdt_str(first, "message"), "created");
	CHECK(cJSON_IsObject(cJSON_GetObjectItem(first, "fields")));
	CHECK(sdt_str(first, "timestamp") != NULL);
	cJSON_Delete(logs);

	snprintf(url, sizeof(url), "/sandboxes/%s/logs?direction=backward&limit=1", id);
	logs = sdt_call(&sd, "GET", url, NULL, &status);
	CHECK_INT(status, 200);
	list = cJSON_GetObjectItem(logs, "logs");
	CHECK_INT(cJSON_GetArraySize(list), 1);
	CHECK_CONTAINS(sdt_str(cJSON_GetArrayItem(list, 0), "message"), "paused");
	cJSON_Delete(logs);
	snprintf(url, sizeof(url), "/sandboxes/%s/logs?search=PAUSED", id);
	logs = sdt_call(&sd, "GET", url, NULL, &status);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(logs, "logs")), 1);
	cJSON_Delete(logs);
	snprintf(url, sizeof(url), "/sandboxes/%s/logs?level=warn", id);
	logs = sdt_call(&sd, "GET", url, NULL, &status);
	CHECK_INT(status, 200);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(logs, "logs")), 0);
	cJSON_Delete(logs);
	snprintf(url, sizeof(url), "/sandboxes/%s/logs?cursor=%lld", id,
	         (long long)sc_time_now_ms() + 3600000);
	logs = sdt_call(&sd, "GET", url, NULL, &status);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(logs, "logs")), 0);
	cJSON_Delete(logs);

	static const char *const bad[] = {"limit=0",    "limit=1001", "limit=x",
	                                  "cursor=-1",  "cursor=abc", "direction=up",
	                                  "level=trace"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(url, sizeof(url), "/sandboxes/%s/logs?%s", id, bad[i]);
		CHECK_INT(sdt_status(&sd, "GET", url, NULL), 400);
	}
	char search[1300] = "";
	/* 200 two-byte characters are within 256 characters. */
	for (int i = 0; i < 200; i++)
		strcat(search, "%C3%A9");
	snprintf(url, sizeof(url), "/sandboxes/%s/logs?search=%s", id, search);
	CHECK_INT(sdt_status(&sd, "GET", url, NULL), 200);
	memset(search, 'a', 257);
	search[257] = '\0';
	snprintf(url, sizeof(url), "/sandboxes/%s/logs?search=%s", id, search);
	CHECK_INT(sdt_status(&sd, "GET", url, NULL), 400);
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes/sandbox_none/logs", NULL), 404);

	snprintf(url, sizeof(url), "/sandboxes/%s/metrics", id);
	cJSON *m1 = sdt_call(&sd, "GET", url, NULL, &status);
	CHECK_INT(status, 200);
	static const char *const fields[] = {"timestampUnix", "cpuCount", "cpuUsedPct",
	                                     "memUsed",       "memTotal", "diskUsed",
	                                     "diskTotal"};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		CHECK(cJSON_IsNumber(cJSON_GetObjectItem(m1, fields[i])));
	CHECK(sdt_str(m1, "timestamp") != NULL);
	CHECK(cJSON_GetObjectItem(m1, "memUsed")->valuedouble <=
	      cJSON_GetObjectItem(m1, "memTotal")->valuedouble);
	cJSON_Delete(m1);
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes/sandbox_none/metrics", NULL), 404);

	char *other = sdt_create(&sd, NULL);
	snprintf(url, sizeof(url), "/sandboxes/metrics?sandbox_ids=%s,%s,sandbox_none,%s",
	         id, other, id);
	cJSON *batch = sdt_call(&sd, "GET", url, NULL, &status);
	CHECK_INT(status, 200);
	const cJSON *map = cJSON_GetObjectItem(batch, "sandboxes");
	CHECK_INT(cJSON_GetArraySize(map), 2);
	CHECK(cJSON_IsObject(cJSON_GetObjectItem(map, other)));
	cJSON_Delete(batch);
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes/metrics", NULL), 400);
	char ids[2048] = "/sandboxes/metrics?sandbox_ids=a";
	for (int i = 0; i < 100; i++)
		strcat(ids, ",b");
	CHECK_INT(sdt_status(&sd, "GET", ids, NULL), 400);
	/* 100 ids and a trailing comma are 100 ids. */
	strcpy(ids, "/sandboxes/metrics?sandbox_ids=a");
	for (int i = 0; i < 99; i++)
		strcat(ids, ",b");
	strcat(ids, ",");
	CHECK_INT(sdt_status(&sd, "GET", ids, NULL), 200);
	free(other);
	free(id);
}

/* Last: a clean stop (exit 0; under SC_TEST_WRAP=valgrind, no errors or leaks). */
TEST(clean_stop)
{
	CHECK_INT(test_sandboxd_stop(&sd), 0);
}

int main(void)
{
	const char *none[] = {NULL};
	if (test_sandboxd_start(&sd, none)) {
		printf("cannot start sc-sandboxd\n");
		return 1;
	}
	RUN(auth_is_required);
	RUN(bearer_is_accepted);
	RUN(bearer_counts_even_beside_a_wrong_x_api_key);
	RUN(head_is_get_without_a_body);
	RUN(nothing_may_trail_the_json_body);
	RUN(octets_with_leading_zeros_are_rejected);
	RUN(an_empty_metadata_key_is_refused);
	RUN(no_key_refuses_to_start);
	RUN(no_auth_and_env_key);
	RUN(create_returns_every_field);
	RUN(default_timeout_and_templates);
	RUN(create_rejections_name_the_field);
	RUN(bad_paths_methods_and_sizes);
	RUN(date_header_is_the_server_clock);
	RUN(hostile_input);
	RUN(logs_and_metrics);
	RUN(clean_stop);
	test_sandboxd_release(&sd);
	return test_summary();
}
