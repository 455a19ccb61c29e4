/*
 * The guards that stop a plan deleting what nobody meant to delete:
 * protect, --max-delete, and the empty-input guard of --prune.
 */
#include "plan/private/internal.h"

#include <string.h>

bool sc_plan_protected(const sc_spec *spec, const sc_sandbox *sandbox,
                       const sc_plan_options *options, const char **why)
{
	const char *label =
	    sandbox ? sc_kv_get(&sandbox->metadata, SC_LABEL_PROTECT) : NULL;
	bool held;

	if (options->force)
		return false;
	if (spec) {
		held = spec->protect;
		if (why)
			*why = "protected (spec.protect)";
	} else {
		held = label && !strcmp(label, "true");
		if (why)
			*why = "protected (" SC_LABEL_PROTECT ")";
	}
	return held;
}

int sc_plan_check_max_delete(const sc_plan *plan, const sc_plan_options *options,
                             sc_diag *diag)
{
	size_t deletes = sc_plan_delete_count(plan);

	if (options->max_delete < 0 || deletes <= (size_t)options->max_delete)
		return 0;
	return sc_diag_error(
	    diag, NULL, 0, 0,
	    "refusing to delete %zu sandboxes: more than --max-delete %ld", deletes,
	    options->max_delete);
}

/*
 * A prune of a set the input has no specs for would delete all of it: far
 * more likely a wrong -f or an empty file than a wish. Refuses it unless
 * --allow-empty.
 */
int sc_plan_check_empty_input(const sc_plan_view *view, const sc_plan_options *options,
                              sc_diag *diag)
{
	int result = 0;

	if (!options->prune || options->allow_empty)
		return 0;
	for (size_t i = 0; i < view->set_count; i++) {
		const char *set = view->sets[i];
		if (!sc_plan_view_set_has_spec(view, set) &&
		    sc_plan_view_set_has_member(view, set))
			result = sc_diag_error(
			    diag, NULL, 0, 0,
			    "refusing to prune every sandbox of set '%s': "
			    "the input has no specs for it (use --allow-empty)",
			    set);
	}
	return result;
}
