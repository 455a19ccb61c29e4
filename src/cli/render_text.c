#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli/private/render.h"
#include "common/buf.h"

typedef struct column_widths {
	int kind;
	int target;
	int sandbox;
} column_widths;

static const char *past_tense(sc_action_kind kind)
{
	static const char *const words[] = {
		[SC_ACTION_CREATE] = "created",   [SC_ACTION_RESUME] = "resumed",
		[SC_ACTION_PAUSE] = "paused",     [SC_ACTION_RENEW] = "renewed",
		[SC_ACTION_REPLACE] = "replaced", [SC_ACTION_DELETE] = "deleted",
	};
	return words[kind];
}

static sc_term_style kind_style(sc_action_kind kind)
{
	switch (kind) {
	case SC_ACTION_CREATE:
		return SC_TERM_GREEN;
	case SC_ACTION_DELETE:
		return SC_TERM_RED;
	case SC_ACTION_REPLACE:
		return SC_TERM_YELLOW;
	default:
		return SC_TERM_CYAN;
	}
}

static const char *sandbox_label(const sc_action *action)
{
	return action->sandbox ? action->sandbox->id : "(new)";
}

static int target_width(const sc_action *action)
{
	return (int)(strlen(action->set) + 1 + strlen(action->name));
}

/* How many creates of the same spec start at index i (1 for any other action). */
static size_t create_run(const sc_plan *plan, size_t i)
{
	const sc_action *first = &plan->actions[i];
	size_t run = 1;

	if (first->kind != SC_ACTION_CREATE)
		return 1;
	while (i + run < plan->count) {
		const sc_action *next = &plan->actions[i + run];
		if (next->kind != SC_ACTION_CREATE || strcmp(next->set, first->set) ||
		    strcmp(next->name, first->name))
			break;
		run++;
	}
	return run;
}

/* The sandbox column: its id, "(new)", or "(4 new)" for a run of creates. */
static const char *sandbox_column(char label[32], const sc_action *action, size_t run)
{
	if (run <= 1)
		return sandbox_label(action);
	snprintf(label, 32, "(%zu new)", run);
	return label;
}

static column_widths measure(const sc_plan *plan, bool group_creates)
{
	column_widths widths = {6, 4, 5};
	char label[32];

	for (size_t i = 0; i < plan->count;) {
		const sc_action *action = &plan->actions[i];
		size_t run = group_creates ? create_run(plan, i) : 1;
		int kind = (int)strlen(sc_action_kind_name(action->kind));
		int target = target_width(action);
		int sandbox = (int)strlen(sandbox_column(label, action, run));
		if (kind > widths.kind)
			widths.kind = kind;
		if (target > widths.target)
			widths.target = target;
		if (sandbox > widths.sandbox)
			widths.sandbox = sandbox;
		i += run;
	}
	return widths;
}

/* "  -/+ replace  team-ml/agent  sandbox_1  " : the columns every line shares. */
static void put_columns(FILE *out, const sc_term *term, const sc_action *action,
                        const column_widths *widths, const char *sandbox)
{
	sc_term_style style = kind_style(action->kind);
	fprintf(out, "  %s%3s %-*s%s  %s/%s%*s  %-*s  ", sc_term_on(term, style),
	        sc_action_kind_symbol(action->kind), widths->kind,
	        sc_action_kind_name(action->kind), sc_term_off(term), action->set, action->name,
	        widths->target - target_width(action), "", widths->sandbox, sandbox);
}

static void count_kinds(const sc_plan *plan, size_t counts[SC_ACTION_DELETE + 1])
{
	memset(counts, 0, sizeof(size_t) * (SC_ACTION_DELETE + 1));
	for (size_t i = 0; i < plan->count; i++)
		counts[plan->actions[i].kind]++;
}

/* Each change of the action on its own line, indented under it. */
static void put_changes(FILE *out, const sc_action *action)
{
	for (size_t i = 0; i < action->change_count; i++) {
		char *text = sc_change_describe(&action->changes[i]);
		fprintf(out, "        %s\n", text);
		free(text);
	}
}

/* What protect held back, one line each: what it would have done and why. */
static void put_held(FILE *out, const sc_term *term, const sc_plan *plan)
{
	if (!plan->held_count)
		return;
	fprintf(out, "%s%sHeld back:%s\n", plan->count ? "\n" : "", sc_term_on(term, SC_TERM_YELLOW), sc_term_off(term));
	for (size_t i = 0; i < plan->held_count; i++) {
		const sc_held *held = &plan->held[i];
		fprintf(out, "  ! not %-7s  %s/%s  %s  %s (use --force)\n",
		        sc_action_kind_name(held->kind), held->set, held->name,
		        held->sandbox ? held->sandbox->id : "-", held->reason);
	}
}

