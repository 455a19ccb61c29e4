/*
 * Structured log lines: one event per line, a message and typed fields,
 * as text ("2026-06-10T08:55:50.123Z info  cycle finished cycle=3
 * duration_ms=120") or as one JSON object ({"ts":...,"level":"info",
 * "msg":"cycle finished","cycle":3,...}). The agent never prints: the cli
 * layer gives the stream. Callers must never pass a secret (the API key,
 * envVars values) as a message or a field: log reasons and ids only.
 *
 * Ownership: a log borrows its stream, which must outlive it. A line is
 * written with one fwrite under the stream's lock, so threads may share
 * a log.
 */
#ifndef SC_AGENT_LOG_H
#define SC_AGENT_LOG_H

#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"

typedef enum { SC_AGENT_LOG_TEXT, SC_AGENT_LOG_JSON } sc_agent_log_format;
typedef enum {
	SC_AGENT_DEBUG,
	SC_AGENT_INFO,
	SC_AGENT_WARN,
	SC_AGENT_ERROR,
} sc_agent_level;

typedef enum {
	SC_AGENT_FIELD_END, /* ends a field list */
	SC_AGENT_FIELD_STR,
	SC_AGENT_FIELD_INT,
	SC_AGENT_FIELD_NUM,
	SC_AGENT_FIELD_BOOL,
} sc_agent_field_type;

/* One field of an event; strings are borrowed for the call. */
typedef struct sc_agent_field {
	sc_agent_field_type type;
	const char *key;
	const char *str; /* STR; NULL leaves the field out */
	long long num;   /* INT, BOOL */
	double real;     /* NUM */
} sc_agent_field;

#define SC_AGENT_STR(k, v)                                                               \
	((sc_agent_field){.type = SC_AGENT_FIELD_STR, .key = (k), .str = (v)})
#define SC_AGENT_INT(k, v)                                                               \
	((sc_agent_field){.type = SC_AGENT_FIELD_INT, .key = (k), .num = (long long)(v)})
#define SC_AGENT_NUM(k, v)                                                               \
	((sc_agent_field){.type = SC_AGENT_FIELD_NUM, .key = (k), .real = (double)(v)})
#define SC_AGENT_BOOL(k, v)                                                              \
	((sc_agent_field){.type = SC_AGENT_FIELD_BOOL, .key = (k), .num = !!(v)})
#define SC_AGENT_END ((sc_agent_field){.type = SC_AGENT_FIELD_END})

typedef struct sc_agent_log {
	FILE *out; /* borrowed; NULL: events are dropped */
	sc_agent_log_format format;
	sc_agent_level min_level; /* events below it are dropped */
} sc_agent_log;

void sc_agent_log_init(sc_agent_log *log, FILE *out, sc_agent_log_format format);

/*
 * Writes one event: level, msg, then the fields given as further
 * arguments (sc_agent_field values), ended by SC_AGENT_END.
 */
void sc_agent_log_event(sc_agent_log *log, sc_agent_level level, const char *msg, ...);

/* Formats one event (fields ended by an END field) as a line with its '\n' into out. */
void sc_agent_log_format_line(sc_buf *out, sc_agent_log_format format, int64_t ts_ms,
                              sc_agent_level level, const char *msg,
                              const sc_agent_field *fields);

/* "debug", "info", "warn", "error". */
const char *sc_agent_level_name(sc_agent_level level);

#endif
