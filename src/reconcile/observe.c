/*
 * What the service holds: the sandboxes of every set the run owns, listed
 * once, the sets in parallel (sc_api_list_many).
 */
#include "reconcile/reconcile.h"

#include <stdlib.h>

#include "common/kv.h"
#include "common/mem.h"
#include "plan/observed.h"

int sc_reconcile_observe(sc_reconcile *run)
{
	sc_kv *filters = sc_calloc(run->set_count + 1, sizeof(*filters));
	const sc_kv **each = sc_calloc(run->set_count + 1, sizeof(*each));
	bool *failed = sc_calloc(run->set_count + 1, sizeof(*failed));
	int64_t before = run->observed.server_now;
	int rc;

	for (size_t i = 0; i < run->set_count; i++) {
		sc_kv_set(&filters[i], SC_LABEL_SET, run->sets[i]);
		each[i] = &filters[i];
	}
	rc = sc_api_list_many(run->client, each, run->set_count, &run->observed, failed,
	                      &run->diag);
	for (size_t i = 0; i < run->set_count; i++) {
		if (failed[i])
			sc_diag_error(&run->diag, NULL, 0, 0,
			              "cannot list the sandboxes of set '%s'", run->sets[i]);
		sc_kv_release(&filters[i]);
	}
	/* The earliest Date of the lists: a renewal is never missed. */
	if (before && before < run->observed.server_now)
		run->observed.server_now = before;
	free(failed);
	free(each);
	free(filters);
	if (rc)
		return -1;
	sc_plan_drop_repeats(&run->observed);
	return 0;
}