/* "3 to create, then 3 old to delete once they are ready": one projected wave. */
static void put_wave(FILE *out, const sc_rollout *rollout, size_t k)
{
	const sc_rollout_wave *wave = &rollout->steps[k];
	bool now = k + 1 == rollout->wave && rollout->state == SC_ROLLOUT_PROGRESSING;

	fprintf(out, "    wave %zu: ", k + 1);
	if (wave->creates)
		fprintf(out, "create %u", wave->creates);
	if (wave->creates && wave->deletes)
		fprintf(out, ", then delete %u old once %s ready", wave->deletes,
		        wave->creates == 1 ? "it is" : "they are");
	else if (wave->deletes)
		fprintf(out, "delete %u old", wave->deletes);
	fprintf(out, "%s\n", now ? "   <- now" : "");
}

/* Each rollout: where it stands, and its waves as projected. */
static void put_rollouts(FILE *out, const sc_term *term, const sc_plan *plan)
{
	for (size_t i = 0; i < plan->rollout_count; i++) {
		const sc_rollout *rollout = &plan->rollouts[i];
		fprintf(out, "%s%sRollout%s %s/%s: wave %u of %u, %s (maxSurge %u, maxUnavailable "
		        "%u): %u of %u updated, %u ready, %u old\n",
		        i || plan->count ? "\n" : "", sc_term_on(term, SC_TERM_BOLD),
		        sc_term_off(term), rollout->set, rollout->name, rollout->wave,
		        rollout->waves, sc_rollout_state_name(rollout->state), rollout->max_surge,
		        rollout->max_unavailable, rollout->updated, rollout->replicas, rollout->ready,
		        rollout->old);
		for (size_t k = 0; k < rollout->step_count; k++)
			put_wave(out, rollout, k);
		if (rollout->message)
			fprintf(out, "    %s\n", rollout->message);
	}
}

/* How each rollout ended, after a run. */
static void put_rollout_results(FILE *out, const sc_term *term, const sc_plan *plan)
{
	for (size_t i = 0; i < plan->rollout_count; i++) {
		const sc_rollout *rollout = &plan->rollouts[i];
		bool complete = rollout->state == SC_ROLLOUT_COMPLETE;
		fprintf(out, "%sRollout %s/%s %s%s: %u of %u updated, %u ready, %u old (wave %u of "
		        "%u).\n",
		        sc_term_on(term, complete ? SC_TERM_GREEN : SC_TERM_RED), rollout->set,
		        rollout->name, sc_rollout_state_name(rollout->state), sc_term_off(term),
		        rollout->updated, rollout->replicas, rollout->ready, rollout->old,
		        rollout->wave, rollout->waves);
	}
}

/*
 * Nothing to do. Held-back sandboxes count as unchanged but do not match
 * their specs: the line says so, so that no one reads held drift as none.
 */
static void put_no_changes(FILE *out, const sc_plan *plan)
{
	size_t held = plan->held_count;
	if (!held) {
		fprintf(out, "No changes: %zu sandbox%s match%s the specs.\n", plan->unchanged,
		        plan->unchanged == 1 ? "" : "es", plan->unchanged == 1 ? "es" : "");
		return;
	}
	fprintf(out, "No changes run: %zu sandbox%s unchanged, %zu of them held back by "
	        "protect and not matching the specs (see above; --force acts on them).\n",
	        plan->unchanged, plan->unchanged == 1 ? "" : "es", held);
}

void sc_render_plan_text(FILE *out, const sc_render_context *context)
{
	const sc_plan *plan = context->plan;
	const sc_term *term = &context->session->term;
	column_widths widths = measure(plan, true);
	size_t counts[SC_ACTION_DELETE + 1];
	char label[32];

	/* Creates of one spec are one line: a pool of 100 is not 100 lines. */
	for (size_t i = 0; i < plan->count;) {
		const sc_action *action = &plan->actions[i];
		size_t run = create_run(plan, i);
		put_columns(out, term, action, &widths, sandbox_column(label, action, run));
		fprintf(out, "%s\n", action->reason ? action->reason : "");
		put_changes(out, action);
		i += run;
	}
	put_held(out, term, plan);
	put_rollouts(out, term, plan);
	if (!plan->count && plan->rollout_count) {
		size_t stalled = 0;
		for (size_t i = 0; i < plan->rollout_count; i++)
			stalled += plan->rollouts[i].state == SC_ROLLOUT_STALLED;
		if (stalled)
			fprintf(out, "\nNo action possible: %zu rollout%s stalled.\n", stalled,
			        stalled == 1 ? "" : "s");
		else
			fprintf(out, "\nNo action now: %zu rollout%s under way, waiting for "
			        "readiness.\n",
			        plan->rollout_count, plan->rollout_count == 1 ? "" : "s");
		return;
	}
	if (!plan->count) {
		put_no_changes(out, plan);
		return;
	}
	count_kinds(plan, counts);
	sc_buf line = SC_BUF_INIT;
	static const char *const phrases[] = {
		[SC_ACTION_CREATE] = "to create",   [SC_ACTION_RESUME] = "to resume",
		[SC_ACTION_PAUSE] = "to pause",     [SC_ACTION_RENEW] = "to renew",
		[SC_ACTION_REPLACE] = "to replace", [SC_ACTION_DELETE] = "to delete",
	};
	for (int kind = 0; kind <= SC_ACTION_DELETE; kind++) {
		if (counts[kind])
			sc_buf_printf(&line, "%s%zu %s", line.len ? ", " : "", counts[kind],
			              phrases[kind]);
	}
	fprintf(out, "\n%sPlan:%s %s; %zu unchanged.\n", sc_term_on(term, SC_TERM_BOLD),
	        sc_term_off(term), sc_buf_cstr(&line), plan->unchanged);
	sc_buf_release(&line);
}

