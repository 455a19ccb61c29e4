/*
 * What the files of src/plan/ share and nothing outside it uses: the
 * observed sandboxes the run owns, grouped by (set, name); the specs in
 * the same order; and appending actions to a plan.
 *
 * Ownership: an sc_plan_view owns its arrays only; every sandbox, spec
 * and string it points at is borrowed from the caller's lists.
 */
#ifndef SC_PLAN_INTERNAL_H
#define SC_PLAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan/plan.h"

/* One live sandbox (not GONE) whose sc-apply/set is one of the run's sets. */
typedef struct sc_plan_member {
	const sc_sandbox *sandbox;
	const char *set;  /* its sc-apply/set label */
	const char *name; /* its sc-apply/name label */
	bool stale;       /* filled by the build: hash differs or missing */
	bool wrong_state; /* filled by the build: paused vs running */
} sc_plan_member;

/*
 * The input in merge order: members sorted by (set, name, id), specs by
 * (set, name), the run's sets sorted and without duplicates.
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
 * Builds the view. Counts listed sandboxes the run does not own into
 * *ignored. Returns -1 with errors in diag when the specs cannot be
 * planned (a spec of a set the run does not own, a duplicate); the view
 * must be released either way.
 */
int sc_plan_view_init(sc_plan_view *view, const sc_spec_list *specs,
                      const sc_sandbox_list *observed, const sc_plan_options *options,
                      size_t *ignored, sc_diag *diag);
void sc_plan_view_release(sc_plan_view *view);

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

/* How many actions are pure deletes (SC_ACTION_DELETE). */
size_t sc_plan_delete_count(const sc_plan *plan);

/* The --max-delete guard: an error in diag and -1 when the plan exceeds it. */
int sc_plan_check_max_delete(const sc_plan *plan, const sc_plan_options *options,
                             sc_diag *diag);

/* The empty-input guard of --prune (see plan.h): -1 with errors in diag. */
int sc_plan_check_empty_input(const sc_plan_view *view, const sc_plan_options *options,
                              sc_diag *diag);

/* Whether a protected spec's sandbox must be held back (protect and no --force). */
bool sc_plan_held_back(const sc_spec *spec, const sc_plan_options *options);

/*
 * The reason for replacing a stale sandbox: what differs, naming what can
 * be seen (label keys, an unaliased template), never an envVars value.
 * Returns a malloc'd string.
 */
char *sc_plan_replace_reason(const sc_spec *spec, const sc_sandbox *sandbox);

/*
 * Scale-down: orders members[0..count) so that the ones to delete first
 * come first (stale, unknown status, wrong state, least TTL left, newest,
 * then by id). Each member's stale and wrong_state must be set.
 */
void sc_plan_sort_victims(sc_plan_member **members, size_t count);

/*
 * Why victim was picked before survivor, as a short clause ("stale",
 * "least TTL left (120s)", ...), or "" when only the id told them apart.
 * Returns a malloc'd string.
 */
char *sc_plan_victim_clause(const sc_plan_member *victim, const sc_plan_member *survivor,
                            const sc_spec *spec, int64_t now);

#endif
