/* Recording cycles into the status; the JSON rendering is in status_json.c. */
#include "agent/status.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

void sc_agent_status_init(sc_agent_status *status)
{
	memset(status, 0, sizeof(*status));
	pthread_mutex_init(&status->lock, NULL);
}

static void cycle_release(sc_agent_status_cycle *cycle)
{
	for (size_t i = 0; i < cycle->message_count; i++)
		free(cycle->messages[i].text);
	free(cycle->messages);
	memset(cycle, 0, sizeof(*cycle));
}

void sc_agent_status_release(sc_agent_status *status)
{
	if (!status)
		return;
	for (size_t i = 0; i < SC_AGENT_STATUS_CYCLES; i++)
		cycle_release(&status->ring[i]);
	sc_agent_report_release(&status->view);
	pthread_mutex_destroy(&status->lock);
	memset(status, 0, sizeof(*status));
}

static sc_agent_rollout *copy_rollout(const sc_agent_rollout *rollout)
{
	if (!rollout)
		return NULL;
	sc_agent_rollout *copy = sc_calloc(1, sizeof(*copy));
	copy->phase = rollout->phase ? sc_strdup(rollout->phase) : NULL;
	copy->updated = rollout->updated;
	copy->total = rollout->total;
	return copy;
}

/* Replaces the sets and specs shown with copies of the report's. */
static void record_view(sc_agent_status *status, const sc_agent_report *report,
                        int64_t now_ms)
{
	sc_agent_report *view = &status->view;

	sc_agent_report_release(view);
	for (size_t i = 0; i < report->set_count; i++) {
		sc_agent_set_count *copy = sc_agent_report_set(view, report->sets[i].set);
		memcpy(copy->count, report->sets[i].count, sizeof(copy->count));
	}
	view->specs = sc_calloc(report->spec_count + 1, sizeof(*view->specs));
	view->spec_alloc = report->spec_count + 1;
	for (size_t i = 0; i < report->spec_count; i++) {
		sc_agent_spec_status *copy = &view->specs[view->spec_count++];
		*copy = report->specs[i];
		copy->set = sc_strdup(report->specs[i].set);
		copy->name = sc_strdup(report->specs[i].name);
		copy->rollout = copy_rollout(report->specs[i].rollout);
	}
	view->specs_counted = report->specs_counted;
	status->view_cycle = status->cycles;
	status->view_ms = now_ms;
}

static void record_cycle(sc_agent_status_cycle *cycle, const sc_agent_report *report,
                         unsigned long number, int64_t now_ms)
{
	cycle_release(cycle);
	cycle->number = number;
	cycle->duration_ms = report->duration_ms > 0 ? report->duration_ms : 0;
	cycle->started_ms = now_ms - cycle->duration_ms;
	cycle->ok = report->ok;
	cycle->planned = report->planned;
	cycle->drift = report->drift;
	memcpy(cycle->actions, report->actions, sizeof(cycle->actions));
	cycle->messages = sc_calloc(report->message_count + 1, sizeof(*cycle->messages));
	for (size_t i = 0; i < report->message_count; i++) {
		cycle->messages[i].level = report->messages[i].level;
		cycle->messages[i].text =
		    sc_strndup(report->messages[i].text, SC_AGENT_STATUS_MESSAGE_MAX);
	}
	cycle->message_count = report->message_count;
	cycle->messages_dropped = report->messages_dropped;
}

void sc_agent_status_record(sc_agent_status *status, const sc_agent_report *report,
                            int64_t now_ms)
{
	pthread_mutex_lock(&status->lock);
	status->cycles++;
	record_cycle(&status->ring[status->ring_next], report, status->cycles, now_ms);
	status->ring_next = (status->ring_next + 1) % SC_AGENT_STATUS_CYCLES;
	if (status->ring_count < SC_AGENT_STATUS_CYCLES)
		status->ring_count++;
	if (report->ok) {
		status->consecutive_failures = 0;
		status->last_success_ms = now_ms;
	} else {
		status->consecutive_failures++;
	}
	if (report->observed)
		record_view(status, report, now_ms);
	pthread_mutex_unlock(&status->lock);
}
