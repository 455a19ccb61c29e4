#include "cli/run.h"

#include "cli/render.h"
#include "common/timeutil.h"
#include "exec/exec.h"

sc_plan_options sc_cli_plan_options(const sc_session *session)
{
	const sc_cli_options *options = session->options;
	return (sc_plan_options){
		.prune = options->prune,
		.allow_empty = options->allow_empty,
		.max_delete = options->max_delete,
		.force = options->force,
		.sets = session->sets,
		.set_count = session->set_count,
	};
}

static void on_progress(void *ctx, const sc_action *action, sc_exec_event event, size_t done,
                        size_t total)
{
	sc_session *session = ctx;
	(void)event;
	sc_render_progress(&session->term, action, done, total);
}

static bool all_done(const sc_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		if (plan->actions[i].result.status != SC_RESULT_DONE)
			return false;
	}
	return true;
}

static int execute(sc_session *session, sc_plan *plan, int64_t *elapsed_ms)
{
	const sc_cli_options *options = session->options;
	sc_exec_options exec = {
		.parallel = options->parallel,
		.total_timeout_ms = options->timeout_ms,
		.progress = on_progress,
		.progress_ctx = session,
	};
	int64_t start = sc_time_monotonic_ms();
	int result = sc_exec_run(session->client, plan, &exec, &session->diag);
	*elapsed_ms = sc_time_monotonic_ms() - start;
	sc_term_progress_clear(&session->term);
	return result;
}

int sc_cli_run_plan(sc_session *session, sc_plan *plan, const char *command, bool run)
{
	bool json = session->options->output == SC_OUTPUT_JSON;
	sc_render_context context = {.command = command, .session = session, .plan = plan};
	int result;

	if (!json) {
		sc_session_flush_diag(session);
		sc_render_plan_text(stdout, &context);
		fflush(stdout);
	}
	if (!run) {
		result = plan->count ? SC_EXIT_CHANGES : SC_EXIT_OK;
	} else if (plan->count) {
		execute(session, plan, &context.elapsed_ms);
		context.executed = true;
		result = all_done(plan) ? SC_EXIT_OK : SC_EXIT_FAILED;
		if (!json) {
			fputc('\n', stdout);
			sc_render_results_text(stdout, &context);
		}
	} else {
		result = SC_EXIT_OK;
	}
	if (json)
		sc_render_json(stdout, &context, &session->diag);
	sc_session_flush_diag(session);
	return result;
}

int sc_cli_fail_early(sc_session *session, const char *command, const sc_plan *plan)
{
	sc_render_context context = {.command = command, .session = session, .plan = plan};

	if (session->options->output == SC_OUTPUT_JSON) {
		sc_render_json(stdout, &context, &session->diag);
	} else if (plan && plan->count) {
		printf("Refused, not run:\n");
		sc_render_plan_text(stdout, &context);
		fflush(stdout);
	}
	sc_session_flush_diag(session);
	return SC_EXIT_FAILED;
}
