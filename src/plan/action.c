/* Actions and the plan that holds them: names, symbols, order, lifetime. */
#include "plan/private/internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

const char *sc_action_kind_name(sc_action_kind kind)
{
	switch (kind) {
	case SC_ACTION_CREATE:
		return "create";
	case SC_ACTION_RESUME:
		return "resume";
	case SC_ACTION_PAUSE:
		return "pause";
	case SC_ACTION_RENEW:
		return "renew";
	case SC_ACTION_REPLACE:
		return "replace";
	case SC_ACTION_DELETE:
		return "delete";
	}
	return "unknown";
}

const char *sc_action_kind_symbol(sc_action_kind kind)
{
	switch (kind) {
	case SC_ACTION_CREATE:
		return "+";
	case SC_ACTION_RESUME:
		return ">";
	case SC_ACTION_PAUSE:
		return "=";
	case SC_ACTION_RENEW:
		return "~";
	case SC_ACTION_REPLACE:
		return "-/+";
	case SC_ACTION_DELETE:
		return "-";
	}
	return "?";
}

bool sc_action_deletes(sc_action_kind kind)
{
	return kind == SC_ACTION_DELETE || kind == SC_ACTION_REPLACE;
}

int sc_action_kind_rank(sc_action_kind kind)
{
	switch (kind) {
	case SC_ACTION_DELETE:
		return 0;
	case SC_ACTION_REPLACE:
		return 1;
	case SC_ACTION_PAUSE:
		return 2;
	case SC_ACTION_RESUME:
		return 3;
	case SC_ACTION_RENEW:
		return 4;
	case SC_ACTION_CREATE:
		return 5;
	}
	return 6;
}

size_t sc_plan_count_kind(const sc_plan *plan, sc_action_kind kind)
{
	size_t count = 0;

	for (size_t i = 0; i < plan->count; i++)
		count += plan->actions[i].kind == kind;
	return count;
}

/* A rollout's deletes put new sandboxes in place of old ones, or remove its own failures. */
size_t sc_plan_delete_count(const sc_plan *plan)
{
	size_t count = 0;

	for (size_t i = 0; i < plan->count; i++) {
		const sc_action *action = &plan->actions[i];
		count += action->kind == SC_ACTION_DELETE &&
		         action->reason_code != SC_REASON_SPEC_CHANGED &&
		         action->reason_code != SC_REASON_ROLLOUT_FAILED;
	}
	return count;
}

const char *sc_reason_code_name(sc_reason_code code)
{
	switch (code) {
	case SC_REASON_REPLICAS:
		return "replicas";
	case SC_REASON_STATE:
		return "state";
	case SC_REASON_TTL:
		return "ttl";
	case SC_REASON_TIMEOUT:
		return "timeout";
	case SC_REASON_SPEC_CHANGED:
		return "spec-changed";
	case SC_REASON_PRUNED:
		return "pruned";
	case SC_REASON_REQUESTED:
		return "delete-requested";
	case SC_REASON_PROTECTED:
		return "protected";
	case SC_REASON_ROLLOUT_FAILED:
		return "rollout-failed";
	}
	return "unknown";
}

static void release_changes(sc_action *action)
{
	for (size_t i = 0; i < action->change_count; i++) {
		free(action->changes[i].path);
		free(action->changes[i].old_value);
		free(action->changes[i].new_value);
		free(action->changes[i].note);
	}
	free(action->changes);
}

void sc_plan_release(sc_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->count; i++) {
		free(plan->actions[i].reason);
		release_changes(&plan->actions[i]);
		free(plan->actions[i].result.message);
		free(plan->actions[i].result.new_id);
		sc_kv_release(&plan->actions[i].labels);
	}
	free(plan->actions);
	free(plan->held);
	for (size_t i = 0; i < plan->rollout_count; i++) {
		free(plan->rollouts[i].message);
		free(plan->rollouts[i].steps);
	}
	free(plan->rollouts);
	memset(plan, 0, sizeof(*plan));
}

