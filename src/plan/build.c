/*
 * sc_plan_build(): walks the specs and the owned sandboxes by (set, name)
 * and turns each difference into an action with its reason. The rules are
 * listed in plan.h; each function here applies one of them.
 */
#include "plan/private/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

typedef struct build_ctx {
	sc_plan *plan;
	const sc_plan_options *options;
	int64_t now;
	sc_diag *diag;
	sc_plan_member **order; /* scratch: a group's members in pick order */
	size_t order_alloc;
	bool heartbeats_shown;  /* the list carries lastHeartbeat (sc_plan_heartbeats_shown) */
} build_ctx;

static void spec_warning(build_ctx *ctx, const sc_spec *spec, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A warning about a sandbox of spec, placed at the spec's document. */
static void spec_warning(build_ctx *ctx, const sc_spec *spec, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sc_diag_addv(ctx->diag, SC_DIAG_WARNING, spec->where.file, spec->where.line,
	             spec->where.column, fmt, ap);
	va_end(ap);
}

static sc_action *push(build_ctx *ctx, sc_action_kind kind, const sc_spec *spec,
                       const sc_sandbox *sandbox, sc_reason_code code, char *reason)
{
	sc_action *action =
	    sc_plan_push(ctx->plan, kind, spec->set, spec->name, spec, sandbox, reason);

	action->reason_code = code;
	return action;
}

/* A count before and after, as a change: "replicas: 3 -> 2". */
static void add_count_change(sc_action *action, const char *path, size_t old_value,
                             size_t new_value)
{
	sc_change *change = sc_action_add_change(action, SC_CHANGE_MODIFIED, path);

	change->old_value = sc_asprintf("%zu", old_value);
	change->new_value = sc_asprintf("%zu", new_value);
}

static bool wrong_state(const sc_spec *spec, const sc_sandbox *sandbox)
{
	if (spec->state == SC_SPEC_RUNNING)
		return sandbox->phase == SC_PHASE_PAUSED;
	return sandbox->phase == SC_PHASE_READY;
}

/*
 * A running sandbox of a running spec: RENEW when its TTL runs low, or is
 * above the timeout, or lives by a smaller timeout of the create's.
 */
static void plan_ttl(build_ctx *ctx, const sc_spec *spec, const sc_sandbox *sandbox)
{
	sc_ttl_need need = sc_plan_ttl_check(spec, sandbox, ctx->now);

	if (need == SC_TTL_UNKNOWN)
		spec_warning(ctx, spec,
		             "sandbox %s of spec '%s' reports no endAt: TTL unknown, "
		             "not renewed",
		             sandbox->id, spec->name);
	if (need == SC_TTL_UNKNOWN || need == SC_TTL_OK) {
		ctx->plan->unchanged++;
		return;
	}
	sc_action *action = push(ctx, SC_ACTION_RENEW, spec, sandbox,
	                         need == SC_TTL_LOW ? SC_REASON_TTL : SC_REASON_TIMEOUT,
	                         sc_plan_ttl_reason(need, spec, sandbox, ctx->now));
	sc_plan_ttl_changes(action, need, spec, sandbox, ctx->now);
}

/* A stale survivor: REPLACE, or a warning when protect holds it back. */
static bool plan_replace(build_ctx *ctx, const sc_spec *spec, const sc_sandbox *sandbox)
{
	const char *why;

	if (sc_plan_protected(spec, sandbox, ctx->options, &why)) {
		sc_plan_hold(ctx->plan, ctx->diag, SC_ACTION_REPLACE, spec->set,
		             spec->name, spec, sandbox, why);
		return false;
	}
	sc_action *action =
	    push(ctx, SC_ACTION_REPLACE, spec, sandbox, SC_REASON_SPEC_CHANGED, NULL);
	sc_plan_diff_replace(action, spec, sandbox);
	action->reason = sc_plan_replace_reason(action, spec, sandbox);
	return true;
}

/* RESUME or PAUSE, with the state as its change. */
static void plan_state(build_ctx *ctx, const sc_spec *spec, const sc_sandbox *sandbox)
{
	bool resume = spec->state == SC_SPEC_RUNNING;
	sc_action *action = push(ctx, resume ? SC_ACTION_RESUME : SC_ACTION_PAUSE, spec,
	                         sandbox, SC_REASON_STATE,
	                         sc_strdup(resume ? "paused, spec says running"
	                                          : "running, spec says paused"));
	sc_change *change =
	    sc_action_add_change(action, SC_CHANGE_MODIFIED, "spec.state");

	change->old_value = sc_strdup(resume ? "paused" : "running");
	change->new_value = sc_strdup(resume ? "running" : "paused");
}

/*
 * A sandbox that stays: at most one action, the first rule that applies.
 * may_replace false: a stale one waits for its rollout wave instead.
 */
static void plan_survivor(build_ctx *ctx, const sc_spec *spec,
                          const sc_plan_member *member, bool may_replace)
{
	const sc_sandbox *sandbox = member->sandbox;

	if (sandbox->phase == SC_PHASE_UNKNOWN) {
		spec_warning(
		    ctx, spec,
		    "sandbox %s of spec '%s' has unknown status '%s': left alone",
		    sandbox->id, spec->name, sandbox->status ? sandbox->status : "");
		ctx->plan->unchanged++;
		return;
	}
	if (sandbox->phase == SC_PHASE_STARTING) {
		ctx->plan->unchanged++;
		return;
	}
	if (member->stale && may_replace && plan_replace(ctx, spec, sandbox))
		return;
	if (member->wrong_state)
		plan_state(ctx, spec, sandbox);
	else if (sandbox->phase == SC_PHASE_READY)
		plan_ttl(ctx, spec, sandbox);
	else
		ctx->plan->unchanged++;
}

/* A surplus sandbox: DELETE, or a warning when protect holds it back. */
static void plan_victim(build_ctx *ctx, const sc_plan_group *group,
                        const sc_plan_member *victim, const sc_plan_member *survivor)
{
	const sc_spec *spec = group->spec;
	const char *why;

	if (sc_plan_protected(spec, victim->sandbox, ctx->options, &why)) {
		sc_plan_hold(ctx->plan, ctx->diag, SC_ACTION_DELETE, spec->set,
		             spec->name, spec, victim->sandbox, why);
		ctx->plan->unchanged++;
		return;
	}
	char *clause = survivor ? sc_plan_victim_clause(victim, survivor, spec, ctx->now)
	                        : sc_strdup("");
	sc_action *action =
	    push(ctx, SC_ACTION_DELETE, spec, victim->sandbox, SC_REASON_REPLICAS,
	         sc_asprintf("more replicas than wanted (%zu > %u)%s%s", group->count,
	                     spec->replicas, clause[0] ? ": " : "", clause));
	add_count_change(action, "spec.replicas", group->count, spec->replicas);
	free(clause);
}

static void plan_creates(build_ctx *ctx, const sc_plan_group *group)
{
	const sc_spec *spec = group->spec;

	for (size_t i = group->count; i < spec->replicas; i++) {
		sc_action *action =
		    push(ctx, SC_ACTION_CREATE, spec, NULL, SC_REASON_REPLICAS,
		         sc_asprintf("replicas: %zu of %u present", group->count,
		                     spec->replicas));
		add_count_change(action, "spec.replicas", group->count, spec->replicas);
		sc_plan_diff_create(action, spec);
	}
}

/* The group's members in pick order: the ones to delete first come first. */
static sc_plan_member **order_members(build_ctx *ctx, const sc_plan_group *group)
{
	SC_GROW(ctx->order, group->count, ctx->order_alloc);
	for (size_t i = 0; i < group->count; i++) {
		sc_plan_member *member = &group->members[i];
		member->stale = sc_plan_is_stale(group->spec, member->sandbox);
		member->wrong_state = wrong_state(group->spec, member->sandbox);
		ctx->order[i] = member;
	}
	sc_plan_sort_victims(ctx->order, group->count,
	                     sc_plan_protected(group->spec, NULL, ctx->options, NULL));
	return ctx->order;
}

/* "rollout wave 2 of 4: ": what every action of a rollout's wave starts with. */
static char *wave_reason(const sc_rollout *entry, char *rest)
{
	char *reason = sc_asprintf("rollout wave %u of %u: %s", entry->wave, entry->waves, rest);
	free(rest);
	return reason;
}

/* An old replica deleted in this wave: its diff is the replace it completes. */
static void plan_retire(build_ctx *ctx, const sc_rollout *entry, const sc_sandbox *sandbox)
{
	const sc_spec *spec = entry->spec;
	sc_action *action =
	    push(ctx, SC_ACTION_DELETE, spec, sandbox, SC_REASON_SPEC_CHANGED, NULL);

	sc_plan_diff_replace(action, spec, sandbox);
	action->reason = wave_reason(entry, sc_plan_replace_reason(action, spec, sandbox));
}

static void plan_rollout_delete(build_ctx *ctx, const sc_rollout *entry,
                                const sc_sandbox *sandbox, sc_plan_fate fate,
                                const char *why)
{
	const sc_spec *spec = entry->spec;

	if (fate == SC_FATE_RETIRE) {
		plan_retire(ctx, entry, sandbox);
	} else if (fate == SC_FATE_FAILED) {
		push(ctx, SC_ACTION_DELETE, spec, sandbox, SC_REASON_ROLLOUT_FAILED,
		     sc_asprintf("rollout failed: %s", why));
	} else {
		sc_action *action = push(
		    ctx, SC_ACTION_DELETE, spec, sandbox, SC_REASON_REPLICAS,
		    sc_asprintf("more current replicas than wanted (%u > %u) during the rollout",
		                entry->updated, entry->replicas));
		add_count_change(action, "spec.replicas", entry->updated, entry->replicas);
	}
}

/* This wave's creates: stamped with the wave's start, for progressDeadline. */
static void plan_rollout_creates(build_ctx *ctx, const sc_rollout *entry, unsigned creates,
                                 const sc_sandbox *model)
{
	char start[24];

	snprintf(start, sizeof(start), "%lld", (long long)(ctx->now / 1000));
	for (unsigned k = 0; k < creates; k++) {
		sc_action *action =
		    push(ctx, SC_ACTION_CREATE, entry->spec, NULL, SC_REASON_SPEC_CHANGED,
		         wave_reason(entry, sc_asprintf("a new replica for the changed spec "
		                                        "(%u of %u updated, %u old)",
		                                        entry->updated, entry->replicas,
		                                        entry->old)));
		if (model)
			sc_plan_diff_replace(action, entry->spec, model);
		else
			sc_plan_diff_create(action, entry->spec);
		sc_kv_set(&action->labels, SC_LABEL_ROLLOUT_START, start);
	}
}

static void add_rollout(sc_plan *plan, const sc_rollout *entry)
{
	SC_GROW(plan->rollouts, plan->rollout_count + 1, plan->rollout_alloc);
	plan->rollouts[plan->rollout_count++] = *entry;
}

/* A spec under rollout: this wave's actions. false: not under rollout. */
static bool plan_rollout(build_ctx *ctx, const sc_plan_group *group, sc_plan_member **order)
{
	sc_plan_rollout_step step;

	if (!sc_plan_rollout_decide(&step, group, order, ctx->now, ctx->heartbeats_shown,
	                            ctx->options))
		return false;
	for (size_t i = 0; i < group->count; i++) {
		if (step.fates[i] == SC_FATE_KEEP || step.fates[i] == SC_FATE_HOLD)
			plan_survivor(ctx, group->spec, order[i], step.fates[i] == SC_FATE_HOLD);
		else
			plan_rollout_delete(ctx, &step.entry, order[i]->sandbox, step.fates[i],
			                    step.why[i]);
		free(step.why[i]);
	}
	plan_rollout_creates(ctx, &step.entry, step.creates, step.model);
	add_rollout(ctx->plan, &step.entry);
	free(step.why);
	free(step.fates);
	return true;
}

/* readiness: heartbeat against a server that shows none: said, and not waited for. */
static void check_heartbeats(build_ctx *ctx, const sc_plan_group *group)
{
	const sc_spec *spec = group->spec;

	if (spec->readiness == SC_READINESS_HEARTBEAT && spec->state == SC_SPEC_RUNNING &&
	    group->count && !ctx->heartbeats_shown)
		spec_warning(ctx, spec,
		             "spec '%s' has readiness: heartbeat, but the server shows no "
		             "heartbeats (no lastHeartbeat in its list): ready means running",
		             spec->name);
}

static void plan_spec(build_ctx *ctx, const sc_plan_group *group)
{
	size_t wanted = group->spec->replicas;
	size_t surplus = group->count > wanted ? group->count - wanted : 0;
	sc_plan_member **order = order_members(ctx, group);

	check_heartbeats(ctx, group);
	if (plan_rollout(ctx, group, order))
		return;

	for (size_t i = 0; i < group->count; i++) {
		if (i < surplus)
			plan_victim(ctx, group, order[i],
			            surplus < group->count ? order[surplus] : NULL);
		else
			plan_survivor(ctx, group->spec, order[i], true);
	}
	plan_creates(ctx, group);
}

/* Sandboxes no spec names: deleted with --prune, else reported. */
static void plan_orphans(build_ctx *ctx, const sc_plan_group *group)
{
	if (!ctx->options->prune) {
		sc_diag_warning(ctx->diag, NULL, 0, 0,
		                "'%s' in set '%s' is not in the specs (%zu sandbox%s): "
		                "use --prune to delete",
		                group->name, group->set, group->count,
		                group->count == 1 ? "" : "es");
		return;
	}
	for (size_t i = 0; i < group->count; i++) {
		const sc_sandbox *sandbox = group->members[i].sandbox;
		const char *why;
		if (sc_plan_protected(NULL, sandbox, ctx->options, &why)) {
			sc_plan_hold(ctx->plan, ctx->diag, SC_ACTION_DELETE, group->set,
			             group->name, NULL, sandbox, why);
			ctx->plan->unchanged++;
			continue;
		}
		sc_action *action = sc_plan_push(
		    ctx->plan, SC_ACTION_DELETE, group->set, group->name, NULL, sandbox,
		    sc_asprintf("no spec named '%s' in set '%s' (--prune)", group->name,
		                group->set));
		action->reason_code = SC_REASON_PRUNED;
	}
}

static void plan_group(void *opaque, const sc_plan_group *group)
{
	build_ctx *ctx = opaque;

	if (group->spec)
		plan_spec(ctx, group);
	else
		plan_orphans(ctx, group);
}

int sc_plan_build(sc_plan *out, const sc_spec_list *specs,
                  const sc_sandbox_list *observed, int64_t now,
                  const sc_plan_options *options, sc_diag *diag)
{
	build_ctx ctx = {out, options, now, diag, NULL, 0, sc_plan_heartbeats_shown(observed)};
	sc_plan_view view;
	int result;

	memset(out, 0, sizeof(*out));
	result = sc_plan_view_init(&view, specs, observed, options, &out->ignored, diag);
	if (result == 0) {
		sc_plan_view_walk(&view, plan_group, &ctx);
		sc_plan_sort(out);
		if (sc_plan_check_empty_input(&view, options, diag) < 0)
			result = -1;
		if (sc_plan_check_max_delete(out, options, diag) < 0)
			result = -1;
	}
	free(ctx.order);
	sc_plan_view_release(&view);
	return result;
}
