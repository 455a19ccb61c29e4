/*
 * The plan: a pure function of (specs, observed sandboxes, now) to the
 * typed actions that make the service match the specs. No I/O, no clock,
 * no randomness: the same input gives the same plan, in the same order.
 *
 * Ownership: an sc_plan owns its actions and their reason strings. Each
 * action's spec and sandbox are borrowed from the sc_spec_list and the
 * sc_sandbox_list given to sc_plan_build(); both must outlive the plan.
 * sc_plan_release() frees what the plan owns; a zeroed plan is empty.
 */
#ifndef SC_PLAN_PLAN_H
#define SC_PLAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/sandbox.h"
#include "common/diag.h"
#include "spec/spec.h"

typedef enum {
	SC_ACTION_CREATE,   /* "+"   POST /sandboxes */
	SC_ACTION_RESUME,   /* ">"   POST /connect {timeout} */
	SC_ACTION_PAUSE,    /* "="   POST /pause */
	SC_ACTION_RENEW,    /* "~"   POST /timeout {timeout} */
	SC_ACTION_REPLACE,  /* "-/+" create new then delete old (or the reverse) */
	SC_ACTION_DELETE,   /* "-"   DELETE */
} sc_action_kind;

/* What became of an action; filled in by the executor (src/exec/). */
typedef enum {
	SC_RESULT_PENDING,  /* not run (plan only, or not reached) */
	SC_RESULT_DONE,
	SC_RESULT_FAILED,
	SC_RESULT_SKIPPED,  /* not attempted: e.g. the run's time ran out */
} sc_result_status;

typedef struct sc_action_result {
	sc_result_status status;
	char *message;       /* owned; why it failed or was skipped, no secrets */
	char *new_id;        /* owned; the sandbox a create/replace made */
	unsigned attempts;   /* HTTP requests made for it, retries included */
	int http_status;     /* of the last response; 0 for none */
	int64_t duration_ms;
} sc_action_result;

typedef struct sc_action {
	sc_action_kind kind;
	const char *set;            /* borrowed: the set acted in */
	const char *name;           /* borrowed: the spec name (sc-apply/name) */
	const sc_spec *spec;        /* borrowed; NULL for a delete whose spec is gone */
	const sc_sandbox *sandbox;  /* borrowed; NULL for a create */
	char *reason;               /* owned; "replicas: 2 running, 3 wanted" */
	sc_action_result result;
} sc_action;

typedef struct sc_plan_options {
	bool prune;            /* delete sandboxes of the run's sets that no spec names */
	bool allow_empty;      /* allow a prune of a set with no specs at all */
	long max_delete;       /* refuse a plan deleting more than this; < 0: no cap */
	bool force;            /* delete and replace protected sandboxes too */
	const char *const *sets;  /* the sets this run owns (from specs and --set) */
	size_t set_count;
} sc_plan_options;

typedef struct sc_plan {
	sc_action *actions;
	size_t count;
	size_t alloc;
	size_t unchanged;      /* managed sandboxes that need nothing */
	size_t ignored;        /* listed sandboxes outside the run's sets */
} sc_plan;

/*
 * Builds the plan. now is the server's clock in Unix ms (the list's Date).
 * Only a sandbox whose sc-apply/set label is one of options->sets is ever
 * acted on, whatever the list returned. Returns -1 with errors in diag when
 * the plan must not run (a prune guard tripped, --max-delete exceeded);
 * warnings (a protected sandbox held back, an unknown status) go to diag
 * too and do not fail the plan.
 */
int sc_plan_build(sc_plan *out, const sc_spec_list *specs,
                  const sc_sandbox_list *observed, int64_t now,
                  const sc_plan_options *options, sc_diag *diag);

void sc_plan_release(sc_plan *plan);

/* "create", "resume", ... and the symbol "+", ">", "=", "~", "-/+", "-". */
const char *sc_action_kind_name(sc_action_kind kind);
const char *sc_action_kind_symbol(sc_action_kind kind);
/* Whether the action writes through a DELETE (delete, replace). */
bool sc_action_deletes(sc_action_kind kind);

#endif
