/*
 * What the files of src/plan/ share and nothing outside it uses:
 * appending actions, changes and held entries to a plan, the guards,
 * and the pieces of the build (scale-down picks, diffs, TTL reasons).
 */
#ifndef SC_PLAN_INTERNAL_H
#define SC_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

/* Compares two (set, name) keys: strcmp order, set first. */
int sc_plan_key_compare(const char *set_a, const char *name_a, const char *set_b,
                        const char *name_b);

/*
 * Appends an action; the plan takes reason (malloc'd). set and name are
 * borrowed. Returns the action (moves on the next append).
 */
sc_action *sc_plan_push(sc_plan *plan, sc_action_kind kind, const char *set,
                        const char *name, const sc_spec *spec, const sc_sandbox *sandbox,
                        char *reason);

/* Sorts the actions into the documented order (see plan.h). */
void sc_plan_sort(sc_plan *plan);

/* The --max-delete guard: an error in diag and -1 when the plan exceeds it. */
int sc_plan_check_max_delete(const sc_plan *plan, const sc_plan_options *options,
                             sc_diag *diag);

/* The empty-input guard of --prune (see plan.h): -1 with errors in diag. */
int sc_plan_check_empty_input(const sc_plan_view *view, const sc_plan_options *options,
                              sc_diag *diag);

/*
 * Records a held-back sandbox in the plan (see sc_held) and warns of it:
 * at the spec's place when a spec names it, else naming its label.
 */
void sc_plan_hold(sc_plan *plan, sc_diag *diag, sc_action_kind kind, const char *set,
                  const char *name, const sc_spec *spec, const sc_sandbox *sandbox,
                  const char *why);

/* Appends a change to action and returns it (moves on the next append). */
sc_change *sc_action_add_change(sc_action *action, sc_change_kind kind, const char *path);

/* What sc-apply/parts says of one group of fields (see spec.h). */
typedef enum { SC_PART_SAME, SC_PART_CHANGED, SC_PART_UNKNOWN } sc_plan_part_state;

/*
 * Each group's state from sc-apply/parts: all unknown without a usable
 * parts label. envVars has no part: changed when the sandbox is stale by
 * its sc-apply/hash and no other part differs, else unknown.
 */
void sc_plan_part_states(sc_plan_part_state out[SC_SPEC_PART_COUNT], const sc_spec *spec,
                         const sc_sandbox *sandbox);

/* The field-level changes of a replace: what differs, as far as the sandbox shows. */
void sc_plan_diff_replace(sc_action *action, const sc_spec *spec, const sc_sandbox *sandbox);

/* The changes of a create: the fields it sets, defaults marked. */
void sc_plan_diff_create(sc_action *action, const sc_spec *spec);

/* The reason text and changes of a RENEW for need (see sc_plan_ttl_check()). */
char *sc_plan_ttl_reason(sc_ttl_need need, const sc_spec *spec, const sc_sandbox *sandbox,
                         int64_t now);
/* spec.timeout from the create's sc-apply/timeout (or "(not recorded)") to the spec's. */
void sc_plan_timeout_change(sc_action *action, const sc_spec *spec, const sc_sandbox *sandbox);
void sc_plan_ttl_changes(sc_action *action, sc_ttl_need need, const sc_spec *spec,
                         const sc_sandbox *sandbox, int64_t now);


/*
 * The reason for replacing a stale sandbox: what differs, naming what can
 * be seen (label keys from the action's changes, an unaliased template),
 * never an envVars value. Returns a malloc'd string.
 */
char *sc_plan_replace_reason(const sc_action *action, const sc_spec *spec,
                             const sc_sandbox *sandbox);

/*
 * Scale-down: orders members[0..count) so that the ones to delete first
 * come first (stale, unknown status, wrong state, least TTL left, newest,
 * then by id). held: protect holds the surplus back, and the TTL left is
 * not a criterion (pick.c says why). Each member's stale and wrong_state
 * must be set.
 */
void sc_plan_sort_victims(sc_plan_member **members, size_t count, bool held);

/*
 * Why victim was picked before survivor, as a short clause ("stale",
 * "least TTL left (120s)", ...), or "" when only the id told them apart.
 * Returns a malloc'd string.
 */
char *sc_plan_victim_clause(const sc_plan_member *victim, const sc_plan_member *survivor,
                            const sc_spec *spec, int64_t now);

/* What a rollout does with one member of its spec. */
typedef enum {
	SC_FATE_KEEP,    /* stays: the usual state and TTL rules, no replace */
	SC_FATE_HOLD,    /* stale but protected: held, as without a rollout */
	SC_FATE_RETIRE,  /* an old one deleted in this wave */
	SC_FATE_FAILED,  /* a new one that failed: deleted */
	SC_FATE_SURPLUS, /* a new one beyond replicas: deleted */
} sc_plan_fate;

/*
 * The rollout of a group: fates[i] for order[i], the creates of this
 * wave, and the progress (out->entry, whose message and steps the caller
 * takes). Returns false, with nothing filled, when the group is not under
 * rollout (no spec.rollout, or no stale replica to replace and no failed
 * new one). fates must hold group->count entries.
 */
typedef struct sc_plan_rollout_step {
	sc_plan_fate *fates;
	unsigned creates;
	const sc_sandbox *model; /* an old replica, to diff creates against; may be NULL */
	char **why;              /* per member: why it fails (FAILED), malloc'd, else NULL */
	sc_rollout entry;
} sc_plan_rollout_step;

bool sc_plan_rollout_decide(sc_plan_rollout_step *out, const sc_plan_group *group,
                            sc_plan_member *const *order, int64_t now, bool heartbeats_shown,
                            const sc_plan_options *options);

/* The server second at which a new sandbox's wave began, or 0 when unknown. */
int64_t sc_plan_rollout_start(const sc_sandbox *sandbox);

#endif
