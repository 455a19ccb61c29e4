/*
 * Showing a run's plan and carrying it out: shared by apply, plan and
 * delete.
 */
#ifndef SC_CLI_RUN_H
#define SC_CLI_RUN_H

#include "cli/private/session.h"

/*
 * Prepares the session's run for goal, then shows its plan and, when
 * execute, runs it and shows what became of it. Returns the exit code:
 * for a plan only, SC_EXIT_CHANGES when it has actions; a run that could
 * not plan, or a plan a guard refused (shown, not run), SC_EXIT_FAILED.
 */
int sc_cli_run(sc_session *session, sc_reconcile_goal goal, bool execute);

/* The exit code and output of a run that stopped before it could be carried out. */
int sc_cli_fail_early(sc_session *session);

#endif
