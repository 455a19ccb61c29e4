/*
 * A session is what every command that touches the service shares: the
 * loaded specs, the sets they own, the API client, the observed
 * sandboxes, the diagnostics, and the terminal. One per run.
 *
 * Ownership: the session owns everything in it; sc_session_release()
 * frees it all (the lock too) and may be called on a half-built session.
 */
#ifndef SC_CLI_SESSION_H
#define SC_CLI_SESSION_H

#include "api/client.h"
#include "api/sandbox.h"
#include "cli/cli.h"
#include "cli/term.h"
#include "common/diag.h"
#include "spec/spec.h"

typedef struct sc_session {
	const sc_cli_options *options;
	sc_term term;
	sc_diag diag;
	sc_spec_list specs;
	const char **sets;          /* owned array; strings borrowed from specs/options */
	size_t set_count;
	sc_api_client *client;
	sc_sandbox_list observed;
	int lock_fd;                /* -1 when no --lock */
	sc_api_trace_fn trace;      /* -v lines go here when set (the agent's log), else stderr */
	void *trace_ctx;
	bool (*should_stop)(void *ctx); /* the agent's stop: ends a list's retries at once */
	void *stop_ctx;
} sc_session;

void sc_session_init(sc_session *session, const sc_cli_options *options);
void sc_session_release(sc_session *session);

/* Takes --lock; fails when another run holds it. */
int sc_session_lock(sc_session *session);
/* Loads every -f path; the sets are those of the specs plus --set. */
int sc_session_load_specs(sc_session *session);
/* Uses --set alone (no specs) for the sets. */
int sc_session_use_set_only(sc_session *session);
/* Reads the URL and the key, makes the client. */
int sc_session_connect(sc_session *session);
/* Lists the sandboxes of every set into session->observed. */
int sc_session_observe(sc_session *session);
/* Whether set (NULL: no) is one of the sets this run owns. */
bool sc_session_owns_set(const sc_session *session, const char *set);
/* The server's clock if the list carried it, else the local clock. */
int64_t sc_session_now(const sc_session *session);

/* Prints the diagnostics gathered so far to stderr and clears them. */
void sc_session_flush_diag(sc_session *session);

#endif
