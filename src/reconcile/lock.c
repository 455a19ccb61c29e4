/*
 * The run's lock: by default each set's lock on this host, so that two
 * runs on one set serialize (the second waits, then plans from what the
 * first left); --lock FILE or --lock etcd://... names one lock instead;
 * --no-lock takes none. A lease lock (etcd) fences the run's writes: once
 * it cannot be proven held, no new action starts.
 */
#include "reconcile/reconcile.h"

static void on_wait(void *ctx, const char *where, const char *holder)
{
	const sc_reconcile_hooks *hooks = &((const sc_reconcile *)ctx)->config->hooks;
	if (hooks->lock_wait)
		hooks->lock_wait(hooks->lock_wait_ctx, where, holder);
}

static bool should_stop(void *ctx)
{
	const sc_reconcile_hooks *hooks = &((const sc_reconcile *)ctx)->config->hooks;
	return hooks->should_stop && hooks->should_stop(hooks->stop_ctx);
}

int sc_reconcile_lock(sc_reconcile *run)
{
	const sc_reconcile_config *config = run->config;
	sc_lock_options options = {
		.wait_ms = config->lock_wait_ms,
		.on_wait = on_wait,
		.should_stop = should_stop,
		.ctx = run,
	};

	if (config->no_lock)
		return 0;
	if (config->lock_path)
		return sc_lock_acquire(&run->lock, config->lock_path, &options, &run->diag);
	return sc_lock_acquire_sets(&run->set_locks, run->sets, run->set_count, &options,
	                            &run->diag);
}

bool sc_reconcile_lock_valid(sc_reconcile *run, sc_diag *diag)
{
	return !run->lock || sc_lock_valid(run->lock, diag);
}

bool sc_reconcile_should_stop(void *ctx)
{
	sc_reconcile *run = ctx;
	return should_stop(run) || !sc_reconcile_lock_valid(run, NULL);
}
