/* delete: every sandbox of the named specs, or of a whole set. */
#include "cli/cli.h"
#include "cli/run.h"

int sc_cmd_delete(const sc_cli_options *options)
{
	sc_session session;
	sc_plan plan = {0};
	int result;

	sc_session_init(&session, options);
	int loaded = options->path_count ? sc_session_load_specs(&session)
	                                 : sc_session_use_set_only(&session);
	if (sc_session_lock(&session) || loaded || sc_session_connect(&session) ||
	    sc_session_observe(&session)) {
		result = sc_cli_fail_early(&session, "delete", NULL);
		goto done;
	}
	sc_plan_options popts = {
		.max_delete = options->max_delete,
		.force = options->force,
		.sets = session.sets,
		.set_count = session.set_count,
	};
	if (sc_plan_build_teardown(&plan, options->path_count ? &session.specs : NULL,
	                           &session.observed, &popts, &session.diag)) {
		result = sc_cli_fail_early(&session, "delete", &plan);
		goto done;
	}
	result = sc_cli_run_plan(&session, &plan, "delete", true);
done:
	sc_plan_release(&plan);
	sc_session_release(&session);
	return result;
}
