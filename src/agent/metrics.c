/* Recording cycles into the metrics; the rendering is in prom.c. */
#include "agent/private/metrics.h"

#include <string.h>

#include "common/mem.h"

const double sc_agent_duration_bounds[SC_AGENT_DURATION_BUCKETS] = {
    0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600,
};

void sc_agent_metrics_init(sc_agent_metrics *metrics)
{
	memset(metrics, 0, sizeof(*metrics));
	metrics->leader = -1;
	pthread_mutex_init(&metrics->lock, NULL);
	sc_agent_status_init(&metrics->status);
}

void sc_agent_metrics_release(sc_agent_metrics *metrics)
{
	if (!metrics)
		return;
	sc_agent_report_release(&metrics->managed);
	sc_agent_status_release(&metrics->status);
	pthread_mutex_destroy(&metrics->lock);
	memset(metrics, 0, sizeof(*metrics));
}

static void record_duration(sc_agent_metrics *metrics, int64_t duration_ms)
{
	double seconds = duration_ms > 0 ? (double)duration_ms / 1000.0 : 0.0;

	for (size_t i = 0; i < SC_AGENT_DURATION_BUCKETS; i++) {
		if (seconds <= sc_agent_duration_bounds[i]) {
			metrics->duration_le[i]++;
			break;
		}
	}
	metrics->duration_count++;
	metrics->duration_sum += seconds;
}

/* Replaces the managed counts with a copy of the report's. */
static void record_managed(sc_agent_metrics *metrics, const sc_agent_report *report)
{
	sc_agent_report_release(&metrics->managed);
	for (size_t i = 0; i < report->set_count; i++) {
		sc_agent_set_count *copy =
		    sc_agent_report_set(&metrics->managed, report->sets[i].set);
		memcpy(copy->count, report->sets[i].count, sizeof(copy->count));
	}
}

void sc_agent_metrics_record(sc_agent_metrics *metrics, const sc_agent_report *report,
                             int64_t now_ms)
{
	pthread_mutex_lock(&metrics->lock);
	if (report->ok) {
		metrics->successes++;
		metrics->consecutive_failures = 0;
		metrics->last_success = (double)now_ms / 1000.0;
		metrics->ready = true;
	} else {
		metrics->failures++;
		metrics->consecutive_failures++;
	}
	record_duration(metrics, report->duration_ms);
	for (size_t kind = 0; kind < SC_AGENT_ACTION_KINDS; kind++) {
		for (size_t result = 0; result < SC_AGENT_RESULT_COUNT; result++)
			metrics->actions[kind][result] += report->actions[kind][result];
	}
	if (report->observed)
		record_managed(metrics, report);
	if (report->planned)
		metrics->drift = report->drift;
	pthread_mutex_unlock(&metrics->lock);
	sc_agent_status_record(&metrics->status, report, now_ms);
}

void sc_agent_metrics_set_live(sc_agent_metrics *metrics, bool live)
{
	pthread_mutex_lock(&metrics->lock);
	metrics->live = live;
	pthread_mutex_unlock(&metrics->lock);
}

bool sc_agent_metrics_live(sc_agent_metrics *metrics)
{
	pthread_mutex_lock(&metrics->lock);
	bool live = metrics->live;
	pthread_mutex_unlock(&metrics->lock);
	return live;
}

bool sc_agent_metrics_ready(sc_agent_metrics *metrics)
{
	pthread_mutex_lock(&metrics->lock);
	bool ready = metrics->ready;
	pthread_mutex_unlock(&metrics->lock);
	return ready;
}

void sc_agent_metrics_set_leader(sc_agent_metrics *metrics, bool leading, bool ready)
{
	pthread_mutex_lock(&metrics->lock);
	metrics->leader = leading;
	if (ready)
		metrics->ready = true;
	pthread_mutex_unlock(&metrics->lock);
}

unsigned long sc_agent_metrics_consecutive_failures(sc_agent_metrics *metrics)
{
	pthread_mutex_lock(&metrics->lock);
	unsigned long failures = metrics->consecutive_failures;
	pthread_mutex_unlock(&metrics->lock);
	return failures;
}
