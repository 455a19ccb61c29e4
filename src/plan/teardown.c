/*
 * sc_plan_build_teardown(): the plan of `sc-apply delete`, every live
 * sandbox of the named specs (or of the run's sets), under the same
 * ownership, protect and --max-delete rules as sc_plan_build().
 */
#include "plan/private/internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

typedef struct teardown_ctx {
	sc_plan *plan;
	const sc_plan_options *options;
	bool whole_sets; /* no specs given: every owned sandbox goes */
	sc_diag *diag;
} teardown_ctx;

static void delete_member(teardown_ctx *ctx, const sc_plan_group *group,
                          const sc_sandbox *sandbox)
{
	char *reason = ctx->whole_sets
	                   ? sc_asprintf("delete requested for set '%s'", group->set)
	                   : sc_asprintf("delete requested for spec '%s' in set '%s'",
	                                 group->name, group->set);

	sc_action *action = sc_plan_push(ctx->plan, SC_ACTION_DELETE, group->set,
	                                 group->name, group->spec, sandbox, reason);
	action->reason_code = SC_REASON_REQUESTED;
}

static void teardown_group(void *opaque, const sc_plan_group *group)
{
	teardown_ctx *ctx = opaque;
	const sc_spec *spec = group->spec;

	if (!group->spec && !ctx->whole_sets) {
		ctx->plan->unchanged += group->count;
		return;
	}
	for (size_t i = 0; i < group->count; i++) {
		const sc_sandbox *sandbox = group->members[i].sandbox;
		const char *why;
		if (!sc_plan_protected(spec, sandbox, ctx->options, &why)) {
			delete_member(ctx, group, sandbox);
			continue;
		}
		sc_plan_hold(ctx->plan, ctx->diag, SC_ACTION_DELETE, group->set,
		             group->name, spec, sandbox, why);
		ctx->plan->unchanged++;
	}
}

int sc_plan_build_teardown(sc_plan *out, const sc_spec_list *specs,
                           const sc_sandbox_list *observed,
                           const sc_plan_options *options, sc_diag *diag)
{
	teardown_ctx ctx = {out, options, specs == NULL, diag};
	sc_plan_view view;
	int result;

	memset(out, 0, sizeof(*out));
	result = sc_plan_view_init(&view, specs, observed, options, &out->ignored, diag);
	if (result == 0) {
		sc_plan_view_walk(&view, teardown_group, &ctx);
		sc_plan_sort(out);
		result = sc_plan_check_max_delete(out, options, diag);
	}
	sc_plan_view_release(&view);
	return result;
}
