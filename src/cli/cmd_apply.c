/* apply and plan: one pipeline, but plan stops before it writes. */
#include "cli/cli.h"
#include "cli/private/run.h"

/* plan takes apply's options, so a pipeline plans with exactly apply's flags. */
#define APPLY_OPTIONS                                                                    \
	(SC_OPTS_GENERAL | SC_OPTS_INPUT | SC_OPTS_SAFETY | SC_OPTS_EXECUTION |             \
	 SC_OPTS_CONNECTION | SC_OPTS_OUTPUT)

static int run_command(const sc_cli_options *options, bool execute)
{
	sc_session session;

	sc_session_init(&session, options);
	int result = sc_cli_run(&session, SC_RECONCILE_APPLY, execute);
	sc_session_release(&session);
	return result;
}

static int apply(const sc_cli_options *options)
{
	return run_command(options, true);
}

static int plan(const sc_cli_options *options)
{
	return run_command(options, false);
}

const sc_cli_command sc_cmd_apply = {
    .name = "apply",
    .run = apply,
    .usage = "sc-apply [apply] -f PATH... [options]",
    .summary = "make the service match the specs",
    .help = "Reads the specs, lists the sandboxes of their sets, and creates, resumes,\n"
            "pauses, renews, replaces or deletes sandboxes until the service matches.\n"
            "A second apply of the same files changes nothing.\n",
    .takes = APPLY_OPTIONS | SC_OPT(SC_OPT_PLAN),
    .needs = SC_NEEDS_SPECS,
    .outputs = "text json",
};

const sc_cli_command sc_cmd_plan = {
    .name = "plan",
    .run = plan,
    .usage = "sc-apply plan -f PATH... [options]",
    .summary = "show what apply would do; exit 2 when there are changes",
    .help = "Like apply, but changes nothing. Exit codes: 0 no changes, 2 changes,\n"
            "1 error. Takes the options apply takes, so that a pipeline plans with\n"
            "exactly the flags it applies with (parallelism is then unused), and can\n"
            "save the plan for apply to carry out exactly.\n",
    .takes = APPLY_OPTIONS | SC_OPT(SC_OPT_OUT),
    .needs = SC_NEEDS_SPECS,
    .outputs = "text json",
};
