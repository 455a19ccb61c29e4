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

/*
 * Why an action (or a hold) is in the plan, for machines; the reason text
 * says the same for people. See sc_reason_code_name() for the words.
 */
typedef enum {
	SC_REASON_REPLICAS,     /* "replicas": fewer or more live replicas than wanted */
	SC_REASON_STATE,        /* "state": paused vs running */
	SC_REASON_TTL,          /* "ttl": TTL left below renewBefore */
	SC_REASON_TIMEOUT,      /* "timeout": TTL left above timeout, or a raised timeout */
	SC_REASON_SPEC_CHANGED, /* "spec-changed": sc-apply/hash differs */
	SC_REASON_PRUNED,       /* "pruned": no spec names it (--prune) */
	SC_REASON_REQUESTED,    /* "delete-requested": sc-apply delete */
	SC_REASON_PROTECTED,    /* "protected": held back (see sc_held) */
	SC_REASON_ROLLOUT_FAILED, /* "rollout-failed": a new sandbox of a rollout failed */
} sc_reason_code;

/*
 * One field an action changes: its path in the spec ("spec.template",
 * "spec.envVars.API_TOKEN", "metadata.labels.team") and the values before
 * and after as a person reads them. Secret values never get here: a
 * sensitive change carries no values at all.
 */
typedef enum {
	SC_CHANGE_SET,      /* a create sets it: only new */
	SC_CHANGE_MODIFIED, /* old -> new */
	SC_CHANGE_ADDED,    /* not there before: only new */
	SC_CHANGE_REMOVED,  /* gone after: only old */
} sc_change_kind;

typedef struct sc_change {
	sc_change_kind kind;
	char *path;         /* owned */
	char *old_value;    /* owned; NULL when none, or when old_unknown */
	char *new_value;    /* owned; NULL when none */
	char *note;         /* owned; said instead of the values when they cannot be shown */
	bool quoted;        /* the values are strings (shown in quotes) */
	bool seconds;       /* the values are seconds (shown with " s") */
	bool sensitive;     /* the values are secrets: never shown, only that they changed */
	bool old_unknown;   /* the sandbox does not record the old value */
	bool old_at_create; /* the old value is the one recorded at create */
	bool defaulted;     /* new_value is the spec's default, not written in the file */
} sc_change;

typedef struct sc_action {
	sc_action_kind kind;
	const char *set;            /* borrowed: the set acted in */
	const char *name;           /* borrowed: the spec name (sc-apply/name) */
	const sc_spec *spec;        /* borrowed; NULL for a delete whose spec is gone */
	const sc_sandbox *sandbox;  /* borrowed; NULL for a create */
	char *reason;               /* owned; "replicas: 2 running, 3 wanted" */
	sc_reason_code reason_code;
	sc_change *changes;         /* owned: what the action changes, field by field */
	size_t change_count;
	sc_kv labels;               /* owned: more labels a create stamps (sc-apply/rollout-start) */
	sc_action_result result;
} sc_action;

/*
 * A sandbox the plan would have deleted or replaced but holds back, and
 * why: protect without --force. set, name, spec (NULL when no spec names
 * it) and sandbox are borrowed like an action's; reason is static text,
 * "protected (spec.protect)" or "protected (sc-apply/protect)".
 */
typedef struct sc_held {
	sc_action_kind kind;        /* what it would have been: delete or replace */
	const char *set;
	const char *name;
	const sc_spec *spec;
	const sc_sandbox *sandbox;
	const char *reason;
	sc_reason_code reason_code; /* SC_REASON_PROTECTED */
} sc_held;

/*
 * ---- Rollouts (spec.rollout) ----
 *
 * A spec with spec.rollout and stale replicas is replaced in waves, in
 * the words of a Kubernetes Deployment. A percentage of maxSurge counts
 * up, one of maxUnavailable down, and should both come to 0,
 * maxUnavailable is 1 (as Kubernetes does). The plan holds only the actions
 * that may run now, safe to run in parallel: the caller executes them,
 * lists again and plans again until no rollout is progressing
 * (src/reconcile/rollout.c). With N = replicas, S = maxSurge,
 * U = maxUnavailable, old = stale replicas, new = current ones:
 * - creates: min(N - new, N + S - (old + new)), never below 0: the total
 *   never exceeds N + S while the creates run;
 * - deletes of old ones (Kubernetes' scale-down of the old ReplicaSets):
 *   at most old + ready new - (N - U) of them, not-ready old ones first,
 *   and of the ready ones only as many as keep N - U ready: the ready
 *   count never drops below N - U while the deletes run;
 * - a new sandbox reporting heartbeat error, or not ready
 *   progressDeadline seconds after its wave began (the
 *   sc-apply/rollout-start label, Unix seconds of the server clock,
 *   stamped at create; else its startedAt), fails the rollout: the plan
 *   deletes the failed new ones and nothing else of the spec's, the old
 *   ones stay (state FAILED);
 * - nothing can move and no new sandbox is on its way: STALLED;
 * - the rollout is over once no stale replica is left; then the usual
 *   rules apply again. A protected stale replica is held, as without a
 *   rollout, and keeps its slot.
 */
