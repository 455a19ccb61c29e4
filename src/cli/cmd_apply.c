/* apply and plan: the same path, but plan stops before it writes. */
#include "cli/cli.h"
#include "cli/run.h"

static int apply_or_plan(const sc_cli_options *options, bool execute)
{
	const char *command = execute ? "apply" : "plan";
	sc_session session;
	sc_plan plan = {0};
	int result;

	sc_session_init(&session, options);
	if (sc_session_lock(&session) || sc_session_load_specs(&session) ||
	    sc_session_connect(&session) || sc_session_observe(&session)) {
		result = sc_cli_fail_early(&session, command, NULL);
		goto done;
	}
	sc_plan_options popts = sc_cli_plan_options(&session);
	if (sc_plan_build(&plan, &session.specs, &session.observed, sc_session_now(&session),
	                  &popts, &session.diag)) {
		result = sc_cli_fail_early(&session, command, &plan);
		goto done;
	}
	result = sc_cli_run_plan(&session, &plan, command, execute);
done:
	sc_plan_release(&plan);
	sc_session_release(&session);
	return result;
}

int sc_cmd_apply(const sc_cli_options *options)
{
	return apply_or_plan(options, true);
}

int sc_cmd_plan(const sc_cli_options *options)
{
	return apply_or_plan(options, false);
}
