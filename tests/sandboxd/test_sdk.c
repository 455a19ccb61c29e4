/*
 * sc-sandboxd serves what the official SDKs call beyond the page:
 * heartbeats, the gateway's /admin pool and rolling update routes, and
 * the template alias lookup. Every request is made the way the SDKs make
 * it (@seacloudai/sandbox's BaseTransport, sandbox-go's core): from the
 * gateway root, with Accept, Authorization: Bearer, X-API-Key, their
 * User-Agent, and Content-Type on a body.
 */
#include "sdtest.h"

#include <curl/curl.h>
#include <math.h>
#include <signal.h>
#include <strings.h>

#include "sandboxd/private/rolling.h"

static test_sandboxd sd;

/* Which of the SDKs' two key headers a request carries. */
typedef enum { AUTH_BOTH, AUTH_BEARER, AUTH_X_API_KEY, AUTH_NONE, AUTH_WRONG } auth_mode;

typedef struct sdk_response {
	long status;
	cJSON *json;      /* NULL when the body is not JSON */
	char *body;       /* malloc'd */
	char *request_id; /* X-Request-Id, malloc'd or NULL */
	int64_t date_ms;  /* the Date header, 0 when none */
} sdk_response;

typedef struct growing {
	char *data;
	size_t len;
} growing;

static size_t collect(char *data, size_t size, size_t count, void *ctx)
{
	growing *g = ctx;
	size_t n = size * count;
	g->data = realloc(g->data, g->len + n + 1);
	memcpy(g->data + g->len, data, n);
	g->len += n;
	g->data[g->len] = '\0';
	return n;
}

/* The value of header name in a raw header block, malloc'd, or NULL. */
static char *header_value(const char *headers, const char *name)
{
	size_t len = strlen(name);
	for (const char *line = headers; line && *line;) {
		if (!strncasecmp(line, name, len) && line[len] == ':') {
			const char *v = line + len + 1;
			while (*v == ' ')
				v++;
			size_t n = strcspn(v, "\r\n");
			char *copy = malloc(n + 1);
			memcpy(copy, v, n);
			copy[n] = '\0';
			return copy;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return NULL;
}

static struct curl_slist *sdk_headers(auth_mode auth, bool has_body)
{
	struct curl_slist *list = NULL;
	const char *key = auth == AUTH_WRONG ? "not-the-key" : TEST_API_KEY;
	char line[256];

	list = curl_slist_append(list, "Accept: application/json");
	list = curl_slist_append(list, "User-Agent: seacloudai-sandbox-node/0.0.0");
	if (auth == AUTH_BOTH || auth == AUTH_BEARER || auth == AUTH_WRONG) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", key);
		list = curl_slist_append(list, line);
	}
	if (auth == AUTH_BOTH || auth == AUTH_X_API_KEY || auth == AUTH_WRONG) {
		snprintf(line, sizeof(line), "X-API-Key: %s", key);
		list = curl_slist_append(list, line);
	}
	if (has_body)
		list = curl_slist_append(list, "Content-Type: application/json");
	return curl_slist_append(list, "Expect:");
}

/* One request to path under the gateway root; body NULL sends none (Content-Length 0 on
 * POST). */
static void sdk_call(const char *method, const char *path, const char *body,
                     auth_mode auth, sdk_response *out)
{
	char url[1024];
	growing response = {NULL, 0}, headers = {NULL, 0};
	struct curl_slist *list = sdk_headers(auth, body != NULL);

	memset(out, 0, sizeof(*out));
	snprintf(url, sizeof(url), "%s%s", sd.root_url, path);
	CURL *curl = curl_easy_init();
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &headers);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	if (!strcmp(method, "POST")) {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE,
		                 (long)(body ? strlen(body) : 0));
	}
	if (curl_easy_perform(curl) == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_cleanup(curl);
	curl_slist_free_all(list);
	out->body = response.data ? response.data : strdup("");
	out->json = cJSON_Parse(out->body);
	out->request_id =
	    headers.data ? header_value(headers.data, "X-Request-Id") : NULL;
	char *date = headers.data ? header_value(headers.data, "Date") : NULL;
	if (date)
		sc_time_parse_http(date, &out->date_ms);
	free(date);
	free(headers.data);
}

static void sdk_release(sdk_response *r)
{
	cJSON_Delete(r->json);
	free(r->body);
	free(r->request_id);
	memset(r, 0, sizeof(*r));
}

