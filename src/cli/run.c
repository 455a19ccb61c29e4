#include "cli/private/run.h"

#include "cli/private/render.h"

static sc_render_context render_context(const sc_session *session)
{
	const sc_reconcile *run = &session->run;
	return (sc_render_context){
		.command = session->options->command->name,
		.session = session,
		.plan = run->planned ? &run->plan : NULL,
		.elapsed_ms = run->elapsed_ms,
	};
}

int sc_cli_fail_early(sc_session *session)
{
	sc_render_context context = render_context(session);

	if (session->options->output == SC_OUTPUT_JSON) {
		sc_render_json(stdout, &context, &session->run.diag);
	} else if (context.plan && context.plan->count) {
		printf("Refused, not run:\n");
		sc_render_plan_text(stdout, &context);
		fflush(stdout);
	}
	sc_session_flush_diag(session);
	return SC_EXIT_FAILED;
}

/* The run's plan: a saved one (--plan), or the one goal makes now. */
static int prepare(sc_session *session, sc_reconcile_goal goal)
{
	const char *saved = session->options->plan_path;
	return saved ? sc_reconcile_prepare_saved(&session->run, saved)
	             : sc_reconcile_prepare(&session->run, goal);
}

/* A delete that protect held back is not done: say so, and fail. */
static int held_back(sc_reconcile *run)
{
	size_t held = run->plan.held_count;
	sc_diag_error(&run->diag, NULL, 0, 0,
	              "%zu protected sandbox%s not deleted: pass --force to delete %s", held,
	              held == 1 ? " was" : "es were", held == 1 ? "it" : "them");
	return SC_EXIT_FAILED;
}

int sc_cli_run(sc_session *session, sc_reconcile_goal goal, bool execute)
{
	sc_reconcile *run = &session->run;
	const char *out_path = session->options->out_path;
	bool json = session->options->output == SC_OUTPUT_JSON;
	int result = SC_EXIT_OK;

	if (prepare(session, goal))
		return sc_cli_fail_early(session);
	if (out_path && sc_reconcile_save_plan(run, out_path))
		return sc_cli_fail_early(session);
	sc_render_context context = render_context(session);
	if (!json) {
		sc_session_flush_diag(session);
		sc_render_plan_text(stdout, &context);
		fflush(stdout);
	}
	if (!execute) {
		result = run->plan.count || sc_reconcile_rollout_pending(run) ? SC_EXIT_CHANGES
		                                                              : SC_EXIT_OK;
	} else if (run->plan.count || sc_reconcile_rollout_pending(run)) {
		result = sc_reconcile_execute(run) ? SC_EXIT_FAILED : SC_EXIT_OK;
		sc_term_progress_clear(&session->term);
		context.elapsed_ms = run->elapsed_ms;
		context.executed = true;
		if (!json) {
			fputc('\n', stdout);
			sc_render_results_text(stdout, &context);
		}
	}
	if (goal == SC_RECONCILE_TEARDOWN && run->plan.held_count && result != SC_EXIT_FAILED)
		result = held_back(run);
	if (json)
		sc_render_json(stdout, &context, &run->diag);
	sc_session_flush_diag(session);
	return result;
}
