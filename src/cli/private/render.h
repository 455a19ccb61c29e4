/*
 * What a plan and its results look like: the aligned text a person reads
 * and the one versioned JSON document a pipeline parses. Secrets never
 * reach either: actions carry reasons, never env values.
 */
#ifndef SC_CLI_RENDER_H
#define SC_CLI_RENDER_H

#include <stdio.h>

#include "cli/private/session.h"
#include "plan/plan.h"

typedef struct sc_render_context {
	const char *command;      /* "apply", "plan", "delete" */
	const sc_session *session;
	const sc_plan *plan;
	int64_t elapsed_ms;       /* of the execution; 0 for a plan */
	bool executed;            /* results are filled in */
} sc_render_context;

/* The plan, one aligned line per action, and its summary line. */
void sc_render_plan_text(FILE *out, const sc_render_context *context);
/* One line per action with what became of it, and the summary line. */
void sc_render_results_text(FILE *out, const sc_render_context *context);
/* The whole run as one JSON document (formatVersion "1"). */
void sc_render_json(FILE *out, const sc_render_context *context, const sc_diag *diag);

/* The live progress line during execution. */
void sc_render_progress(sc_term *term, const sc_action *action, size_t done, size_t total);

#endif
