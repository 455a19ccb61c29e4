/*
 * The agent's status: what the status page (GET /) shows and GET
 * /api/status serves as JSON. The loop records every finished cycle (the
 * metrics pass it on); the HTTP server's thread renders it. A mutex
 * guards every field, so both may call in at any time: a render copies
 * what it shows into its buffer under the lock.
 *
 * It keeps the last SC_AGENT_STATUS_CYCLES cycles in a ring (number,
 * start, duration, ok, drift, actions by kind and result, messages) and
 * the sets and specs as the last cycle that listed the sandboxes left
 * them. Messages are diagnostics and failed actions (never a secret), cut
 * at SC_AGENT_STATUS_MESSAGE_MAX bytes.
 *
 * Ownership: a status owns copies of everything it keeps.
 * sc_agent_status_release() frees them and destroys the mutex.
 */
#ifndef SC_AGENT_STATUS_H
#define SC_AGENT_STATUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/report.h"
#include "common/buf.h"

/* How many of the last cycles the status keeps. */
#define SC_AGENT_STATUS_CYCLES 20
/* How many bytes of one message the status keeps. */
#define SC_AGENT_STATUS_MESSAGE_MAX 600
/* The version of the JSON document: a change that breaks a reader bumps it. */
#define SC_AGENT_STATUS_FORMAT "1"

/* One finished cycle; owns its messages. */
typedef struct sc_agent_status_cycle {
	unsigned long number; /* counting from 1 */
	int64_t started_ms;   /* Unix ms */
	int64_t duration_ms;
	bool ok;
	bool planned; /* drift is meaningful */
	size_t drift;
	unsigned long actions[SC_AGENT_ACTION_KINDS][SC_AGENT_RESULT_COUNT];
	sc_agent_message *messages;
	size_t message_count;
	size_t messages_dropped;
} sc_agent_status_cycle;

typedef struct sc_agent_status {
	pthread_mutex_t lock;
	sc_agent_status_cycle ring[SC_AGENT_STATUS_CYCLES];
	size_t ring_count;    /* filled entries; the newest is ring[(next - 1) % N] */
	size_t ring_next;     /* where the next cycle goes */
	unsigned long cycles; /* recorded so far */
	unsigned long consecutive_failures;
	int64_t last_success_ms;  /* Unix ms; 0: never */
	sc_agent_report view;     /* sets[] and specs[] of the last cycle that listed */
	unsigned long view_cycle; /* its number; 0: none yet */
	int64_t view_ms;          /* when it was recorded (Unix ms): TTLs count from it */
} sc_agent_status;

void sc_agent_status_init(sc_agent_status *status);
void sc_agent_status_release(sc_agent_status *status);

/*
 * Adds one finished cycle (report with its duration) that ended at now_ms
 * (Unix ms); when it listed the sandboxes (report->observed), its sets and
 * specs replace the ones shown.
 */
void sc_agent_status_record(sc_agent_status *status, const sc_agent_report *report,
                            int64_t now_ms);

/*
 * Appends the status as one JSON object to out, {"formatVersion":"1",...};
 * TTLs are counted down to now_ms (Unix ms). Strings are JSON-escaped
 * (invalid UTF-8 becomes U+FFFD).
 */
void sc_agent_status_render_json(sc_agent_status *status, int64_t now_ms, sc_buf *out);

#endif
