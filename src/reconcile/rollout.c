/*
 * Carrying a rollout through: the plan holds only the wave that may run
 * now (plan.h, "Rollouts"), so after it runs the run lists again, plans
 * again and runs the next wave, until no rollout is progressing. Between
 * waves it waits for the new sandboxes to become ready, polling the list.
 * Level-triggered by construction: each wave is decided on a fresh list,
 * and a later apply (or agent cycle) picks a rollout up where it stands.
 *
 * Bounds: the run's --timeout (when given), the stop hook, the specs'
 * progressDeadline (the plan fails a wave that misses it), and, should
 * the service report no times to measure that by, the same deadline
 * counted here from the last wave that did something.
 */
#include "reconcile/private/rollout.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/mem.h"
#include "common/timeutil.h"

#define POLL_FIRST_MS  250
#define POLL_MAX_MS    5000
#define SLEEP_SLICE_MS 100

/* A stop asked for, or the run's lock no longer provably held (fencing). */
static bool stopping(const sc_reconcile *run)
{
	return sc_reconcile_should_stop((void *)run);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Waits ms, in slices, ending early when a stop is requested. */
static void wait_ms(const sc_reconcile *run, long ms)
{
	while (ms > 0 && !stopping(run)) {
		long slice = ms < SLEEP_SLICE_MS ? ms : SLEEP_SLICE_MS;
		sleep_ms(slice);
		ms -= slice;
	}
}

static bool progressing(const sc_reconcile *run)
{
	for (size_t i = 0; i < run->plan.rollout_count; i++) {
		if (run->plan.rollouts[i].state == SC_ROLLOUT_PROGRESSING)
			return true;
	}
	return false;
}

bool sc_reconcile_rollout_pending(const sc_reconcile *run)
{
	for (size_t i = 0; run->planned && i < run->plan.rollout_count; i++) {
		if (run->plan.rollouts[i].state != SC_ROLLOUT_COMPLETE)
			return true;
	}
	return false;
}

/* The longest progressDeadline of the specs under rollout, in ms. */
static int64_t longest_deadline_ms(const sc_plan *plan)
{
	int64_t longest = 0;
	for (size_t i = 0; i < plan->rollout_count; i++) {
		int64_t ms =
		    (int64_t)plan->rollouts[i].spec->rollout.progress_deadline * 1000;
		if (ms > longest)
			longest = ms;
	}
	return longest;
}

static bool same_entry(const sc_diag_entry *a, const sc_diag_entry *b)
{
	return a->level == b->level && a->line == b->line && a->column == b->column &&
	       !strcmp(a->message, b->message) &&
	       (a->file == b->file || (a->file && b->file && !strcmp(a->file, b->file)));
}

/*
 * Moves into run->diag what from says that the run has not said yet
 * (run->said, which the caller may have printed and cleared from
 * run->diag already): each wave plans again and would repeat warnings.
 */
static void merge_diag(sc_reconcile *run, sc_diag *from)
{
	for (size_t i = 0; i < from->count; i++) {
		const sc_diag_entry *entry = &from->entries[i];
		bool known = false;
		for (size_t k = 0; k < run->said.count && !known; k++)
			known = same_entry(entry, &run->said.entries[k]);
		if (known)
			continue;
		sc_diag_add(&run->diag, entry->level, entry->file, entry->line,
		            entry->column, "%s", entry->message);
		sc_diag_add(&run->said, entry->level, entry->file, entry->line,
		            entry->column, "%s", entry->message);
	}
	sc_diag_release(from);
}

/* Keeps the listing the executed actions borrow from, and starts an empty one. */
static void retire_listing(sc_reconcile *run)
{
	SC_GROW(run->past, run->past_count + 1, run->past_alloc);
	run->past[run->past_count++] = run->observed;
	memset(&run->observed, 0, sizeof(run->observed));
}

/* A spec whose rollout left the plan: no stale replica is left. */
static void mark_complete(sc_rollout *entry, const sc_spec_status *statuses, size_t count)
{
	entry->state = SC_ROLLOUT_COMPLETE;
	entry->old = 0;
	entry->wave = entry->waves;
	for (size_t i = 0; i < count; i++) {
		if (statuses[i].spec == entry->spec) {
			entry->updated = statuses[i].current;
			entry->ready = statuses[i].ready;
		}
	}
}

/* The rollouts of next replace the run's: each spec's latest progress. */
static void update_rollouts(sc_reconcile *run, sc_plan *next)
{
	size_t status_count;
	sc_spec_status *statuses = sc_reconcile_spec_status(run, &status_count);

	for (size_t i = 0; i < run->plan.rollout_count; i++) {
		sc_rollout *entry = &run->plan.rollouts[i];
		sc_rollout *latest = NULL;
		for (size_t k = 0; k < next->rollout_count && !latest; k++) {
			if (next->rollouts[k].spec == entry->spec)
				latest = &next->rollouts[k];
		}
		if (!latest) {
			if (entry->state == SC_ROLLOUT_PROGRESSING)
				mark_complete(entry, statuses, status_count);
			continue;
		}
		/* The projection shown with the first plan stays; the rest is the latest.
		 */
		sc_rollout first = *entry;
		*entry = *latest;
		free(entry->steps);
		free(first.message);
		entry->steps = first.steps;
		entry->step_count = first.step_count;
		entry->waves = first.waves;
		if (entry->wave > entry->waves)
			entry->wave = entry->waves;
		latest->message = NULL;
		latest->steps = NULL;
		latest->step_count = 0;
	}
	free(statuses);
}

/* Every action of the run so far is done. */
static bool nothing_failed(const sc_reconcile *run)
{
	return sc_reconcile_all_done(run);
}

/* The sandboxes plan creates (kind CREATE) or deletes (DELETE) of spec; a replace does both. */
static unsigned count_of(const sc_plan *plan, const sc_spec *spec, sc_action_kind kind)
{
	unsigned count = 0;
	for (size_t i = 0; i < plan->count; i++) {
		const sc_action *action = &plan->actions[i];
		count += action->spec == spec &&
		         (action->kind == kind || action->kind == SC_ACTION_REPLACE);
	}
	return count;
}

/*
 * What a run may do to a spec under rollout: each old replica is replaced
 * once, so no more creates than replicas, and no more deletes than the
 * members it started with and the ones it made. Past that the service
 * does not list what was made, or shows ones nobody made, and every wave
 * would act again, without end.
 */
typedef struct rollout_bound {
	const sc_spec *spec;
	unsigned deletes; /* the most deletes of the run */
} rollout_bound;

typedef struct rollout_bounds {
	rollout_bound *items;
	size_t count, alloc;
} rollout_bounds;

static const rollout_bound *bound_of(rollout_bounds *bounds, const sc_rollout *entry)
{
	for (size_t i = 0; i < bounds->count; i++) {
		if (bounds->items[i].spec == entry->spec)
			return &bounds->items[i];
	}
	SC_GROW(bounds->items, bounds->count + 1, bounds->alloc);
	bounds->items[bounds->count] = (rollout_bound){
	    entry->spec, entry->updated + entry->old + entry->replicas};
	return &bounds->items[bounds->count++];
}

static void note_bounds(rollout_bounds *bounds, const sc_plan *plan)
{
	for (size_t i = 0; i < plan->rollout_count; i++)
		bound_of(bounds, &plan->rollouts[i]);
}

/* Why next may not run after what the run did already, or NULL when it may. */
static const char *past_bounds(const sc_reconcile *run, rollout_bounds *bounds,
                               const sc_plan *next)
{
	long max_delete = run->config->max_delete;

	if (max_delete >= 0 &&
	    sc_plan_delete_count(&run->plan) + sc_plan_delete_count(next) > (size_t)max_delete)
		return "another wave would delete more than --max-delete in one run";
	for (size_t i = 0; i < next->rollout_count; i++) {
		const sc_rollout *entry = &next->rollouts[i];
		const rollout_bound *bound = bound_of(bounds, entry);
		if (count_of(&run->plan, entry->spec, SC_ACTION_CREATE) +
		        count_of(next, entry->spec, SC_ACTION_CREATE) >
		    entry->replicas)
			return "the service does not list the sandboxes it created; another wave "
			       "would create more than the spec has replicas";
		if (count_of(&run->plan, entry->spec, SC_ACTION_DELETE) +
		        count_of(next, entry->spec, SC_ACTION_DELETE) >
		    bound->deletes)
			return "the service shows sandboxes this run did not make; another wave "
			       "would delete more than the rollout had and made";
	}
	return NULL;
}

/* Runs plan with what is left of the run's time. */
static void run_actions(sc_reconcile *run, sc_plan *plan, long time_left_ms)
{
	const sc_reconcile_config *config = run->config;
	sc_exec_options exec = {
	    .parallel = config->parallel,
	    .total_timeout_ms = time_left_ms,
	    .progress = config->hooks.progress,
	    .progress_ctx = config->hooks.progress_ctx,
	    .should_stop = sc_reconcile_should_stop,
	    .stop_ctx = run,
	};
	sc_exec_run(run->client, plan, &exec, &run->diag);
}

/* Lists again and plans the next wave into next; -1 with errors in run->diag. */
static int plan_next(sc_reconcile *run, sc_plan *next)
{
	sc_diag wave_diag = SC_DIAG_INIT;
	sc_diag kept = run->diag;
	sc_plan_options options = sc_reconcile_plan_options(run);

	retire_listing(run);
	run->diag = wave_diag;
	int result = sc_reconcile_observe(run);
	if (!result)
		result = sc_plan_build(next, &run->specs, &run->observed,
		                       sc_reconcile_now(run), &options, &run->diag);
	wave_diag = run->diag;
	run->diag = kept;
	merge_diag(run, &wave_diag);
	return result;
}

/* Says how each rollout that did not complete ended. */
static void report_unfinished(sc_reconcile *run, const char *why)
{
	for (size_t i = 0; i < run->plan.rollout_count; i++) {
		const sc_rollout *entry = &run->plan.rollouts[i];
		const sc_spec *spec = entry->spec;
		if (entry->state == SC_ROLLOUT_FAILED ||
		    entry->state == SC_ROLLOUT_STALLED)
			sc_diag_error(&run->diag, spec->where.file, spec->where.line,
			              spec->where.column,
			              "rollout of '%s' in set '%s' %s: %s", entry->name,
			              entry->set, sc_rollout_state_name(entry->state),
			              entry->message ? entry->message : "");
		else if (entry->state == SC_ROLLOUT_PROGRESSING && why)
			sc_diag_error(
			    &run->diag, spec->where.file, spec->where.line,
			    spec->where.column,
			    "rollout of '%s' in set '%s' stopped at wave %u of %u (%u of "
			    "%u "
			    "updated, %u ready, %u old): %s; a later apply continues it",
			    entry->name, entry->set, entry->wave, entry->waves,
			    entry->updated, entry->replicas, entry->ready, entry->old,
			    why);
	}
}

/*
 * A saved plan is carried out exactly: its wave, and no wave planned
 * since. Each rollout still in progress is said, for the next apply.
 */
static int stop_after_saved_wave(sc_reconcile *run)
{
	int result = 0;
	for (size_t i = 0; i < run->plan.rollout_count; i++) {
		const sc_rollout *entry = &run->plan.rollouts[i];
		const sc_spec *spec = entry->spec;
		if (entry->state == SC_ROLLOUT_PROGRESSING)
			sc_diag_warning(&run->diag, spec->where.file, spec->where.line,
			                spec->where.column,
			                "rollout of '%s' in set '%s': the saved plan's wave (%u of %u) "
			                "was carried out; the next plan or apply continues it",
			                entry->name, entry->set, entry->wave, entry->waves);
		else if (entry->state != SC_ROLLOUT_COMPLETE)
			result = -1;
	}
	if (result)
		report_unfinished(run, NULL);
	return result;
}

int sc_reconcile_rollout(sc_reconcile *run, int64_t started_ms)
{
	if (run->from_saved_plan)
		return stop_after_saved_wave(run);

	long timeout = run->config->timeout_ms;
	int64_t end = timeout > 0 ? started_ms + timeout : INT64_MAX;
	int64_t last_move = sc_time_monotonic_ms();
	long poll = POLL_FIRST_MS;
	bool moved = run->plan.count > 0;
	const char *why = NULL;
	rollout_bounds bounds = {0};

	note_bounds(&bounds, &run->plan);
	while (progressing(run) && nothing_failed(run)) {
		if (!moved) {
			wait_ms(run, poll);
			poll = poll * 3 / 2 > POLL_MAX_MS ? POLL_MAX_MS : poll * 3 / 2;
		}
		int64_t now = sc_time_monotonic_ms();
		if (stopping(run)) {
			why = "a stop was requested";
			break;
		}
		if (now >= end) {
			why = "the run's --timeout ran out";
			break;
		}
		sc_plan next = {0};
		if (plan_next(run, &next)) {
			sc_plan_release(&next);
			why = "the next wave could not be planned";
			break;
		}
		if ((why = past_bounds(run, &bounds, &next))) {
			sc_plan_release(&next);
			break;
		}
		moved = next.count > 0;
		if (moved) {
			run_actions(run, &next, end == INT64_MAX ? 0 : (long)(end - now));
			last_move = sc_time_monotonic_ms();
			poll = POLL_FIRST_MS;
		}
		run->plan.unchanged = next.unchanged;
		update_rollouts(run, &next);
		sc_plan_append(&run->plan, &next);
		sc_plan_release(&next);
		/* The plan fails a wave past its deadline by the server's clock; this is
		 * the backstop when the service reports no time to measure that by. */
		if (progressing(run) &&
		    sc_time_monotonic_ms() - last_move >
		        longest_deadline_ms(&run->plan) + POLL_MAX_MS) {
			why = "nothing moved for longer than progressDeadline";
			break;
		}
	}
	free(bounds.items);
	if (!why && stopping(run))
		why = "a stop was requested";
	if (!why && !nothing_failed(run))
		why = "an action of the rollout failed";
	report_unfinished(run, why);
	for (size_t i = 0; i < run->plan.rollout_count; i++) {
		if (run->plan.rollouts[i].state != SC_ROLLOUT_COMPLETE)
			return -1;
	}
	return 0;
}