#define SC_LABEL_ROLLOUT_START "sc-apply/rollout-start"

typedef enum {
	SC_ROLLOUT_PROGRESSING, /* "progressing" */
	SC_ROLLOUT_COMPLETE,    /* "complete": no stale replica left (set by the caller) */
	SC_ROLLOUT_FAILED,      /* "failed": a new sandbox failed; see message */
	SC_ROLLOUT_STALLED,     /* "stalled": nothing may run and nothing is pending */
} sc_rollout_state;

/* One wave as projected: create this many new ones, then delete this many old. */
typedef struct sc_rollout_wave {
	unsigned creates;
	unsigned deletes;
} sc_rollout_wave;

/*
 * A spec under rollout. set, name and spec are borrowed; message and
 * steps are owned by the plan.
 */
typedef struct sc_rollout {
	const char *set;
	const char *name;
	const sc_spec *spec;
	unsigned replicas;
	unsigned max_surge;      /* spec.rollout's, a percentage resolved against replicas */
	unsigned max_unavailable;
	unsigned updated;        /* current replicas, ready or not */
	unsigned ready;          /* of those, ready (spec.readiness) */
	unsigned old;            /* stale replicas still there */
	unsigned wave;           /* 1-based: the wave under way */
	unsigned waves;          /* how many in all, projected from the start */
	sc_rollout_state state;
	bool ungated;            /* readiness heartbeat, but the server shows no heartbeats */
	char *message;           /* FAILED, STALLED: what went wrong, naming the sandboxes */
	sc_rollout_wave *steps;  /* the waves as projected (every new one ready at once) */
	size_t step_count;
} sc_rollout;

const char *sc_rollout_state_name(sc_rollout_state state);

/* Whether a sandbox of spec is ready, not yet, or failed (spec.readiness). */
typedef enum { SC_READY_NOT_YET, SC_READY_YES, SC_READY_FAILED } sc_ready;

/*
 * A paused spec's sandbox is ready when paused; a running spec's when
 * running and, with readiness heartbeat and heartbeats_shown, its last
 * heartbeat is healthy. A heartbeat error is FAILED whatever the status.
 */
sc_ready sc_plan_ready(const sc_spec *spec, const sc_sandbox *sandbox, bool heartbeats_shown);

/*
 * Whether the server shows heartbeats: some sandbox of list carries a
 * lastHeartbeat field (null included). An empty list says no.
 */
