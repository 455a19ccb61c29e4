/* The SDK routes' pieces without a server: their paths, the heartbeat on a sandbox and
 * in its journal form, the rolling update model. */
#include "harness.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "common/buf.h"
#include "sandboxd/private/rolling.h"
#include "sandboxd/private/route.h"
#include "sandboxd/private/sandbox.h"

TEST(sdk_paths)
{
	static const struct {
		const char *path;
		sd_route_kind kind;
		const char *id;
	} cases[] = {
	    {"/api/v1/sandboxes/sb1/heartbeat", SD_ROUTE_HEARTBEAT, "sb1"},
	    {"/api/v1/sandbox/sandboxes/sb1/heartbeat", SD_ROUTE_HEARTBEAT, "sb1"},
	    {"/api/v1/sandboxes/sb1/heartbeat/", SD_ROUTE_NONE, NULL},
	    {"/api/v1/sandboxes/sb1/heartbeats", SD_ROUTE_NONE, NULL},
	    {"/sandboxes/sb1/heartbeat", SD_ROUTE_NONE, NULL},
	    {"/api/v1/templates/aliases/code-interpreter", SD_ROUTE_TEMPLATE_ALIAS,
	     "code-interpreter"},
	    {"/api/v1/templates/aliases/", SD_ROUTE_NONE, NULL},
	    {"/api/v1/templates/aliases/a/b", SD_ROUTE_NONE, NULL},
	    {"/api/v1/templates/aliases", SD_ROUTE_NONE, NULL},
	    {"/admin/pool/status", SD_ROUTE_POOL_STATUS, ""},
	    {"/admin/rolling/start", SD_ROUTE_ROLLING_START, ""},
	    {"/admin/rolling/status", SD_ROUTE_ROLLING_STATUS, ""},
	    {"/admin/rolling/cancel", SD_ROUTE_ROLLING_CANCEL, ""},
	    {"/admin/pool/status/", SD_ROUTE_NONE, NULL},
	    {"/admin/pool/statusx", SD_ROUTE_NONE, NULL},
	    {"/admin/rolling", SD_ROUTE_NONE, NULL},
	    {"/api/v1/admin/pool/status", SD_ROUTE_NONE, NULL},
	    {"/api/v1/sandbox/admin/rolling/status", SD_ROUTE_NONE, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sd_route route;
		sd_route_match(&route, cases[i].path);
		if (route.kind != cases[i].kind)
			TEST_FAILURE("%s: kind %d, expected %d", cases[i].path,
			             route.kind, cases[i].kind);
		if (cases[i].id && strcmp(route.id, cases[i].id))
			TEST_FAILURE("%s: id '%s', expected '%s'", cases[i].path,
			             route.id, cases[i].id);
		CHECK(!route.admin);
	}
	CHECK(sd_route_allows(SD_ROUTE_HEARTBEAT, "POST"));
	CHECK(!sd_route_allows(SD_ROUTE_HEARTBEAT, "GET"));
	CHECK(sd_route_allows(SD_ROUTE_POOL_STATUS, "GET"));
	CHECK(!sd_route_allows(SD_ROUTE_ROLLING_CANCEL, "GET"));
	CHECK_STR(sd_route_template(SD_ROUTE_HEARTBEAT), "/sandboxes/:id/heartbeat");
}

TEST(heartbeat_names)
{
	CHECK_INT(sd_heartbeat_from_name("starting"), SD_HEARTBEAT_STARTING);
	CHECK_INT(sd_heartbeat_from_name("healthy"), SD_HEARTBEAT_HEALTHY);
	CHECK_INT(sd_heartbeat_from_name("error"), SD_HEARTBEAT_ERROR);
	const char *bad[] = {"", "HEALTHY", "healthy ", "ok", "none", NULL};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sd_heartbeat_from_name(bad[i]) != SD_HEARTBEAT_NONE)
			TEST_FAILURE("'%s' accepted", bad[i] ? bad[i] : "(null)");
	CHECK(sd_heartbeat_name(SD_HEARTBEAT_NONE) == NULL);
}

