/* Responses: sandboxes, list pages (bare and wrapped), error bodies, bad input. */
#include <stdlib.h>
#include <string.h>

#include "api/decode.h"
#include "harness.h"

static int decode_one(sc_sandbox *out, const char *text)
{
	sc_diag diag = SC_DIAG_INIT;
	int rc = sc_api_decode_sandbox(out, text, strlen(text), &diag);
	if (rc)
		CHECK(diag.count > 0);
	sc_diag_release(&diag);
	return rc;
}

static int decode_page(sc_sandbox_list *out, char **token, const char *text)
{
	sc_diag diag = SC_DIAG_INIT;
	int rc = sc_api_decode_list(out, token, text, strlen(text), &diag);
	if (rc)
		CHECK(diag.count > 0);
	sc_diag_release(&diag);
	return rc;
}

TEST(sandbox_from_the_page_example)
{
	sc_sandbox sb;
	const char *text =
	    "{\"templateID\":\"tpl-base-1\",\"sandboxID\":\"sandbox_1\","
	    "\"envdAccessToken\":\"<opaque-token>\",\"envdUrl\":\"https://r\","
	    "\"status\":\"running\",\"state\":\"running\","
	    "\"startedAt\":\"2026-06-10T08:55:50Z\","
	    "\"activatedAt\":\"2026-06-10T08:55:50Z\","
	    "\"endAt\":\"2026-06-10T09:25:50Z\",\"timeline\":[],"
	    "\"metadata\":{\"app\":\"agent\",\"sc-apply/set\":\"s\"},"
	    "\"cpuCount\":2,\"lifecycle\":{\"onTimeout\":\"kill\"}}";
	CHECK_INT(decode_one(&sb, text), 0);
	CHECK_STR(sb.id, "sandbox_1");
	CHECK_STR(sb.template_id, "tpl-base-1");
	CHECK_STR(sb.status, "running");
	CHECK_INT(sb.phase, SC_PHASE_READY);
	CHECK_STR(sc_kv_get(&sb.metadata, "app"), "agent");
	CHECK_INT(sb.end_at - sb.started_at, 1800 * 1000);
	CHECK_INT(sb.started_at, 1781081750000LL);
	sc_sandbox_release(&sb);
}

TEST(status_preferred_to_state_and_odd_words)
{
	sc_sandbox sb;
	CHECK_INT(
	    decode_one(
	        &sb,
	        "{\"sandboxID\":\"a\",\"state\":\"running\",\"status\":\"Pausing\"}"),
	    0);
	CHECK_STR(sb.status, "Pausing");
	CHECK_INT(sb.phase, SC_PHASE_PAUSED);
	sc_sandbox_release(&sb);
	CHECK_INT(decode_one(&sb, "{\"sandboxID\":\"a\",\"state\":\"CREATING\"}"), 0);
	CHECK_INT(sb.phase, SC_PHASE_STARTING);
	sc_sandbox_release(&sb);
	CHECK_INT(decode_one(&sb, "{\"sandboxID\":\"a\",\"status\":\"hibernating\"}"), 0);
	CHECK_INT(sb.phase, SC_PHASE_UNKNOWN);
	CHECK_STR(sb.status, "hibernating");
	sc_sandbox_release(&sb);
	CHECK_INT(decode_one(&sb, "{\"sandboxID\":\"a\",\"status\":null,\"endAt\":null}"),
	          0);
	CHECK(sb.status == NULL);
	CHECK_INT(sb.phase, SC_PHASE_UNKNOWN);
	CHECK_INT(sb.end_at, 0);
	sc_sandbox_release(&sb);
	CHECK_INT(decode_one(&sb, "{\"sandboxID\":\"a\",\"status\":\"killed\"}"), 0);
	CHECK_INT(sb.phase, SC_PHASE_GONE);
	sc_sandbox_release(&sb);
}

