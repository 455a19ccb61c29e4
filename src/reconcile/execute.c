/* The plan of a run, and carrying it out. */
#include "reconcile/private/rollout.h"

#include "common/timeutil.h"

sc_plan_options sc_reconcile_plan_options(const sc_reconcile *run)
{
	const sc_reconcile_config *config = run->config;
	return (sc_plan_options){
		.prune = config->prune,
		.allow_empty = config->allow_empty,
		.max_delete = config->max_delete,
		.force = config->force,
		.sets = run->sets,
		.set_count = run->set_count,
	};
}

/* A copy of every entry of from, at the end of into. */
static void copy_diag(sc_diag *into, const sc_diag *from)
{
	for (size_t i = 0; i < from->count; i++)
		sc_diag_add(into, from->entries[i].level, from->entries[i].file,
		            from->entries[i].line, from->entries[i].column, "%s",
		            from->entries[i].message);
}

/* A plan that failed to build was refused by a guard: keep it to be shown. */
static int planned(sc_reconcile *run, int result)
{
	copy_diag(&run->said, &run->diag);
	run->planned = true;
	run->refused = result != 0;
	return result;
}

int sc_reconcile_plan_apply(sc_reconcile *run)
{
	sc_plan_options options = sc_reconcile_plan_options(run);
	return planned(run, sc_plan_build(&run->plan, &run->specs, &run->observed,
	                                  sc_reconcile_now(run), &options, &run->diag));
}

int sc_reconcile_plan_teardown(sc_reconcile *run)
{
	sc_plan_options options = sc_reconcile_plan_options(run);
	const sc_spec_list *specs = run->config->path_count ? &run->specs : NULL;
	return planned(run, sc_plan_build_teardown(&run->plan, specs, &run->observed, &options,
	                                           &run->diag));
}

bool sc_reconcile_all_done(const sc_reconcile *run)
{
	for (size_t i = 0; i < run->plan.count; i++) {
		if (run->plan.actions[i].result.status != SC_RESULT_DONE)
			return false;
	}
	return true;
}

int sc_reconcile_execute(sc_reconcile *run)
{
	const sc_reconcile_config *config = run->config;

	if (!run->planned || run->refused)
		return sc_diag_error(&run->diag, NULL, 0, 0, "no plan to run");
	sc_exec_options exec = {
		.parallel = config->parallel,
		.total_timeout_ms = config->timeout_ms,
		.progress = config->hooks.progress,
		.progress_ctx = config->hooks.progress_ctx,
		.should_stop = sc_reconcile_should_stop,
		.stop_ctx = run,
	};
	int64_t start = sc_time_monotonic_ms();
	sc_exec_run(run->client, &run->plan, &exec, &run->diag);
	int rollout = sc_reconcile_rollout(run, start);
	run->elapsed_ms = sc_time_monotonic_ms() - start;
	/* The lock was lost during the run: say why the rest did not start. */
	if (!sc_reconcile_lock_valid(run, &run->diag))
		sc_diag_error(&run->diag, NULL, 0, 0,
		              "the run's lock is no longer held: no action started after that");
	return sc_reconcile_all_done(run) && !rollout ? 0 : -1;
}
