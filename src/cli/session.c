#include "cli/private/session.h"

#include <stdlib.h>
#include <string.h>

#include "cli/private/render.h"
#include "common/text.h"

void sc_cli_reconcile_config(sc_reconcile_config *out, const sc_cli_options *options)
{
	*out = (sc_reconcile_config){
		.paths = options->paths,
		.path_count = options->path_count,
		.set = options->set,
		.lock_path = options->lock_path,
		.no_lock = options->no_lock,
		/* A held lock is waited for as long as the run may take, unless told. */
		.lock_wait_ms = options->lock_wait_ms >= 0 ? options->lock_wait_ms
		                : options->timeout_ms > 0  ? options->timeout_ms
		                                           : 10L * 60 * 1000,
		.api_url = options->api_url,
		.api_key_file = options->api_key_file,
		.insecure = options->insecure,
		.ca_file = options->ca_file,
		.filter_style = options->filter_style && !strcmp(options->filter_style, "e2b")
		                        ? SC_FILTER_E2B
		                        : SC_FILTER_PAGE,
		.request_timeout_ms = options->request_timeout_ms,
		.timeout_ms = options->timeout_ms,
		.max_list_items = options->max_list_items,
		.prune = options->prune,
		.allow_empty = options->allow_empty,
		.force = options->force,
		.max_delete = options->max_delete,
		.parallel = options->parallel,
	};
}

static void trace_line(void *ctx, const char *line)
{
	sc_session *session = ctx;
	sc_term_progress_clear(&session->term);
	fprintf(stderr, "%s\n", line);
}

static void on_progress(void *ctx, const sc_action *action, sc_exec_event event, size_t done,
                        size_t total)
{
	sc_session *session = ctx;
	(void)event;
	sc_render_progress(&session->term, action, done, total);
}

static void lock_wait_note(void *ctx, const char *where, const char *holder)
{
	sc_session *session = ctx;
	sc_term_progress_clear(&session->term);
	fprintf(stderr, "note: waiting for the lock '%s'%s%s%s\n", where,
	        holder && *holder ? " (held by " : "", holder ? holder : "",
	        holder && *holder ? ")" : "");
}

void sc_session_init(sc_session *session, const sc_cli_options *options)
{
	memset(session, 0, sizeof(*session));
	session->options = options;
	sc_term_init(&session->term, options->color);
	sc_cli_reconcile_config(&session->config, options);
	if (options->verbose) {
		session->config.hooks.trace = trace_line;
		session->config.hooks.trace_ctx = session;
	}
	session->config.hooks.progress = on_progress;
	session->config.hooks.progress_ctx = session;
	session->config.hooks.lock_wait = lock_wait_note;
	session->config.hooks.lock_wait_ctx = session;
	sc_reconcile_init(&session->run, &session->config);
}

void sc_session_release(sc_session *session)
{
	sc_reconcile_release(&session->run);
}

int64_t sc_session_now(const sc_session *session)
{
	return sc_reconcile_now(&session->run);
}

void sc_session_flush_diag(sc_session *session)
{
	sc_diag *diag = &session->run.diag;

	sc_term_progress_clear(&session->term);
	for (size_t i = 0; i < diag->count; i++) {
		char *line = sc_diag_format(&diag->entries[i]);
		/* Messages may quote a server: no escape sequence reaches the terminal. */
		sc_text_make_printable(line);
		fprintf(stderr, "%s\n", line);
		free(line);
	}
	sc_diag_release(diag);
}