TEST(sandbox_wrong_types_are_errors)
{
	static const char *const bad[] = {
	    "{\"sandboxID\":7}",
	    "{\"status\":\"running\"}",
	    "{\"sandboxID\":\"\"}",
	    "{\"sandboxID\":\"a\",\"metadata\":[]}",
	    "{\"sandboxID\":\"a\",\"metadata\":{\"k\":1}}",
	    "{\"sandboxID\":\"a\",\"status\":true}",
	    "{\"sandboxID\":\"a\",\"endAt\":1781081750}",
	    "{\"sandboxID\":\"a\",\"endAt\":\"yesterday\"}",
	    "{\"sandboxID\":\"a\",\"templateID\":{}}",
	    "[]",
	    "\"sandbox\"",
	    "{\"sandboxID\":\"a\",\"status\":\"runn",
	    "",
	    "not json at all",
	    NULL,
	};
	for (int i = 0; bad[i]; i++) {
		sc_sandbox sb;
		if (decode_one(&sb, bad[i]) != -1)
			TEST_FAILURE("accepted: %s", bad[i]);
		CHECK(sb.id == NULL);
	}
}

TEST(list_bare_array)
{
	sc_sandbox_list list = {0};
	char *token = (char *)"junk";
	CHECK_INT(decode_page(&list, &token,
	                      "[{\"sandboxID\":\"a\",\"state\":\"paused\"},"
	                      "{\"sandboxID\":\"b\",\"status\":\"running\","
	                      "\"unknown\":{\"deep\":[1,2]}}]"),
	          0);
	CHECK(token == NULL);
	CHECK_INT(list.count, 2);
	CHECK_STR(list.items[0].id, "a");
	CHECK_INT(list.items[0].phase, SC_PHASE_PAUSED);
	CHECK_STR(list.items[1].id, "b");
	sc_sandbox_list_release(&list);
}

TEST(list_wrapped_bodies)
{
	sc_sandbox_list list = {0};
	char *token = NULL;
	CHECK_INT(
	    decode_page(&list, &token,
	                "{\"sandboxes\":[{\"sandboxID\":\"a\"}],\"nextToken\":\"n1\"}"),
	    0);
	CHECK_STR(token, "n1");
	free(token);
	CHECK_INT(decode_page(&list, &token,
	                      "{\"items\":[{\"sandboxID\":\"b\"}],\"nextToken\":null}"),
	          0);
	CHECK(token == NULL);
	CHECK_INT(decode_page(&list, &token, "{\"items\":[],\"nextToken\":\"\"}"), 0);
	CHECK(token == NULL);
	CHECK_INT(list.count, 2);
	CHECK_STR(list.items[1].id, "b");
	sc_sandbox_list_release(&list);
}

TEST(list_errors_append_nothing)
{
	static const char *const bad[] = {
	    "[{\"sandboxID\":\"a\"},{\"sandboxID\":\"b\",\"metadata\":{\"k\":false}}]",
	    "[{\"sandboxID\":\"a\"},3]",
	    "{\"sandboxes\":{}}",
	    "{\"data\":[]}",
	    "{\"items\":[],\"nextToken\":5}",
	    "[{\"sandboxID\":\"a\"},{\"sandboxID\":\"b\"",
	    "42",
	    "null",
	    "",
	    NULL,
	};
	sc_sandbox_list list = {0};
	sc_sandbox *kept = sc_sandbox_list_push(&list);
	kept->id = strdup("kept");
	for (int i = 0; bad[i]; i++) {
		char *token = NULL;
		if (decode_page(&list, &token, bad[i]) != -1)
			TEST_FAILURE("accepted: %s", bad[i]);
		CHECK(token == NULL);
		CHECK_INT(list.count, 1);
	}
	CHECK_STR(list.items[0].id, "kept");
	sc_sandbox_list_release(&list);
}

static void check_error(long status, const char *body, const char *expected)
{
	char *message = sc_api_error_message(status, body, body ? strlen(body) : 0);
	CHECK_STR(message, expected);
	free(message);
}

