#include "agent/log.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_string.h"
#include "common/mem.h"
#include "common/timeutil.h"

#define SC_AGENT_MAX_FIELDS 32

void sc_agent_log_init(sc_agent_log *log, FILE *out, sc_agent_log_format format)
{
	log->out = out;
	log->format = format;
	log->min_level = SC_AGENT_INFO;
}

const char *sc_agent_level_name(sc_agent_level level)
{
	switch (level) {
	case SC_AGENT_DEBUG:
		return "debug";
	case SC_AGENT_INFO:
		return "info";
	case SC_AGENT_WARN:
		return "warn";
	default:
		return "error";
	}
}

/* A text value goes bare when it is a plain word, else quoted as JSON. */
static bool needs_quotes(const char *text)
{
	if (!*text)
		return true;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p <= ' ' || *p == '"' || *p == '=' || *p == '\\' || *p == 0x7f)
			return true;
	}
	return false;
}

static void put_value(sc_buf *out, sc_agent_log_format format,
                      const sc_agent_field *field)
{
	bool json = format == SC_AGENT_LOG_JSON;

	switch (field->type) {
	case SC_AGENT_FIELD_STR:
		if (!field->str)
			sc_buf_puts(out, json ? "null" : "-");
		else if (json || needs_quotes(field->str))
			sc_json_quote(out, field->str);
		else
			sc_buf_puts(out, field->str);
		break;
	case SC_AGENT_FIELD_INT:
		sc_buf_printf(out, "%lld", field->num);
		break;
	case SC_AGENT_FIELD_NUM:
		if (isfinite(field->real))
			sc_buf_printf(out, "%.3f", field->real);
		else
			sc_buf_puts(out, json ? "null" : "-");
		break;
	case SC_AGENT_FIELD_BOOL:
		sc_buf_puts(out, field->num ? "true" : "false");
		break;
	case SC_AGENT_FIELD_END:
		break;
	}
}

static void format_json(sc_buf *out, const char *ts, sc_agent_level level,
                        const char *msg, const sc_agent_field *fields)
{
	sc_buf_puts(out, "{\"ts\":");
	sc_json_quote(out, ts);
	sc_buf_printf(out, ",\"level\":\"%s\",\"msg\":", sc_agent_level_name(level));
	sc_json_quote(out, msg);
	for (; fields && fields->type != SC_AGENT_FIELD_END; fields++) {
		if (fields->type == SC_AGENT_FIELD_STR && !fields->str)
			continue;
		sc_buf_putc(out, ',');
		sc_json_quote(out, fields->key);
		sc_buf_putc(out, ':');
		put_value(out, SC_AGENT_LOG_JSON, fields);
	}
	sc_buf_puts(out, "}\n");
}

static void format_text(sc_buf *out, const char *ts, sc_agent_level level,
                        const char *msg, const sc_agent_field *fields)
{
	sc_buf_printf(out, "%s %-5s ", ts, sc_agent_level_name(level));
	/* The message is free text, but one line: control characters are escaped. */
	for (const unsigned char *p = (const unsigned char *)(msg ? msg : ""); *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			sc_buf_printf(out, "\\x%02x", *p);
		else
			sc_buf_putc(out, (char)*p);
	}
	for (; fields && fields->type != SC_AGENT_FIELD_END; fields++) {
		if (fields->type == SC_AGENT_FIELD_STR && !fields->str)
			continue;
		sc_buf_printf(out, " %s=", fields->key);
		put_value(out, SC_AGENT_LOG_TEXT, fields);
	}
	sc_buf_putc(out, '\n');
}

void sc_agent_log_format_line(sc_buf *out, sc_agent_log_format format, int64_t ts_ms,
                              sc_agent_level level, const char *msg,
                              const sc_agent_field *fields)
{
	char ts[32];

	sc_time_format_rfc3339(ts, ts_ms);
	if (format == SC_AGENT_LOG_JSON)
		format_json(out, ts, level, msg, fields);
	else
		format_text(out, ts, level, msg, fields);
}

void sc_agent_log_event(sc_agent_log *log, sc_agent_level level, const char *msg, ...)
{
	sc_agent_field fields[SC_AGENT_MAX_FIELDS + 1];
	size_t count = 0;
	va_list ap;

	if (!log || !log->out || level < log->min_level)
		return;
	va_start(ap, msg);
	for (;;) {
		sc_agent_field field = va_arg(ap, sc_agent_field);
		if (field.type == SC_AGENT_FIELD_END || count == SC_AGENT_MAX_FIELDS)
			break;
		fields[count++] = field;
	}
	va_end(ap);
	fields[count] = SC_AGENT_END;

	sc_buf line = SC_BUF_INIT;
	sc_agent_log_format_line(&line, log->format, sc_time_now_ms(), level, msg,
	                         fields);
	flockfile(log->out);
	fwrite(line.data, 1, line.len, log->out);
	fflush(log->out);
	funlockfile(log->out);
	sc_buf_release(&line);
}