bool sc_plan_heartbeats_shown(const sc_sandbox_list *list);

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
	sc_held *held;         /* owned array: what protect held back */
	size_t held_count;
	size_t held_alloc;
	sc_rollout *rollouts;  /* owned array: the specs under rollout, by (set, name) */
	size_t rollout_count;
	size_t rollout_alloc;
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
 *   the newest (unknown startedAt counts as oldest), then by id. When
 *   protect holds the surplus back, the TTL left is not a criterion (a
 *   run changes its survivors' TTL, so the next run would pick others).
 * - Survivors: STARTING and UNKNOWN ones get no action (UNKNOWN warns),
 *   even when stale: the next run sees them settled. Stale ones get only
 *   REPLACE. Otherwise the wrong state gets only RESUME or PAUSE (resume
 *   resets the TTL). Running ones of a running spec get the TTL rules of
 *   sc_plan_ttl_check(): RENEW when endAt - now < renewBefore (strictly
 *   less; an unknown endAt warns instead), RENEW (shorten, reason code
 *   "timeout") when more than timeout + SC_PLAN_TTL_SLACK_MS is left, and
 *   RENEW (raise) when sc-apply/timeout recorded a smaller timeout that
 *   still holds. Paused ones matching a paused spec are never renewed:
 *   they do not expire, and a resume sets the spec's timeout.
 * - protect (see sc_plan_protected(); without options->force): a surplus
 *   or pruned sandbox is held back (out->held, a warning) and left alone;
 *   a stale one is not replaced (out->held, a warning) but still gets its
 *   state or renew action. A pruned sandbox has no spec: its
 *   sc-apply/protect label, recorded at create, decides.
 * - Sandboxes whose (set, name) no spec names: with options->prune a
 *   DELETE each; without it one warning per name ("use --prune"), and
 *   they count neither as unchanged nor as ignored.
 * - The empty-input guard: with prune, an owned set with no spec at all
 *   but with live sandboxes is an error unless options->allow_empty.
 * - A spec with spec.rollout and a stale replica that protect does not
 *   hold is rolled out in waves (see Rollouts above): its actions are the
 *   current wave's, and out->rollouts says how far it is.
 * - --max-delete counts DELETE actions only; a REPLACE does not count
 *   (it puts a new sandbox in place of the old one), nor does a rollout's
 *   delete of an old replica or of a failed new one.
 * - out->unchanged counts the managed sandboxes that get no action
 *   (held-back, STARTING and UNKNOWN ones included; a held-back stale one
 *   that gets a state or renew action counts as that action).
 * - Every action has a reason text, a reason code and its changes, field
 *   by field (see sc_change); held entries are in (set, name, id) order.
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
 * set in options->sets. The same ownership re-check, protect (a named
 * spec's protect; with specs NULL each sandbox's sc-apply/protect label)
 * and --max-delete rules as sc_plan_build(); options->prune and
 * allow_empty are not used. Owned sandboxes not deleted count in
 * out->unchanged; protected ones are in out->held too.
 */
int sc_plan_build_teardown(sc_plan *out, const sc_spec_list *specs,
                           const sc_sandbox_list *observed,
                           const sc_plan_options *options, sc_diag *diag);

void sc_plan_release(sc_plan *plan);

/*
 * Moves every action of from (results included) to the end of into; from
 * keeps the rest. What the actions borrow must outlive into.
 */
void sc_plan_append(sc_plan *into, sc_plan *from);

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

/* How many actions are pure deletes, what --max-delete counts (not replaces). */
size_t sc_plan_delete_count(const sc_plan *plan);
const char *sc_action_kind_symbol(sc_action_kind kind);
/* Whether the action writes through a DELETE (delete, replace). */
bool sc_action_deletes(sc_action_kind kind);

/* "replicas", "state", "ttl", "timeout", "spec-changed", "pruned", ... */
const char *sc_reason_code_name(sc_reason_code code);

/*
 * One change as a line of text, without indent: `template: "base" ->
 * "node"` (with a real arrow), `envVars.API_TOKEN: (sensitive value
 * changed)`, and for what a create sets `timeout 300 s (default)`. The
 * path loses its "spec.", "metadata." or "status." prefix. Returns a
 * malloc'd string; never holds a secret value.
 */
char *sc_change_describe(const sc_change *change);

/*
 * ---- What sc-apply records on a sandbox at create ----
 *
 * Labels cannot change in place (the API has no route to update
 * metadata), so these hold the spec as it was at create, and the plan
 * reads them only as that: old values for a diff, and protect when no
 * spec names the sandbox any more. Values follow Kubernetes label
 * syntax; a value that would not fit is not recorded (the label is
 * absent and the plan says "(not recorded)"). envVars values are never
 * recorded, only their names.
 */
#define SC_LABEL_TIMEOUT "sc-apply/timeout"     /* spec.timeout, seconds */
#define SC_LABEL_PROTECT "sc-apply/protect"     /* "true" or "false" */
#define SC_LABEL_TEMPLATE "sc-apply/template"   /* spec.template as written */
#define SC_LABEL_ENV_NAMES "sc-apply/env-names" /* envVars names, sorted, '.'-joined */

/* Adds the labels above for spec to out (the create's metadata). */
void sc_plan_record_labels(sc_kv *out, const sc_spec *spec);
/* Adds the labels action stamps on what it creates, besides the spec's (action->labels). */
void sc_plan_action_labels(sc_kv *out, const sc_action *action);

/* A label's seconds as recorded by sc_plan_record_labels(): false when absent or bad. */
bool sc_plan_recorded_seconds(const sc_sandbox *sandbox, const char *key, unsigned *out);

/*
 * ---- Questions about one sandbox, shared with the commands ----
 */

/*
 * Stale: the spec's hash under the sandbox's sc-apply/salt is not its
 * sc-apply/hash (a missing salt or hash is stale).
 */
bool sc_plan_is_stale(const sc_spec *spec, const sc_sandbox *sandbox);

/*
 * Whether protect holds sandbox back from a delete or replace: never
 * with options->force; else the spec's protect when a spec names it (the
 * file is the truth: turning protect on protects from this run on, and
 * turning it off releases it), else the sandbox's sc-apply/protect label
 * ("true"). *why (may be NULL) gets the static reason text.
 * The label is the spec's protect at create and cannot change in place:
 * a sandbox made before its spec said protect: true is protected while
 * the spec names it, and no longer once the spec is removed.
 */
bool sc_plan_protected(const sc_spec *spec, const sc_sandbox *sandbox,
                       const sc_plan_options *options, const char **why);

/*
 * The round trip the TTL rules allow for: the Date header has whole
 * seconds, and a TTL set between a list and the next one is measured
 * against that list's clock.
 */
#define SC_PLAN_TTL_SLACK_MS 5000

typedef enum {
	SC_TTL_OK,       /* renewBefore <= left <= timeout (+ slack) */
	SC_TTL_UNKNOWN,  /* no endAt */
	SC_TTL_LOW,      /* left < renewBefore: renew */
	SC_TTL_ABOVE,    /* left > timeout + slack: shorten to timeout */
	SC_TTL_RAISED,   /* sc-apply/timeout < timeout and the create's TTL still holds */
} sc_ttl_need;

/*
 * What a running sandbox of a running spec needs for its TTL at now
 * (server ms). The raise: a sandbox whose endAt is still startedAt +
 * its recorded sc-apply/timeout (within the slack) was never renewed,
 * so it lives by the old, smaller timeout; once renewed it does not, and
 * later renewals (left < renewBefore) use the spec's timeout anyway.
 */
sc_ttl_need sc_plan_ttl_check(const sc_spec *spec, const sc_sandbox *sandbox, int64_t now);

/*
 * ---- The view: the run's sets, the sandboxes it owns, the specs ----
 *
 * Ownership: an sc_plan_view owns its arrays only; every sandbox, spec
 * and string it points at is borrowed from the caller's lists.
 */

/* One live sandbox (not GONE) whose sc-apply/set is one of the run's sets. */
typedef struct sc_plan_member {
	const sc_sandbox *sandbox;
	const char *set;  /* its sc-apply/set label */
	const char *name; /* its sc-apply/name label */
	bool stale;       /* filled by the build: hash differs or missing */
	bool wrong_state; /* filled by the build: paused vs running */
} sc_plan_member;

/*
 * The input in merge order: members sorted by (set, name, id), each
 * sandbox once even when the list repeated it, specs by (set, name), the
 * run's sets sorted and without duplicates.
 */
typedef struct sc_plan_view {
	const char **sets;
	size_t set_count;
	sc_plan_member *members;
	size_t member_count;
	const sc_spec **specs;
	size_t spec_count;
} sc_plan_view;

/*
 * Builds the view of options->sets (the other options are not used).
 * Counts listed sandboxes the run does not own into *ignored (may be
 * NULL). Returns -1 with errors in diag when the specs cannot be planned
 * (a spec of a set the run does not own, a duplicate); the view must be
 * released either way. specs and observed may be NULL.
 */
int sc_plan_view_init(sc_plan_view *view, const sc_spec_list *specs,
                      const sc_sandbox_list *observed, const sc_plan_options *options,
                      size_t *ignored, sc_diag *diag);
void sc_plan_view_release(sc_plan_view *view);

/* Whether set (NULL: no) is one of the view's sets: the ownership re-check. */
bool sc_plan_view_owns(const sc_plan_view *view, const char *set);

/* Whether the view has a spec, or a member, in set. */
bool sc_plan_view_set_has_spec(const sc_plan_view *view, const char *set);
bool sc_plan_view_set_has_member(const sc_plan_view *view, const char *set);

/*
 * A (set, name) and what the view has for it: the spec (NULL when no
 * spec names it) and its members (sorted by id; none for a spec with no
 * live sandbox).
 */
typedef struct sc_plan_group {
	const char *set;
	const char *name;
	const sc_spec *spec;
	sc_plan_member *members;
	size_t count;
} sc_plan_group;

typedef void (*sc_plan_group_fn)(void *ctx, const sc_plan_group *group);

/* Calls fn for each (set, name) of the view, in (set, name) order. */
void sc_plan_view_walk(const sc_plan_view *view, sc_plan_group_fn fn, void *ctx);

#endif
