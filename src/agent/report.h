/*
 * The report of one reconcile cycle, as the agent's metrics and logs need
 * it: whether it succeeded, what it did (actions by kind and result), what
 * it saw (managed sandboxes by set and state), how much drift it found
 * (the number of actions it planned), each spec as the cycle left it and
 * the cycle's messages (diagnostics and failed actions), for the status
 * page. The cli layer's cycle function fills it; the loop adds the
 * duration.
 *
 * Ownership: a report owns its set names, spec entries and messages
 * (copied). sc_agent_report_release() frees them; a zeroed report
 * (SC_AGENT_REPORT_INIT) is empty.
 */
#ifndef SC_AGENT_REPORT_H
#define SC_AGENT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/sandbox.h"
#include "common/diag.h"
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

/*
 * A rollout's progress (spec.rollout): how many of a spec's replicas are
 * on its current version. A spec without a rollout under way has none.
 */
typedef struct sc_agent_rollout {
	char *phase; /* owned: "progressing", "paused", "done", ... */
	unsigned long updated;
	unsigned long total;
} sc_agent_rollout;

/*
 * One spec as the cycle left it: the listing at the cycle's start, moved
 * by the actions the cycle completed (a create or replace adds a fresh
 * sandbox with the spec's full TTL, a delete or replace takes one away,
 * pause, resume and renew change its state or TTL).
 */
typedef struct sc_agent_spec_status {
	char *set;           /* owned */
	char *name;          /* owned */
	unsigned desired;    /* spec.replicas */
	bool paused;         /* spec.state is paused */
	unsigned long live;  /* sandboxes in any phase but gone */
	unsigned long ready; /* running ones */
	unsigned long stale; /* made from another version of the spec */
	int64_t ttl_left_ms; /* least TTL left of the running ones; -1: none known */
	sc_agent_rollout *rollout; /* owned; NULL: no rollout */
} sc_agent_spec_status;

/* A diagnostic or an action that failed: text without secrets, one line. */
typedef struct sc_agent_message {
	sc_diag_level level;
	char *text; /* owned */
} sc_agent_message;

/* How many messages a report keeps; more only count in messages_dropped. */
#define SC_AGENT_REPORT_MAX_MESSAGES 20

typedef struct sc_agent_report {
	bool ok;       /* the cycle converged: specs loaded, listed, planned, all done */
	bool observed; /* the cycle listed the sandboxes: sets[] is meaningful */
	bool planned;  /* the cycle built a plan: drift is meaningful */
	unsigned long actions[SC_AGENT_ACTION_KINDS][SC_AGENT_RESULT_COUNT];
	sc_agent_set_count *sets; /* sorted by set name, unique */
	size_t set_count;
	size_t set_alloc;
	size_t drift;                /* actions planned */
	int64_t duration_ms;         /* filled by the loop */
	bool specs_counted;          /* specs[] is meaningful */
	sc_agent_spec_status *specs; /* sorted by (set, name), unique */
	size_t spec_count;
	size_t spec_alloc;
	sc_agent_message *messages;
	size_t message_count;
	size_t message_alloc;
	size_t messages_dropped;
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

/*
 * Fills specs[] with every spec of specs and its sandboxes in observed
 * (sc-apply/set and sc-apply/name labels), as the plan's DONE actions
 * left them; now is the server's clock (Unix ms) the TTLs count from.
 * plan may be NULL (nothing ran). Marks the report's specs counted.
 */
void sc_agent_report_count_specs(sc_agent_report *report, const sc_spec_list *specs,
                                 const sc_sandbox_list *observed, const sc_plan *plan,
                                 int64_t now);

/*
 * Sets the rollout of the spec (set, name) of specs[] (counted first):
 * its state word ("progressing", "complete", "failed", "stalled"), how
 * many replicas are updated, of total. A spec not in specs[] is ignored.
 */
void sc_agent_report_rollout(sc_agent_report *report, const char *set, const char *name,
                             const char *phase, unsigned long updated, unsigned long total);

/*
 * Keeps a copy of text (control characters made '?') as a message of the
 * cycle; past SC_AGENT_REPORT_MAX_MESSAGES it is only counted. Never pass
 * a secret.
 */
void sc_agent_report_note(sc_agent_report *report, sc_diag_level level, const char *text);

/*
 * Replaces every envVars value of specs (SECRET) in the messages with
 * "***", as action results are scrubbed: the last guard before the
 * messages leave the cycle, whatever made them.
 */
void sc_agent_report_scrub(sc_agent_report *report, const sc_spec_list *specs);

/* Notes every action of an executed plan that failed or was skipped, with why. */
void sc_agent_report_note_results(sc_agent_report *report, const sc_plan *plan);

/* Sums actions[][result] over every kind. */
unsigned long sc_agent_report_total(const sc_agent_report *report,
                                    sc_agent_result result);

#endif
