#include "reconcile/reconcile.h"

#include <stdlib.h>
#include <string.h>

#include "common/timeutil.h"

void sc_reconcile_init(sc_reconcile *run, const sc_reconcile_config *config)
{
	memset(run, 0, sizeof(*run));
	run->config = config;
}

void sc_reconcile_release(sc_reconcile *run)
{
	sc_plan_release(&run->plan);
	sc_api_client_free(run->client);
	sc_sandbox_list_release(&run->observed);
	for (size_t i = 0; i < run->past_count; i++)
		sc_sandbox_list_release(&run->past[i]);
	free(run->past);
	sc_spec_list_release(&run->specs);
	free(run->sets);
	sc_diag_release(&run->diag);
	sc_diag_release(&run->said);
	sc_lock_free(run->lock);
	sc_lock_list_release(&run->set_locks);
	const sc_reconcile_config *config = run->config;
	sc_reconcile_init(run, config);
}

/*
 * The order is the same for every command: the specs first (offline, and
 * they name the sets), then the lock (so two runs on one set never plan
 * from the same listing), then the service.
 */
int sc_reconcile_prepare(sc_reconcile *run, sc_reconcile_goal goal)
{
	if (sc_reconcile_load_specs(run))
		return -1;
	if (goal == SC_RECONCILE_SPECS)
		return 0;
	if (goal != SC_RECONCILE_OBSERVE && sc_reconcile_lock(run))
		return -1;
	if (sc_reconcile_connect(run) || sc_reconcile_observe(run))
		return -1;
	switch (goal) {
	case SC_RECONCILE_APPLY:
		return sc_reconcile_plan_apply(run);
	case SC_RECONCILE_TEARDOWN:
		return sc_reconcile_plan_teardown(run);
	default:
		return 0;
	}
}

bool sc_reconcile_owns_set(const sc_reconcile *run, const char *set)
{
	for (size_t i = 0; set && i < run->set_count; i++) {
		if (!strcmp(run->sets[i], set))
			return true;
	}
	return false;
}

const char *sc_reconcile_owner(const sc_reconcile *run, const sc_sandbox *sandbox)
{
	const char *set = sc_kv_get(&sandbox->metadata, SC_LABEL_SET);
	return sc_reconcile_owns_set(run, set) ? set : NULL;
}

int64_t sc_reconcile_now(const sc_reconcile *run)
{
	return run->observed.server_now ? run->observed.server_now : sc_time_now_ms();
}