static const cJSON *field(const cJSON *object, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(object, key);
}

static double number(const cJSON *object, const char *key)
{
	const cJSON *item = field(object, key);
	return cJSON_IsNumber(item) ? item->valuedouble : NAN;
}

/* The SDKs' success wrapper: code 0, message ok, an object in data, the request id. */
static const cJSON *check_wrapped(const sdk_response *r)
{
	CHECK_INT(r->status, 200);
	CHECK_INT(cJSON_IsNumber(field(r->json, "code")), 1);
	CHECK_INT((long)number(r->json, "code"), 0);
	CHECK_STR(sdt_str(r->json, "message"), "ok");
	CHECK(sdt_str(r->json, "request_id") != NULL);
	CHECK_STR(sdt_str(r->json, "request_id"), r->request_id);
	const cJSON *data = field(r->json, "data");
	CHECK(cJSON_IsObject(data));
	return data;
}

/* An error on these routes: the HTTP status, and the same as a non-zero code with a
 * message. */
static void check_error(const sdk_response *r, long status, const char *needle)
{
	CHECK_INT(r->status, status);
	CHECK_INT((long)number(r->json, "code"), status);
	CHECK_CONTAINS(sdt_str(r->json, "message") ? sdt_str(r->json, "message") : "",
	               needle);
	CHECK_STR(sdt_str(r->json, "request_id"), r->request_id);
	CHECK(field(r->json, "data") == NULL);
}

/* Creates a running sandbox the way createSandbox does; its id, malloc'd. */
static char *sdk_create(const char *body)
{
	sdk_response r;
	sdk_call("POST", "/api/v1/sandboxes",
	         body ? body : "{\"timeout\":1800,\"waitReady\":true}", AUTH_BOTH, &r);
	CHECK_INT(r.status, 201);
	char *id =
	    sdt_str(r.json, "sandboxID") ? strdup(sdt_str(r.json, "sandboxID")) : NULL;
	sdk_release(&r);
	return id ? id : strdup("none");
}

static void heartbeat(const char *id, const char *status, sdk_response *out)
{
	char path[256], body[128];
	snprintf(path, sizeof(path), "/api/v1/sandboxes/%s/heartbeat", id);
	snprintf(body, sizeof(body), "{\"status\":\"%s\"}", status);
	sdk_call("POST", path, body, AUTH_BOTH, out);
}

static cJSON *get_detail(const char *id)
{
	char path[256];
	sdk_response r;
	snprintf(path, sizeof(path), "/api/v1/sandboxes/%s", id);
	sdk_call("GET", path, NULL, AUTH_BOTH, &r);
	CHECK_INT(r.status, 200);
	cJSON *json = r.json;
	r.json = NULL;
	sdk_release(&r);
	return json;
}

/* The item for id in GET /api/v1/sandboxes (a detached copy), or NULL. */
static cJSON *listed_item(const char *id)
{
	sdk_response r;
	cJSON *found = NULL;
	const cJSON *item;
	sdk_call("GET", "/api/v1/sandboxes?limit=100", NULL, AUTH_BOTH, &r);
	CHECK_INT(r.status, 200);
	cJSON_ArrayForEach(item, r.json)
	{
		if (sdt_str(item, "sandboxID") && !strcmp(sdt_str(item, "sandboxID"), id))
			found = cJSON_Duplicate(item, true);
	}
	sdk_release(&r);
	return found;
}

static int count_events(const cJSON *detail, const char *event, const char *detail_text)
{
	int n = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, field(detail, "timeline"))
	{
		if (sdt_str(e, "event") && !strcmp(sdt_str(e, "event"), event) &&
		    (!detail_text || (sdt_str(e, "detail") &&
		                      !strcmp(sdt_str(e, "detail"), detail_text))))
			n++;
	}
	return n;
}

/* The server clock now (with every advance), from GET /_admin/clock. */
static int64_t server_now(void)
{
	sdk_response r;
	sdk_call("GET", "/_admin/clock", NULL, AUTH_BOTH, &r);
	int64_t now = (int64_t)number(r.json, "nowUnixMs");
	sdk_release(&r);
	return now;
}

static void advance_clock(long seconds)
{
	sdk_response r;
	char body[64];
	snprintf(body, sizeof(body), "{\"advance\":%ld}", seconds);
	sdk_call("POST", "/_admin/clock", body, AUTH_BOTH, &r);
	CHECK_INT(r.status, 200);
	sdk_release(&r);
}

