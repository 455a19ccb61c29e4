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
 *
 * The rules, in detail:
 * - out must be empty (zeroed) on entry. On -1 it still holds the plan
 *   that was refused (so it can be shown); release it either way.
 * - Every spec's set must be one of options->sets (else an error: the run
 *   would create sandboxes it does not own); duplicate (set, name) specs
 *   are an error.
 * - Listed sandboxes whose sc-apply/set is not one of options->sets, or
 *   that have no sc-apply/set, count in out->ignored. So do sandboxes of
 *   an owned set without an sc-apply/name (with a warning: they cannot be
 *   matched, and are never pruned). Phase GONE: skipped, counted nowhere.
 * - Live replicas of a spec: READY, PAUSED, STARTING and UNKNOWN ones.
 *   Fewer than spec->replicas: that many CREATEs. More: the surplus is
 *   deleted, picking stale ones first, then UNKNOWN status, then the
 *   wrong state (paused when the spec says running, running when it says
 *   paused), then the least TTL left (unknown endAt counts as most), then
 *   the newest (unknown startedAt counts as oldest), then by id.
 * - Survivors: STARTING and UNKNOWN ones get no action (UNKNOWN warns),
 *   even when stale: the next run sees them settled. Stale ones get only
 *   REPLACE. Otherwise the wrong state gets only RESUME or PAUSE (resume
 *   resets the TTL). Running ones with endAt - now < renewBefore get
 *   RENEW (strictly less; an unknown endAt warns instead). Paused ones
 *   matching a paused spec are never renewed.
 * - protect (without options->force): a surplus sandbox is held back with
 *   a warning and left alone; a stale one is not replaced (warning) but
 *   still gets its state or renew action. A pruned sandbox has no spec,
 *   so protect cannot apply to it: prune with care (--max-delete).
 * - Sandboxes whose (set, name) no spec names: with options->prune a
 *   DELETE each; without it one warning per name ("use --prune"), and
 *   they count neither as unchanged nor as ignored.
 * - The empty-input guard: with prune, an owned set with no spec at all
 *   but with live sandboxes is an error unless options->allow_empty.
 * - --max-delete counts DELETE actions only; a REPLACE does not count
 *   (it puts a new sandbox in place of the old one).
 * - out->unchanged counts the managed sandboxes that get no action
 *   (held-back, STARTING and UNKNOWN ones included).
 * - Order: by set, then name (strcmp), then kind in the order delete,
 *   replace, pause, resume, renew, create (deletes first: they free
 *   quota), then sandbox id. See sc_action_kind_rank().
 */
int sc_plan_build(sc_plan *out, const sc_spec_list *specs,
                  const sc_sandbox_list *observed, int64_t now,
                  const sc_plan_options *options, sc_diag *diag);

/*
 * The plan of `sc-apply delete`: a DELETE for every live sandbox (any
 * phase but GONE) of the named specs, or, when specs is NULL, of every
 * set in options->sets. The same ownership re-check, protect (for named
 * specs; with specs NULL no spec is known and protect cannot apply) and
 * --max-delete rules as sc_plan_build(); options->prune and allow_empty
 * are not used. Owned sandboxes not deleted count in out->unchanged.
 */
int sc_plan_build_teardown(sc_plan *out, const sc_spec_list *specs,
                           const sc_sandbox_list *observed,
                           const sc_plan_options *options, sc_diag *diag);

void sc_plan_release(sc_plan *plan);

/*
 * Stale: the spec's hash under the sandbox's sc-apply/salt is not its
 * sc-apply/hash (a missing salt or hash is stale). What plan replaces and
 * what get shows as stale.
 */
bool sc_plan_is_stale(const sc_spec *spec, const sc_sandbox *sandbox);

/* How many actions of kind the plan holds. */
size_t sc_plan_count_kind(const sc_plan *plan, sc_action_kind kind);

/* The place of kind in the plan's order: delete 0, replace 1, ..., create 5. */
int sc_action_kind_rank(sc_action_kind kind);

/* "create", "resume", ... and the symbol "+", ">", "=", "~", "-/+", "-". */
const char *sc_action_kind_name(sc_action_kind kind);
const char *sc_action_kind_symbol(sc_action_kind kind);
/* Whether the action writes through a DELETE (delete, replace). */
bool sc_action_deletes(sc_action_kind kind);

#endif