static sd_sandbox *journal_copy(const sd_sandbox *sandbox)
{
	sc_buf line = SC_BUF_INIT;
	sd_sandbox_write_json(&line, sandbox, SD_VIEW_JOURNAL, 0);
	cJSON *json = cJSON_Parse(sc_buf_cstr(&line));
	sd_sandbox *copy = json ? sd_sandbox_from_json(json) : NULL;
	cJSON_Delete(json);
	sc_buf_release(&line);
	return copy;
}

static sd_sandbox *sample(void)
{
	sd_sandbox *sandbox = sd_sandbox_new();
	snprintf(sandbox->id, sizeof(sandbox->id), "sandbox_00000000000000aa");
	sandbox->template_id = strdup("tpl-base-7f3a9c");
	sandbox->started_at = sandbox->activated_at = 1781081750000LL;
	sandbox->end_at = sandbox->started_at + 60000;
	return sandbox;
}

TEST(heartbeat_on_a_sandbox)
{
	sd_sandbox *sandbox = sample();
	sc_buf out = SC_BUF_INIT;

	sd_sandbox_write_json(&out, sandbox, SD_VIEW_LIST, 0);
	CHECK_CONTAINS(sc_buf_cstr(&out), "\"lastHeartbeat\":null");
	sd_sandbox_heartbeat(sandbox, SD_HEARTBEAT_STARTING, 1781081751000LL);
	sd_sandbox_heartbeat(sandbox, SD_HEARTBEAT_HEALTHY, 1781081752000LL);
	sd_sandbox_heartbeat(sandbox, SD_HEARTBEAT_HEALTHY, 1781081753500LL);
	CHECK_INT(sandbox->event_count, 2);
	CHECK_STR(sandbox->events[1].event, "heartbeat");
	CHECK_STR(sandbox->events[1].detail, "healthy");
	CHECK_INT(sandbox->events[1].at, 1781081752000LL);
	sc_buf_reset(&out);
	sd_sandbox_write_json(&out, sandbox, SD_VIEW_LIST, 0);
	CHECK_CONTAINS(sc_buf_cstr(&out), "\"lastHeartbeat\":{\"status\":\"healthy\","
	                                  "\"at\":\"2026-06-10T08:55:53.500Z\"}");

	sd_sandbox *copy = journal_copy(sandbox);
	CHECK(copy != NULL);
	if (copy) {
		CHECK_INT(copy->heartbeat, SD_HEARTBEAT_HEALTHY);
		CHECK_INT(copy->heartbeat_at, 1781081753500LL);
		CHECK_INT(copy->event_count, 2);
	}
	sd_sandbox_free(copy);
	sc_buf_release(&out);
	sd_sandbox_free(sandbox);
}

TEST(a_bad_journalled_heartbeat_is_dropped_not_the_sandbox)
{
	static const char *const bad[] = {
	    "{\"status\":\"bogus\",\"at\":\"2026-06-10T08:55:53Z\"}",
	    "{\"status\":\"healthy\",\"at\":\"yesterday\"}",
	    "{\"status\":\"healthy\"}",
	    "\"healthy\"",
	    "null",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sd_sandbox *sandbox = sample();
		sc_buf line = SC_BUF_INIT;
		sd_sandbox_write_json(&line, sandbox, SD_VIEW_JOURNAL, 0);
		cJSON *json = cJSON_Parse(sc_buf_cstr(&line));
		cJSON_ReplaceItemInObject(json, "lastHeartbeat", cJSON_Parse(bad[i]));
		sd_sandbox *copy = sd_sandbox_from_json(json);
		if (!copy)
			TEST_FAILURE("lastHeartbeat %s: sandbox lost", bad[i]);
		else if (copy->heartbeat != SD_HEARTBEAT_NONE)
			TEST_FAILURE("lastHeartbeat %s: kept", bad[i]);
		sd_sandbox_free(copy);
		cJSON_Delete(json);
		sc_buf_release(&line);
		sd_sandbox_free(sandbox);
	}
}

