/*
 * The report of one reconcile cycle, as the agent's metrics and logs need
 * it: whether it succeeded, what it did (actions by kind and result), what
 * it saw (managed sandboxes by set and state) and how much drift it found
 * (the number of actions it planned). The cli layer's cycle function fills
 * it; the loop adds the duration.
 *
 * Ownership: a report owns its set names (copied). sc_agent_report_release()
 * frees them; a zeroed report (SC_AGENT_REPORT_INIT) is empty.
 */
#ifndef SC_AGENT_REPORT_H
#define SC_AGENT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/sandbox.h"
#include "plan/plan.h"

/* The states of the managed-sandboxes gauge (a sandbox that is gone counts nowhere). */
typedef enum {
	SC_AGENT_STATE_RUNNING,
	SC_AGENT_STATE_PAUSED,
	SC_AGENT_STATE_STARTING,
	SC_AGENT_STATE_UNKNOWN,
	SC_AGENT_STATE_COUNT,
} sc_agent_state;

/* The results an action counts under; a PENDING one counts as skipped. */
typedef enum {
	SC_AGENT_RESULT_DONE,
	SC_AGENT_RESULT_FAILED,
	SC_AGENT_RESULT_SKIPPED,
	SC_AGENT_RESULT_COUNT,
} sc_agent_result;

/* Every sc_action_kind, SC_ACTION_CREATE .. SC_ACTION_DELETE. */
#define SC_AGENT_ACTION_KINDS (SC_ACTION_DELETE + 1)

typedef struct sc_agent_set_count {
	char *set; /* owned */
	unsigned long count[SC_AGENT_STATE_COUNT];
} sc_agent_set_count;

typedef struct sc_agent_report {
	bool ok;       /* the cycle converged: specs loaded, listed, planned, all done */
	bool observed; /* the cycle listed the sandboxes: sets[] is meaningful */
	bool planned;  /* the cycle built a plan: drift is meaningful */
	unsigned long actions[SC_AGENT_ACTION_KINDS][SC_AGENT_RESULT_COUNT];
	sc_agent_set_count *sets; /* sorted by set name, unique */
	size_t set_count;
	size_t set_alloc;
	size_t drift;        /* actions planned */
	int64_t duration_ms; /* filled by the loop */
} sc_agent_report;

#define SC_AGENT_REPORT_INIT                                                             \
	{                                                                                \
		0                                                                        \
	}

void sc_agent_report_init(sc_agent_report *report);
void sc_agent_report_release(sc_agent_report *report);

/* The gauge's word for a state ("running", ...) and for a phase's state. */
const char *sc_agent_state_name(sc_agent_state state);
/* The state a phase counts under; false for SC_PHASE_GONE (counted nowhere). */
bool sc_agent_state_of_phase(sc_phase phase, sc_agent_state *out);
/* "done", "failed", "skipped". */
const char *sc_agent_result_name(sc_agent_result result);

/* The entry of set, added (all zero) when it is not there yet; borrowed. */
sc_agent_set_count *sc_agent_report_set(sc_agent_report *report, const char *set);

/*
 * Counts the sandboxes of observed whose sc-apply/set label is one of
 * sets (the labels re-checked here, whatever the list returned), by set
 * and state. Every set of sets gets an entry, zero or not. Marks the
 * report observed.
 */
void sc_agent_report_count_sandboxes(sc_agent_report *report,
                                     const sc_sandbox_list *observed,
                                     const char *const *sets, size_t set_count);

/* Sets drift to the plan's action count and marks the report planned. */
void sc_agent_report_count_plan(sc_agent_report *report, const sc_plan *plan);
/* Adds every action of an executed plan to actions[kind][result]. */
void sc_agent_report_count_results(sc_agent_report *report, const sc_plan *plan);

/*
 * Moves the managed counts of an observed report by what the plan's DONE
 * actions did (a create or replace adds one in the spec's state, a delete
 * or replace takes the old one away, pause and resume move one), so that
 * the gauge shows the sandboxes after the cycle, not before it.
 */
void sc_agent_report_project(sc_agent_report *report, const sc_plan *plan);

/* Sums actions[][result] over every kind. */
unsigned long sc_agent_report_total(const sc_agent_report *report,
                                    sc_agent_result result);

#endif