static int64_t time_field(const cJSON *object, const char *key)
{
	int64_t ms = 0;
	if (sc_time_parse_rfc3339(sdt_str(object, key), &ms))
		return -1;
	return ms;
}

TEST(heartbeat_answers_in_the_wrapper)
{
	sdk_response r;
	char *id = sdk_create(NULL);

	heartbeat(id, "healthy", &r);
	const cJSON *data = check_wrapped(&r);
	CHECK(cJSON_IsTrue(field(data, "received")));
	CHECK_STR(sdt_str(data, "status"), "healthy");
	sdk_release(&r);

	/* Each status is accepted and echoed; the page's layout serves the route too. */
	const char *statuses[] = {"starting", "healthy", "error"};
	for (int i = 0; i < 3; i++) {
		char path[256], body[64];
		snprintf(path, sizeof(path), "/api/v1/sandbox/sandboxes/%s/heartbeat",
		         id);
		snprintf(body, sizeof(body), "{\"status\":\"%s\"}", statuses[i]);
		sdk_call("POST", path, body, AUTH_BOTH, &r);
		data = check_wrapped(&r);
		CHECK_STR(sdt_str(data, "status"), statuses[i]);
		sdk_release(&r);
	}
	free(id);
}

TEST(heartbeat_is_kept_in_detail_list_and_timeline)
{
	sdk_response r;
	char *id = sdk_create(NULL);
	char *quiet = sdk_create(NULL);

	/* Before any heartbeat: shown, as null (a server that shows none has no key). */
	cJSON *detail = get_detail(id);
	CHECK(cJSON_IsNull(field(detail, "lastHeartbeat")));
	CHECK_INT(count_events(detail, "heartbeat", NULL), 0);
	cJSON_Delete(detail);

	/* The time is the server clock, advances included. */
	advance_clock(600);
	int64_t before = server_now();
	heartbeat(id, "healthy", &r);
	sdk_release(&r);
	heartbeat(id, "error", &r);
	sdk_release(&r);
	heartbeat(id, "error", &r);
	sdk_release(&r);

	detail = get_detail(id);
	const cJSON *last = field(detail, "lastHeartbeat");
	CHECK(cJSON_IsObject(last));
	CHECK_STR(sdt_str(last, "status"), "error");
	CHECK(time_field(last, "at") >= before);
	/* A status change is an event; a repeat only moves the time. */
	CHECK_INT(count_events(detail, "heartbeat", "healthy"), 1);
	CHECK_INT(count_events(detail, "heartbeat", "error"), 1);
	CHECK_INT(count_events(detail, "heartbeat", NULL), 2);
	cJSON_Delete(detail);

	/* List items carry it: a client can gate readiness on it without a GET each. */
	cJSON *item = listed_item(id);
	CHECK(item != NULL);
	CHECK_STR(sdt_str(field(item, "lastHeartbeat"), "status"), "error");
	CHECK(time_field(field(item, "lastHeartbeat"), "at") >= before);
	CHECK(field(item, "timeline") == NULL);
	cJSON_Delete(item);
	item = listed_item(quiet);
	CHECK(item != NULL);
	CHECK(cJSON_IsNull(field(item, "lastHeartbeat")));
	cJSON_Delete(item);

	/* The logs show the error heartbeat at level error. */
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/sandboxes/%s/logs?level=error", id);
	sdk_call("GET", path, NULL, AUTH_BOTH, &r);
	CHECK_INT(r.status, 200);
	CHECK_INT(cJSON_GetArraySize(field(r.json, "logs")), 1);
	CHECK_STR(sdt_str(field(cJSON_GetArrayItem(field(r.json, "logs"), 0), "fields"),
	                  "event"),
	          "heartbeat");
	sdk_release(&r);
	free(id);
	free(quiet);
}

