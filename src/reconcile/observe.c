/* What the service holds: the sandboxes of every set the run owns, listed once. */
#include "reconcile/reconcile.h"

#include "common/kv.h"
#include "plan/observed.h"

int sc_reconcile_observe(sc_reconcile *run)
{
	for (size_t i = 0; i < run->set_count; i++) {
		sc_kv filter = SC_KV_INIT;
		sc_kv_set(&filter, SC_LABEL_SET, run->sets[i]);
		int64_t before = run->observed.server_now;
		int result = sc_api_list(run->client, &filter, &run->observed, &run->diag);
		sc_kv_release(&filter);
		if (result)
			return sc_diag_error(&run->diag, NULL, 0, 0,
			                     "cannot list the sandboxes of set '%s'", run->sets[i]);
		/* The earliest Date of the lists: a renewal is never missed. */
		if (before && before < run->observed.server_now)
			run->observed.server_now = before;
	}
	sc_plan_drop_repeats(&run->observed);
	return 0;
}
