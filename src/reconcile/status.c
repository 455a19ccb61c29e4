/* How each spec stands against what the service holds: desired, present, ready. */
#include "reconcile/reconcile.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

/* Ready: in the declared state, and by heartbeat when the spec says so (sc_plan_ready). */
static void count_sandbox(sc_spec_status *status, const sc_sandbox *sandbox, int64_t now,
                          bool heartbeats_shown)
{
	bool current = !sc_plan_is_stale(status->spec, sandbox);
	status->present++;
	status->current += current;
	status->ready += current && sc_plan_ready(status->spec, sandbox, heartbeats_shown) ==
	                                SC_READY_YES;
	if (sandbox->phase == SC_PHASE_READY && sandbox->end_at) {
		long left = (long)((sandbox->end_at - now) / 1000);
		if (status->ttl_left < 0 || left < status->ttl_left)
			status->ttl_left = left < 0 ? 0 : left;
	}
}

static int compare_key(const char *set_a, const char *name_a, const char *set_b,
                       const char *name_b)
{
	int by_set = strcmp(set_a, set_b);
	return by_set ? by_set : strcmp(name_a, name_b);
}

static int compare_statuses(const void *a, const void *b)
{
	const sc_spec *x = (*(sc_spec_status *const *)a)->spec;
	const sc_spec *y = (*(sc_spec_status *const *)b)->spec;
	return compare_key(x->set, x->name, y->set, y->name);
}

/* The status of (set, name) in by_key (sorted), or NULL. */
static sc_spec_status *find(sc_spec_status **by_key, size_t count, const char *set,
                            const char *name)
{
	size_t low = 0, high = count;
	while (low < high) {
		size_t mid = low + (high - low) / 2;
		int order = compare_key(set, name, by_key[mid]->spec->set, by_key[mid]->spec->name);
		if (!order)
			return by_key[mid];
		if (order < 0)
			high = mid;
		else
			low = mid + 1;
	}
	return NULL;
}

sc_spec_status *sc_reconcile_spec_status(const sc_reconcile *run, size_t *count)
{
	sc_spec_status *statuses = sc_calloc(run->specs.count + 1, sizeof(*statuses));
	int64_t now = sc_reconcile_now(run);
	bool shown = sc_plan_heartbeats_shown(&run->observed);

	*count = run->specs.count;
	sc_spec_status **by_key = sc_calloc(run->specs.count + 1, sizeof(*by_key));
	for (size_t i = 0; i < run->specs.count; i++) {
		statuses[i].spec = &run->specs.items[i];
		statuses[i].ttl_left = -1;
		by_key[i] = &statuses[i];
	}
	qsort(by_key, *count, sizeof(*by_key), compare_statuses);
	for (size_t i = 0; i < run->observed.count; i++) {
		const sc_sandbox *sandbox = &run->observed.items[i];
		const char *set = sc_reconcile_owner(run, sandbox);
		const char *name = sc_kv_get(&sandbox->metadata, SC_LABEL_NAME);
		if (!set || !name || sandbox->phase == SC_PHASE_GONE)
			continue;
		sc_spec_status *status = find(by_key, *count, set, name);
		if (status)
			count_sandbox(status, sandbox, now, shown);
	}
	free(by_key);
	return statuses;
}