static void put_result(FILE *out, const sc_term *term, const sc_action *action)
{
	const sc_action_result *result = &action->result;

	switch (result->status) {
	case SC_RESULT_DONE:
		fprintf(out, "%s%s%s", sc_term_on(term, SC_TERM_GREEN), past_tense(action->kind),
		        sc_term_off(term));
		if (result->new_id)
			fprintf(out, " as %s", result->new_id);
		fprintf(out, " (%u request%s, %lld ms)\n", result->attempts,
		        result->attempts == 1 ? "" : "s", (long long)result->duration_ms);
		return;
	case SC_RESULT_FAILED:
		fprintf(out, "%sfailed%s: %s (%u request%s)\n", sc_term_on(term, SC_TERM_RED),
		        sc_term_off(term), result->message ? result->message : "unknown error",
		        result->attempts, result->attempts == 1 ? "" : "s");
		return;
	case SC_RESULT_SKIPPED:
		fprintf(out, "%sskipped%s: %s\n", sc_term_on(term, SC_TERM_YELLOW),
		        sc_term_off(term), result->message ? result->message : "not attempted");
		return;
	case SC_RESULT_PENDING:
		fprintf(out, "not run\n");
		return;
	}
}

void sc_render_results_text(FILE *out, const sc_render_context *context)
{
	const sc_plan *plan = context->plan;
	const sc_term *term = &context->session->term;
	column_widths widths = measure(plan, false);
	size_t done = 0, failed = 0;

	for (size_t i = 0; i < plan->count; i++) {
		const sc_action *action = &plan->actions[i];
		bool ok = action->result.status == SC_RESULT_DONE;
		done += ok;
		failed += !ok;
		if (ok && !context->session->options->verbose)
			continue;  /* the plan above already named it */
		put_columns(out, term, action, &widths, sandbox_label(action));
		put_result(out, term, action);
	}
	put_rollout_results(out, term, plan);
	if (!plan->count && !plan->rollout_count) {
		put_no_changes(out, plan);
		return;
	}
	size_t unfinished = 0;
	for (size_t i = 0; i < plan->rollout_count; i++)
		unfinished += plan->rollouts[i].state != SC_ROLLOUT_COMPLETE;
	if (!failed && unfinished)
		fprintf(out, "%s%c%s failed:%s %zu rollout%s did not complete; %zu action%s done; "
		        "%zu unchanged (%.1f s).\n",
		        sc_term_on(term, SC_TERM_RED), toupper((unsigned char)context->command[0]),
		        context->command + 1, sc_term_off(term), unfinished,
		        unfinished == 1 ? "" : "s", done, done == 1 ? "" : "s", plan->unchanged,
		        (double)context->elapsed_ms / 1000.0);
	else if (failed)
		fprintf(out, "%s%c%s failed:%s %zu of %zu actions failed, %zu done; %zu unchanged (%.1f s).\n",
		        sc_term_on(term, SC_TERM_RED), toupper((unsigned char)context->command[0]),
		        context->command + 1, sc_term_off(term), failed,
		        plan->count, done, plan->unchanged, (double)context->elapsed_ms / 1000.0);
	else
		fprintf(out, "%s%c%s complete:%s %zu action%s done; %zu unchanged (%.1f s).\n",
		        sc_term_on(term, SC_TERM_GREEN), toupper((unsigned char)context->command[0]),
		        context->command + 1, sc_term_off(term), done,
		        done == 1 ? "" : "s", plan->unchanged, (double)context->elapsed_ms / 1000.0);
}

void sc_render_progress(sc_term *term, const sc_action *action, size_t done, size_t total)
{
	char line[256];
	snprintf(line, sizeof(line), "[%zu/%zu] %s %s/%s", done, total,
	         sc_action_kind_name(action->kind), action->set, action->name);
	sc_term_progress(term, line);
}