TEST(heartbeat_rejections)
{
	sdk_response r;
	char path[256];
	char *id = sdk_create(NULL);
	snprintf(path, sizeof(path), "/api/v1/sandboxes/%s/heartbeat", id);

	const char *bad[] = {"{\"status\":\"ok\"}",
	                     "{\"status\":\"Healthy\"}",
	                     "{\"status\":\" healthy\"}",
	                     "{\"status\":\"\"}",
	                     "{\"status\":1}",
	                     "{\"status\":null}",
	                     "{}",
	                     "[\"healthy\"]",
	                     "{\"status\":\"healthy\"",
	                     "healthy"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sdk_call("POST", path, bad[i], AUTH_BOTH, &r);
		check_error(&r, 400, "");
		sdk_release(&r);
	}
	sdk_call("POST", path, "{\"status\":\"ok\"}", AUTH_BOTH, &r);
	check_error(&r, 400, "status: must be starting, healthy or error");
	sdk_release(&r);
	sdk_call("POST", path, NULL, AUTH_BOTH, &r);
	check_error(&r, 400, "body");
	sdk_release(&r);
	/* None of those was kept. */
	cJSON *detail = get_detail(id);
	CHECK(cJSON_IsNull(field(detail, "lastHeartbeat")));
	cJSON_Delete(detail);

	sdk_call("POST", "/api/v1/sandboxes/sandbox_0000000000000000/heartbeat",
	         "{\"status\":\"healthy\"}", AUTH_BOTH, &r);
	check_error(&r, 404, "sandbox_0000000000000000");
	sdk_release(&r);
	sdk_call("GET", path, NULL, AUTH_BOTH, &r);
	check_error(&r, 405, "POST");
	sdk_release(&r);

	/* Auth as everywhere: either header, and neither or a wrong key is 401. */
	sdk_call("POST", path, "{\"status\":\"healthy\"}", AUTH_BEARER, &r);
	check_wrapped(&r);
	sdk_release(&r);
	sdk_call("POST", path, "{\"status\":\"healthy\"}", AUTH_X_API_KEY, &r);
	check_wrapped(&r);
	sdk_release(&r);
	sdk_call("POST", path, "{\"status\":\"error\"}", AUTH_NONE, &r);
	check_error(&r, 401, "API key");
	sdk_release(&r);
	sdk_call("POST", path, "{\"status\":\"error\"}", AUTH_WRONG, &r);
	check_error(&r, 401, "API key");
	CHECK_NOT_CONTAINS(r.body, "not-the-key");
	sdk_release(&r);
	detail = get_detail(id);
	CHECK_STR(sdt_str(field(detail, "lastHeartbeat"), "status"), "healthy");
	cJSON_Delete(detail);

	/* A paused sandbox runs nothing that could beat: 409, and nothing kept. */
	char pause[256];
	snprintf(pause, sizeof(pause), "/api/v1/sandboxes/%s/pause", id);
	sdk_call("POST", pause, NULL, AUTH_BOTH, &r);
	CHECK_INT(r.status, 204);
	sdk_release(&r);
	sdk_call("POST", path, "{\"status\":\"error\"}", AUTH_BOTH, &r);
	check_error(&r, 409, "paused");
	sdk_release(&r);
	detail = get_detail(id);
	CHECK_STR(sdt_str(field(detail, "lastHeartbeat"), "status"), "healthy");
	cJSON_Delete(detail);
	free(id);
}

TEST(heartbeat_survives_a_restart_with_data)
{
	test_sandboxd persistent;
	char data[4200];
	test_sandboxd saved = sd;

	SDT_START(persistent, "--log-requests");
	snprintf(data, sizeof(data), "%s/state.journal", persistent.dir);
	test_sandboxd_stop(&persistent);
	const char *args[] = {"--data", data, NULL};
	CHECK_INT(test_sandboxd_restart(&persistent, args), 0);
	sd = persistent;

	char *id = sdk_create(NULL);
	sdk_response r;
	heartbeat(id, "healthy", &r);
	sdk_release(&r);
	heartbeat(id, "error", &r);
	sdk_release(&r);
	cJSON *before = get_detail(id);

	CHECK_INT(test_sandboxd_stop(&persistent), 0);
	CHECK_INT(test_sandboxd_restart(&persistent, args), 0);
	sd = persistent;
	cJSON *after = get_detail(id);
	const cJSON *last = field(after, "lastHeartbeat");
	CHECK_STR(sdt_str(last, "status"), "error");
	CHECK_STR(sdt_str(last, "at"), sdt_str(field(before, "lastHeartbeat"), "at"));
	CHECK_INT(count_events(after, "heartbeat", NULL), 2);
	cJSON *item = listed_item(id);
	CHECK_STR(sdt_str(field(item, "lastHeartbeat"), "status"), "error");
	cJSON_Delete(item);

	/* And a repeat after the restart still adds no event (the status came back too).
	 */
	heartbeat(id, "error", &r);
	check_wrapped(&r);
	sdk_release(&r);
	cJSON_Delete(after);
	after = get_detail(id);
	CHECK_INT(count_events(after, "heartbeat", NULL), 2);
	cJSON_Delete(after);

	/* An acknowledged heartbeat survives a kill -9. */
	heartbeat(id, "healthy", &r);
	check_wrapped(&r);
	sdk_release(&r);
	test_process_stop(&persistent.process, SIGKILL, 5000);
	CHECK_INT(test_sandboxd_restart(&persistent, args), 0);
	sd = persistent;
	after = get_detail(id);
	CHECK_STR(sdt_str(field(after, "lastHeartbeat"), "status"), "healthy");
	CHECK_INT(count_events(after, "heartbeat", NULL), 3);
	cJSON_Delete(after);
	cJSON_Delete(before);
	free(id);
	test_sandboxd_release(&persistent);
	sd = saved;
}