TEST(error_shapes)
{
	check_error(400, "{\"code\":400,\"message\":\"timeout: must be 1..86400\"}",
	            "HTTP 400: timeout: must be 1..86400");
	check_error(400,
	            "{\"error\":{\"code\":\"INVALID_REQUEST\",\"details\":\"bad cidr\"},"
	            "\"request_id\":\"req-9\"}",
	            "HTTP 400: INVALID_REQUEST: bad cidr (request req-9)");
	check_error(409,
	            "{\"code\":409,\"message\":\"already paused\","
	            "\"error\":{\"code\":\"CONFLICT\",\"details\":\"x\"}}",
	            "HTTP 409: CONFLICT: already paused");
	check_error(404, "{\"error\":\"not found\"}", "HTTP 404: not found");
	check_error(502, "<html>Bad gateway</html>\nmore",
	            "HTTP 502: <html>Bad gateway</html>");
	check_error(503, "", "HTTP 503");
	check_error(503, NULL, "HTTP 503");
	check_error(500, "{\"code\":500}", "HTTP 500");
	check_error(500, "{\"code\":500,\"mess", "HTTP 500: {\"code\":500,\"mess");
	check_error(400, "{\"message\":\"tab\there\"}", "HTTP 400: tab here");
}

TEST(error_message_is_short)
{
	char body[2000];
	memset(body, 'x', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	char *message = sc_api_error_message(500, body, strlen(body));
	CHECK(strlen(message) < 260);
	free(message);
}

/*
 * No escape sequence from a server reaches a terminal through a status or
 * a template; an id or a label holding one is not taken at all.
 */
TEST(control_characters_are_not_kept)
{
	sc_sandbox sb;
	const char *text = "{\"sandboxID\":\"sb-1\",\"status\":\"run\\u0007\","
	                   "\"templateID\":\"t\\n1\",\"metadata\":{\"k\\u001b\":\"v\","
	                   "\"k2\":\"v\\u001b]0;x\",\"k3\":\"ok\"}}";
	CHECK_INT(decode_one(&sb, text), 0);
	CHECK_STR(sb.id, "sb-1");
	CHECK_STR(sb.status, "run?");
	CHECK_STR(sb.template_id, "t?1");
	CHECK_INT(sb.metadata.count, 1);
	CHECK_STR(sc_kv_get(&sb.metadata, "k3"), "ok");
	sc_sandbox_release(&sb);
	CHECK_INT(decode_one(&sb, "{\"sandboxID\":\"sb\\u001b[2J\"}"), -1);
	CHECK(sb.id == NULL);
}

/* lastHeartbeat: absent (not shown by the server) differs from null (none yet). */
TEST(last_heartbeat_absent_null_and_words)
{
	static const struct {
		const char *text;
		sc_heartbeat want;
	} cases[] = {
	    {"{\"sandboxID\":\"a\"}", SC_HEARTBEAT_UNREPORTED},
	    {"{\"sandboxID\":\"a\",\"lastHeartbeat\":null}", SC_HEARTBEAT_NONE},
	    {"{\"sandboxID\":\"a\",\"lastHeartbeat\":{\"status\":\"healthy\",\"at\":\"x\"}}",
	     SC_HEARTBEAT_HEALTHY},
	    {"{\"sandboxID\":\"a\",\"lastHeartbeat\":{\"status\":\"error\"}}", SC_HEARTBEAT_ERROR},
	    {"{\"sandboxID\":\"a\",\"lastHeartbeat\":{\"status\":\"starting\"}}",
	     SC_HEARTBEAT_STARTING},
	    {"{\"sandboxID\":\"a\",\"lastHeartbeat\":{\"status\":\"HEALTHY\"}}", SC_HEARTBEAT_OTHER},
	    {"{\"sandboxID\":\"a\",\"lastHeartbeat\":\"healthy\"}", SC_HEARTBEAT_OTHER},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sc_sandbox sb;
		CHECK_INT(decode_one(&sb, cases[i].text), 0);
		CHECK_INT(sb.last_heartbeat, cases[i].want);
		sc_sandbox_release(&sb);
	}
}

int main(void)
{
	RUN(last_heartbeat_absent_null_and_words);
	RUN(sandbox_from_the_page_example);
	RUN(control_characters_are_not_kept);
	RUN(status_preferred_to_state_and_odd_words);
	RUN(sandbox_wrong_types_are_errors);
	RUN(list_bare_array);
	RUN(list_wrapped_bodies);
	RUN(list_errors_append_nothing);
	RUN(error_shapes);
	RUN(error_message_is_short);
	return test_summary();
}
