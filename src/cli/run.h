/*
 * Showing and carrying out a plan: shared by apply, plan and delete.
 */
#ifndef SC_CLI_RUN_H
#define SC_CLI_RUN_H

#include "cli/session.h"
#include "plan/plan.h"

/* The plan's options from the command line and the session's sets. */
sc_plan_options sc_cli_plan_options(const sc_session *session);

/*
 * Prints the plan; when execute, runs it and prints what failed and the
 * summary. Returns the exit code: for a plan only, SC_EXIT_CHANGES when
 * it has actions.
 */
int sc_cli_run_plan(sc_session *session, sc_plan *plan, const char *command, bool execute);

/*
 * The exit code and output of a command that stopped before it could run:
 * plan is NULL before there is one, or the plan a guard refused (shown, so
 * the operator sees what would have been done, and not run).
 */
int sc_cli_fail_early(sc_session *session, const char *command, const sc_plan *plan);

#endif