/* Every pool field is a number, and the counts are whole (the Go SDK decodes them into
 * int). */
static void check_pool_shape(const cJSON *data)
{
	const char *counts[] = {"total",   "warm",     "active", "creating",
	                        "stopped", "deleting", "deleted"};
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		double v = number(data, counts[i]);
		if (isnan(v) || v != floor(v) || v < 0)
			TEST_FAILURE("pool field '%s' is not a whole number", counts[i]);
	}
	double u = number(data, "utilization");
	CHECK(!isnan(u) && u >= 0 && u <= 1);
	CHECK_INT((long)number(data, "total"),
	          (long)(number(data, "warm") + number(data, "active") +
	                 number(data, "creating") + number(data, "stopped") +
	                 number(data, "deleting")));
}

TEST(pool_status_counts_the_sandboxes)
{
	test_sandboxd saved = sd, fresh;
	sdk_response r;

	SDT_START(fresh, "--log-requests");
	sd = fresh;
	sdk_call("GET", "/admin/pool/status", NULL, AUTH_BOTH, &r);
	const cJSON *data = check_wrapped(&r);
	check_pool_shape(data);
	CHECK_INT((long)number(data, "active"), 0);
	CHECK_INT((long)number(data, "stopped"), 0);
	CHECK((long)number(data, "warm") > 0);
	sdk_release(&r);

	char *a = sdk_create(NULL), *b = sdk_create(NULL), *c = sdk_create(NULL);
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/sandboxes/%s/pause", c);
	sdk_call("POST", path, NULL, AUTH_BOTH, &r);
	CHECK_INT(r.status, 204);
	sdk_release(&r);
	/* One that is still starting. */
	sdk_call("POST", "/_admin/config", "{\"startDelayMs\":600000}", AUTH_BOTH, &r);
	CHECK_INT(r.status, 200);
	sdk_release(&r);
	char *d = sdk_create("{\"timeout\":600}");

	sdk_call("GET", "/admin/pool/status", NULL, AUTH_BOTH, &r);
	data = check_wrapped(&r);
	check_pool_shape(data);
	CHECK_INT((long)number(data, "active"), 2);
	CHECK_INT((long)number(data, "stopped"), 1);
	CHECK_INT((long)number(data, "creating"), 1);
	CHECK(number(data, "utilization") > 0);
	sdk_release(&r);

	/* The gateway's root only; and auth as everywhere. */
	sdk_call("GET", "/api/v1/admin/pool/status", NULL, AUTH_BOTH, &r);
	CHECK_INT(r.status, 404);
	sdk_release(&r);
	sdk_call("GET", "/api/v1/sandbox/admin/pool/status", NULL, AUTH_BOTH, &r);
	CHECK_INT(r.status, 404);
	sdk_release(&r);
	sdk_call("GET", "/admin/pool/status", NULL, AUTH_NONE, &r);
	check_error(&r, 401, "API key");
	sdk_release(&r);
	sdk_call("POST", "/admin/pool/status", NULL, AUTH_BOTH, &r);
	check_error(&r, 405, "GET");
	sdk_release(&r);
	/* The request counts name the new routes. */
	sdk_call("GET", "/_admin/stats", NULL, AUTH_BOTH, &r);
	CHECK_CONTAINS(r.body, "/admin/pool/status");
	sdk_release(&r);
	free(a), free(b), free(c), free(d);
	test_sandboxd_release(&fresh);
	sd = saved;
}

