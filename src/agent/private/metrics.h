/*
 * The agent's metrics: what /metrics serves and /healthz and /readyz
 * answer from, and the status that / and /api/status show. The loop
 * records each cycle's report; the HTTP server's thread renders them. A
 * mutex guards every field (the status has its own), so both may call in
 * at any time.
 *
 * Ownership: the metrics own a copy of the last observed managed-sandbox
 * counts (set names included) and the status. sc_agent_metrics_release()
 * frees them and destroys the mutexes.
 */
#ifndef SC_AGENT_METRICS_H
#define SC_AGENT_METRICS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/report.h"
#include "agent/status.h"
#include "common/buf.h"

/* Upper bounds (seconds) of the duration histogram's buckets, +Inf aside. */
#define SC_AGENT_DURATION_BUCKETS 12
extern const double sc_agent_duration_bounds[SC_AGENT_DURATION_BUCKETS];

typedef struct sc_agent_metrics {
	pthread_mutex_t lock;
	unsigned long successes, failures;
	unsigned long
	    duration_le[SC_AGENT_DURATION_BUCKETS]; /* per bucket, not cumulative */
	unsigned long duration_count;               /* +Inf is this */
	double duration_sum;                        /* seconds */
	unsigned long actions[SC_AGENT_ACTION_KINDS][SC_AGENT_RESULT_COUNT];
	sc_agent_report managed; /* only sets[] is used: the last observed counts */
	size_t drift;            /* actions planned by the last cycle that planned */
	double last_success;     /* Unix seconds; 0 never */
	unsigned long consecutive_failures;
	bool live;              /* the loop runs: /healthz 200 */
	bool ready;             /* a cycle succeeded, or a standby knows its leader: /readyz 200 */
	int leader;             /* with leader election: 1 leading, 0 standing by; -1 without */
	sc_agent_status status; /* the last cycles, specs and sets: / and /api/status */
} sc_agent_metrics;

void sc_agent_metrics_init(sc_agent_metrics *metrics);
void sc_agent_metrics_release(sc_agent_metrics *metrics);

/*
 * Adds one finished cycle: its result, duration and actions; the managed
 * counts when it observed, the drift when it planned; on success the
 * last-success time (now_ms, Unix ms) and readiness, on failure one more
 * consecutive failure. The status records it too.
 */
void sc_agent_metrics_record(sc_agent_metrics *metrics, const sc_agent_report *report,
                             int64_t now_ms);

void sc_agent_metrics_set_live(sc_agent_metrics *metrics, bool live);
bool sc_agent_metrics_live(sc_agent_metrics *metrics);
bool sc_agent_metrics_ready(sc_agent_metrics *metrics);
/* The leader gauge (1 leading, 0 standing by); a standby that knows its leader is ready. */
void sc_agent_metrics_set_leader(sc_agent_metrics *metrics, bool leading, bool ready);
unsigned long sc_agent_metrics_consecutive_failures(sc_agent_metrics *metrics);

/* Appends the Prometheus text format 0.0.4 exposition of every metric to out. */
void sc_agent_metrics_render(sc_agent_metrics *metrics, sc_buf *out);

/* Appends value as a Prometheus label value, escaped (\\, \", \n), without quotes. */
void sc_agent_prom_escape(sc_buf *out, const char *value);

#endif
