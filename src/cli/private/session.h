/*
 * A command's run as the command line sees it: the options, the terminal,
 * and the reconcile run (src/reconcile/) made from them. One per command.
 *
 * Ownership: the session owns the run and its configuration; the options
 * are borrowed. sc_session_release() frees the run (and its lock) and may
 * be called on a half-built session.
 */
#ifndef SC_CLI_SESSION_H
#define SC_CLI_SESSION_H

#include "cli/cli.h"
#include "cli/private/term.h"
#include "reconcile/reconcile.h"

typedef struct sc_session {
	const sc_cli_options *options;
	sc_term term;
	sc_reconcile_config config;
	sc_reconcile run;
} sc_session;

/* The run's configuration from the command line; hooks left empty. */
void sc_cli_reconcile_config(sc_reconcile_config *out, const sc_cli_options *options);

/* A session whose -v lines and progress go to the terminal. */
void sc_session_init(sc_session *session, const sc_cli_options *options);
void sc_session_release(sc_session *session);

/* The server's clock if the list carried it, else the local clock. */
int64_t sc_session_now(const sc_session *session);

/* Prints the diagnostics gathered so far to stderr and clears them. */
void sc_session_flush_diag(sc_session *session);

#endif