/* The rolling status object: every field of the SDKs' type, and progress agreeing with
 * the counts. */
static void check_rolling_shape(const cJSON *data, const char *phase)
{
	CHECK_STR(sdt_str(data, "phase"), phase);
	double progress = number(data, "progress");
	double total = number(data, "warm_total"), updated = number(data, "warm_updated");
	CHECK(progress >= 0 && progress <= 100);
	CHECK_INT((long)total, SD_POOL_WARM);
	CHECK(updated >= 0 && updated <= total);
	CHECK_INT((long)progress, (long)(updated * 100 / total));
	CHECK(sdt_str(data, "duration") != NULL);
	CHECK(field(data, "started_at") != NULL && field(data, "completed_at") != NULL);
}

static void rolling(const char *method, const char *route, const char *body,
                    sdk_response *out)
{
	sdk_call(method, route, body, AUTH_BOTH, out);
}

TEST(rolling_update_moves_with_the_server_clock)
{
	test_sandboxd saved = sd, fresh;
	sdk_response r;

	SDT_START(fresh, "--log-requests");
	sd = fresh;
	rolling("GET", "/admin/rolling/status", NULL, &r);
	const cJSON *data = check_wrapped(&r);
	check_rolling_shape(data, "idle");
	CHECK_INT((long)number(data, "progress"), 0);
	CHECK(cJSON_IsNull(field(data, "started_at")));
	sdk_release(&r);
	rolling("POST", "/admin/rolling/cancel", NULL, &r);
	check_error(&r, 409, "no rolling update is running");
	sdk_release(&r);

	/* Start rejections. */
	rolling("POST", "/admin/rolling/start", "{}", &r);
	check_error(&r, 400, "templateId");
	sdk_release(&r);
	rolling("POST", "/admin/rolling/start", "{\"templateId\":\"\"}", &r);
	check_error(&r, 400, "templateId");
	sdk_release(&r);
	rolling("POST", "/admin/rolling/start", "{\"templateId\":\"no-such-template\"}",
	        &r);
	check_error(&r, 404, "no-such-template");
	sdk_release(&r);
	rolling("GET", "/admin/rolling/start", NULL, &r);
	check_error(&r, 405, "POST");
	sdk_release(&r);

	int64_t before = server_now();
	rolling("POST", "/admin/rolling/start", "{\"templateId\":\"code-interpreter\"}",
	        &r);
	data = check_wrapped(&r);
	check_rolling_shape(data, "running");
	int64_t started = time_field(data, "started_at");
	CHECK(started >= before);
	CHECK(cJSON_IsNull(field(data, "completed_at")));
	sdk_release(&r);
	rolling("POST", "/admin/rolling/start", "{\"templateId\":\"base\"}", &r);
	check_error(&r, 409, "already running");
	sdk_release(&r);

	/* Half the pool's time on the server clock: at least half of it is replaced. */
	advance_clock(SD_POOL_WARM / 2 * SD_ROLLING_STEP_MS / 1000);
	rolling("GET", "/admin/rolling/status", NULL, &r);
	data = check_wrapped(&r);
	check_rolling_shape(data, "running");
	CHECK(number(data, "warm_updated") >= SD_POOL_WARM / 2);
	sdk_release(&r);

	/* All of it: completed at the modelled time, whenever it is asked. */
	advance_clock(SD_POOL_WARM * SD_ROLLING_STEP_MS / 1000);
	rolling("GET", "/admin/rolling/status", NULL, &r);
	data = check_wrapped(&r);
	check_rolling_shape(data, "completed");
	CHECK_INT((long)number(data, "progress"), 100);
	CHECK_INT(time_field(data, "completed_at") - started,
	          (int64_t)SD_POOL_WARM * SD_ROLLING_STEP_MS);
	char duration[32];
	snprintf(duration, sizeof(duration), "%ds",
	         SD_POOL_WARM * SD_ROLLING_STEP_MS / 1000);
	CHECK_STR(sdt_str(data, "duration"), duration);
	sdk_release(&r);
	rolling("POST", "/admin/rolling/cancel", NULL, &r);
	check_error(&r, 409, "completed");
	sdk_release(&r);

	/* A new one after it, cancelled part-way: it stays where it stopped. */
	rolling("POST", "/admin/rolling/start", "{\"templateId\":\"tpl-base-7f3a9c\"}",
	        &r);
	check_rolling_shape(check_wrapped(&r), "running");
	sdk_release(&r);
	advance_clock(SD_ROLLING_STEP_MS / 1000);
	rolling("POST", "/admin/rolling/cancel", NULL, &r);
	data = check_wrapped(&r);
	check_rolling_shape(data, "cancelled");
	double updated = number(data, "warm_updated");
	CHECK(updated >= 1 && updated < SD_POOL_WARM);
	char *completed =
	    strdup(sdt_str(data, "completed_at") ? sdt_str(data, "completed_at") : "");
	sdk_release(&r);
	advance_clock(SD_POOL_WARM * SD_ROLLING_STEP_MS / 1000);
	rolling("GET", "/admin/rolling/status", NULL, &r);
	data = check_wrapped(&r);
	check_rolling_shape(data, "cancelled");
	CHECK(number(data, "warm_updated") == updated);
	CHECK_STR(sdt_str(data, "completed_at"), completed);
	sdk_release(&r);
	free(completed);

	/* Root only. */
	rolling("GET", "/api/v1/admin/rolling/status", NULL, &r);
	CHECK_INT(r.status, 404);
	sdk_release(&r);
	test_sandboxd_release(&fresh);
	sd = saved;
}