static cJSON *rolling_json(const sd_rolling *rolling, int64_t now)
{
	sc_buf out = SC_BUF_INIT;
	sd_rolling_write_json(&out, rolling, now);
	cJSON *json = cJSON_Parse(sc_buf_cstr(&out));
	if (!json)
		TEST_FAILURE("not JSON: %s", sc_buf_cstr(&out));
	sc_buf_release(&out);
	return json;
}

static double num(const cJSON *json, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, key);
	return cJSON_IsNumber(item) ? item->valuedouble : -1;
}

static const char *str(const cJSON *json, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(json, key);
	return cJSON_IsString(item) ? item->valuestring : NULL;
}

TEST(rolling_model)
{
	sd_rolling rolling;
	const int64_t t0 = 1781081750000LL, step = SD_ROLLING_STEP_MS;
	memset(&rolling, 0, sizeof(rolling));

	CHECK_INT(sd_rolling_phase_at(&rolling, t0), SD_ROLLING_IDLE);
	CHECK_INT(sd_rolling_cancel(&rolling, t0), -1);
	CHECK_INT(sd_rolling_start(&rolling, "tpl-node-5c2d47", t0), 0);
	CHECK_INT(sd_rolling_start(&rolling, "tpl-base-7f3a9c", t0 + step), -1);
	CHECK_STR(rolling.template_id, "tpl-node-5c2d47");

	/* Each step replaces one warm sandbox; progress follows the count. */
	for (int k = 0; k < SD_POOL_WARM; k++) {
		cJSON *json = rolling_json(&rolling, t0 + k * step + step / 2);
		CHECK_STR(str(json, "phase"), "running");
		CHECK_INT((long)num(json, "warm_updated"), k);
		CHECK_INT((long)num(json, "progress"), k * 100 / SD_POOL_WARM);
		CHECK(
		    cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(json, "completed_at")));
		CHECK_STR(str(json, "templateId"), "tpl-node-5c2d47");
		cJSON_Delete(json);
	}
	int64_t end = t0 + SD_POOL_WARM * step;
	CHECK_INT(sd_rolling_phase_at(&rolling, end - 1), SD_ROLLING_RUNNING);
	CHECK_INT(sd_rolling_phase_at(&rolling, end), SD_ROLLING_COMPLETED);
	cJSON *json = rolling_json(&rolling, end + 3600000);
	CHECK_INT((long)num(json, "progress"), 100);
	CHECK_STR(str(json, "started_at"), "2026-06-10T08:55:50Z");
	char expected[64];
	long seconds = (long)(SD_POOL_WARM * step / 1000);
	if (seconds >= 60)
		snprintf(expected, sizeof(expected), "%ldm%lds", seconds / 60,
		         seconds % 60);
	else
		snprintf(expected, sizeof(expected), "%lds", seconds);
	CHECK_STR(str(json, "duration"), expected);
	cJSON_Delete(json);
	CHECK_INT(sd_rolling_cancel(&rolling, end + 1), -1);

	/* A new start after completion; a cancel freezes it. */
	int64_t t1 = end + 10 * step;
	CHECK_INT(sd_rolling_start(&rolling, "tpl-base-7f3a9c", t1), 0);
	CHECK_INT(sd_rolling_cancel(&rolling, t1 + 2 * step), 0);
	CHECK_INT(sd_rolling_cancel(&rolling, t1 + 3 * step), -1);
	json = rolling_json(&rolling, t1 + 100 * step);
	CHECK_STR(str(json, "phase"), "cancelled");
	CHECK_INT((long)num(json, "warm_updated"), 2);
	snprintf(expected, sizeof(expected), "%llds", (long long)(2 * step / 1000));
	CHECK_STR(str(json, "duration"), expected);
	cJSON_Delete(json);
	CHECK_INT(sd_rolling_start(&rolling, "tpl-node-5c2d47", t1 + 100 * step), 0);
	CHECK_INT(sd_rolling_phase_at(&rolling, t1 + 100 * step), SD_ROLLING_RUNNING);
}

int main(void)
{
	RUN(sdk_paths);
	RUN(heartbeat_names);
	RUN(heartbeat_on_a_sandbox);
	RUN(a_bad_journalled_heartbeat_is_dropped_not_the_sandbox);
	RUN(rolling_model);
	return test_summary();
}
