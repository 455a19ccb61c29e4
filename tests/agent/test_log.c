/* Structured log lines: text and JSON, escaping, one line per event. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

#include "agent/log.h"
#include "common/buf.h"

/* 2026-06-10T08:55:50.123Z */
#define TS 1781081750123LL

TEST(text_line_has_time_level_message_and_fields)
{
	sc_buf out = SC_BUF_INIT;
	sc_agent_field fields[] = {SC_AGENT_INT("cycle", 3),
	                           SC_AGENT_STR("set", "team-ml"), SC_AGENT_BOOL("ok", 1),
	                           SC_AGENT_END};
	sc_agent_log_format_line(&out, SC_AGENT_LOG_TEXT, TS, SC_AGENT_INFO,
	                         "cycle finished", fields);
	CHECK_STR(sc_buf_cstr(&out), "2026-06-10T08:55:50.123Z info  cycle finished "
	                             "cycle=3 set=team-ml ok=true\n");
	sc_buf_release(&out);
}

TEST(text_quotes_values_with_spaces_and_escapes_newlines)
{
	sc_buf out = SC_BUF_INIT;
	sc_agent_field fields[] = {
	    SC_AGENT_STR("reason", "replicas: 2 running, 3 wanted"),
	    SC_AGENT_STR("empty", ""), SC_AGENT_STR("none", NULL), SC_AGENT_END};
	sc_agent_log_format_line(&out, SC_AGENT_LOG_TEXT, TS, SC_AGENT_WARN, "two\nlines",
	                         fields);
	CHECK_STR(sc_buf_cstr(&out),
	          "2026-06-10T08:55:50.123Z warn  two\\x0alines "
	          "reason=\"replicas: 2 running, 3 wanted\" empty=\"\"\n");
	sc_buf_release(&out);
}

TEST(json_line_parses_and_carries_typed_fields)
{
	sc_buf out = SC_BUF_INIT;
	sc_agent_field fields[] = {
	    SC_AGENT_INT("duration_ms", 120),
	    SC_AGENT_STR("msg2", "quote \" back \\ tab \t ctl \x01"),
	    SC_AGENT_NUM("ratio", 0.5),
	    SC_AGENT_BOOL("ok", 0),
	    SC_AGENT_STR("none", NULL),
	    SC_AGENT_END};
	sc_agent_log_format_line(&out, SC_AGENT_LOG_JSON, TS, SC_AGENT_ERROR,
	                         "cycle \"x\"", fields);
	const char *line = sc_buf_cstr(&out);
	CHECK(out.len > 0 && line[out.len - 1] == '\n');
	CHECK(!memchr(line, '\n', out.len - 1));
	cJSON *root = cJSON_Parse(line);
	CHECK(root != NULL);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(root, "ts")),
	          "2026-06-10T08:55:50.123Z");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(root, "level")), "error");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(root, "msg")), "cycle \"x\"");
	CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItem(root, "duration_ms")), 120);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(root, "msg2")),
	          "quote \" back \\ tab \t ctl \x01");
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(root, "ratio")) == 0.5);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(root, "ok")));
	CHECK(!cJSON_GetObjectItem(root, "none"));
	cJSON_Delete(root);
	sc_buf_release(&out);
}

TEST(events_go_to_the_stream_one_line_each_and_below_level_are_dropped)
{
	char path[] = "/tmp/sc-agent-log-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	FILE *stream = fdopen(fd, "w+");
	sc_agent_log log;
	sc_agent_log_init(&log, stream, SC_AGENT_LOG_JSON);
	sc_agent_log_event(&log, SC_AGENT_INFO, "one", SC_AGENT_INT("n", 1),
	                   SC_AGENT_END);
	sc_agent_log_event(&log, SC_AGENT_DEBUG, "hidden", SC_AGENT_END);
	sc_agent_log_event(&log, SC_AGENT_WARN, "two", SC_AGENT_END);
	rewind(stream);
	char line[256];
	int lines = 0;
	while (fgets(line, sizeof(line), stream)) {
		cJSON *root = cJSON_Parse(line);
		CHECK(root != NULL);
		cJSON_Delete(root);
		CHECK_NOT_CONTAINS(line, "hidden");
		lines++;
	}
	CHECK_INT(lines, 2);
	fclose(stream);
	unlink(path);

	sc_agent_log none;
	sc_agent_log_init(&none, NULL, SC_AGENT_LOG_TEXT);
	sc_agent_log_event(&none, SC_AGENT_ERROR, "dropped", SC_AGENT_END);
	sc_agent_log_event(NULL, SC_AGENT_ERROR, "dropped", SC_AGENT_END);
}

int main(void)
{
	RUN(text_line_has_time_level_message_and_fields);
	RUN(text_quotes_values_with_spaces_and_escapes_newlines);
	RUN(json_line_parses_and_carries_typed_fields);
	RUN(events_go_to_the_stream_one_line_each_and_below_level_are_dropped);
	return test_summary();
}