sc_action *sc_plan_push(sc_plan *plan, sc_action_kind kind, const char *set,
                        const char *name, const sc_spec *spec, const sc_sandbox *sandbox,
                        char *reason)
{
	SC_GROW(plan->actions, plan->count + 1, plan->alloc);
	sc_action *action = &plan->actions[plan->count++];
	memset(action, 0, sizeof(*action));
	action->kind = kind;
	action->set = set;
	action->name = name;
	action->spec = spec;
	action->sandbox = sandbox;
	action->reason = reason;
	action->result.status = SC_RESULT_PENDING;
	return action;
}

sc_change *sc_action_add_change(sc_action *action, sc_change_kind kind, const char *path)
{
	/* Grows by one: an action has a handful of changes at most. */
	action->changes = sc_realloc(action->changes, (action->change_count + 1) *
	                                                  sizeof(*action->changes));
	sc_change *change = &action->changes[action->change_count++];
	memset(change, 0, sizeof(*change));
	change->kind = kind;
	change->path = sc_strdup(path);
	return change;
}

static void hold_warning(sc_diag *diag, sc_action_kind kind, const char *set,
                         const char *name, const sc_spec *spec, const sc_sandbox *sandbox)
{
	const char *verb = kind == SC_ACTION_REPLACE ? "replaced" : "deleted";

	if (spec)
		sc_diag_warning(
		    diag, spec->where.file, spec->where.line, spec->where.column,
		    "sandbox %s of spec '%s' is protected: not %s (use --force)",
		    sandbox->id, spec->name, verb);
	else
		sc_diag_warning(
		    diag, NULL, 0, 0,
		    "sandbox %s of '%s' in set '%s' is protected (" SC_LABEL_PROTECT
		    "): not %s (use --force)",
		    sandbox->id, name, set, verb);
}

void sc_plan_hold(sc_plan *plan, sc_diag *diag, sc_action_kind kind, const char *set,
                  const char *name, const sc_spec *spec, const sc_sandbox *sandbox,
                  const char *why)
{
	hold_warning(diag, kind, set, name, spec, sandbox);
	SC_GROW(plan->held, plan->held_count + 1, plan->held_alloc);
	sc_held *held = &plan->held[plan->held_count++];
	held->kind = kind;
	held->set = set;
	held->name = name;
	held->spec = spec;
	held->sandbox = sandbox;
	held->reason = why;
	held->reason_code = SC_REASON_PROTECTED;
}

static int compare_actions(const void *pa, const void *pb)
{
	const sc_action *a = pa, *b = pb;
	int cmp = sc_plan_key_compare(a->set, a->name, b->set, b->name);

	if (cmp)
		return cmp;
	cmp = sc_action_kind_rank(a->kind) - sc_action_kind_rank(b->kind);
	if (cmp)
		return cmp;
	/* Creates have no sandbox and are interchangeable. */
	if (!a->sandbox || !b->sandbox)
		return (a->sandbox != NULL) - (b->sandbox != NULL);
	return strcmp(a->sandbox->id, b->sandbox->id);
}

static int compare_held(const void *pa, const void *pb)
{
	const sc_held *a = pa, *b = pb;
	int cmp = sc_plan_key_compare(a->set, a->name, b->set, b->name);

	return cmp ? cmp : strcmp(a->sandbox->id, b->sandbox->id);
}

void sc_plan_sort(sc_plan *plan)
{
	if (plan->count > 1)
		qsort(plan->actions, plan->count, sizeof(plan->actions[0]),
		      compare_actions);
	if (plan->held_count > 1)
		qsort(plan->held, plan->held_count, sizeof(plan->held[0]), compare_held);
}

void sc_plan_append(sc_plan *into, sc_plan *from)
{
	for (size_t i = 0; i < from->count; i++) {
		SC_GROW(into->actions, into->count + 1, into->alloc);
		into->actions[into->count++] = from->actions[i];
	}
	from->count = 0;
}
