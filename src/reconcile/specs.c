/* The specs of a run, and the sets it owns: those the specs name, and --set. */
#include "reconcile/reconcile.h"

#include "common/mem.h"

static void add_set(sc_reconcile *run, const char *set)
{
	if (sc_reconcile_owns_set(run, set))
		return;
	run->sets = sc_realloc(run->sets, (run->set_count + 1) * sizeof(char *));
	run->sets[run->set_count++] = set;
}

int sc_reconcile_load_specs(sc_reconcile *run)
{
	const sc_reconcile_config *config = run->config;
	sc_spec_load_options load = {.default_set = config->set};

	if (config->path_count) {
		if (sc_spec_load_paths(&run->specs, config->paths,
		                       config->path_count, &load, &run->diag))
			return -1;
		for (size_t i = 0; i < run->specs.count; i++)
			add_set(run, run->specs.items[i].set);
	}
	if (config->set)
		add_set(run, config->set);
	if (!run->set_count)
		return sc_diag_error(&run->diag, NULL, 0, 0,
		                     "the input has no specs and no --set: nothing to manage");
	return 0;
}