TEST(template_alias_lookup)
{
	sdk_response r, created;

	/* The id an alias resolves to is the one a create with that alias gets. */
	sdk_call(
	    "POST", "/api/v1/sandboxes",
	    "{\"templateID\":\"code-interpreter\",\"timeout\":60,\"waitReady\":true}",
	    AUTH_BOTH, &created);
	CHECK_INT(created.status, 201);
	sdk_call("GET", "/api/v1/templates/aliases/code-interpreter", NULL, AUTH_BOTH,
	         &r);
	CHECK_INT(r.status, 200);
	CHECK(sdt_str(r.json, "templateID") != NULL);
	CHECK_STR(sdt_str(r.json, "templateID"), sdt_str(created.json, "templateID"));
	CHECK_STR(sdt_str(r.json, "alias"), "code-interpreter");
	CHECK(field(r.json, "data") == NULL);
	char *id =
	    strdup(sdt_str(r.json, "templateID") ? sdt_str(r.json, "templateID") : "");
	sdk_release(&r);
	sdk_release(&created);

	/* Named by its id, it answers the alias. */
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/templates/aliases/%s", id);
	sdk_call("GET", path, NULL, AUTH_BOTH, &r);
	CHECK_INT(r.status, 200);
	CHECK_STR(sdt_str(r.json, "alias"), "code-interpreter");
	sdk_release(&r);
	free(id);

	sdk_call("GET", "/api/v1/templates/aliases/no-such-template", NULL, AUTH_BOTH,
	         &r);
	check_error(&r, 404, "no-such-template");
	sdk_release(&r);
	sdk_call("GET", "/api/v1/templates/aliases/base/extra", NULL, AUTH_BOTH, &r);
	CHECK_INT(r.status, 404);
	sdk_release(&r);
	sdk_call("GET", "/api/v1/templates/aliases/", NULL, AUTH_BOTH, &r);
	CHECK_INT(r.status, 404);
	sdk_release(&r);
	sdk_call("GET", "/api/v1/templates/aliases/base", NULL, AUTH_NONE, &r);
	check_error(&r, 401, "API key");
	sdk_release(&r);
	sdk_call("DELETE", "/api/v1/templates/aliases/base", NULL, AUTH_BOTH, &r);
	check_error(&r, 405, "GET");
	sdk_release(&r);
}

/* Every route above left the server sound: it stops cleanly (and leak-free under ASan). */
TEST(clean_stop)
{
	CHECK_INT(test_sandboxd_stop(&sd), 0);
}

int main(void)
{
	const char *none[] = {NULL};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (test_sandboxd_start(&sd, none)) {
		printf("cannot start sc-sandboxd\n");
		return 1;
	}
	RUN(heartbeat_answers_in_the_wrapper);
	RUN(heartbeat_is_kept_in_detail_list_and_timeline);
	RUN(heartbeat_rejections);
	RUN(heartbeat_survives_a_restart_with_data);
	RUN(pool_status_counts_the_sandboxes);
	RUN(rolling_update_moves_with_the_server_clock);
	RUN(template_alias_lookup);
	RUN(clean_stop);
	test_sandboxd_release(&sd);
	curl_global_cleanup();
	return test_summary();
}
