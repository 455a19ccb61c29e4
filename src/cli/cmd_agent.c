/*
 * agent: apply every interval, forever. The loop, the signals, /metrics
 * and the log format are src/agent/'s; this file gives it one cycle (the
 * same engine as apply: load, list, plan, execute) and turns what the
 * cycle meets (diagnostics, actions and their results) into log events.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/backoff.h"
#include "agent/server.h"
#include "cli/cli.h"
#include "cli/run.h"
#include "cli/session.h"
#include "common/timeutil.h"
#include "common/buf.h"
#include "common/mem.h"
#include "exec/exec.h"

typedef struct agent_context {
	sc_cli_options options; /* a copy: what every cycle's session runs with */
	sc_agent_log log;
} agent_context;

/* "file:line:column: message", the known parts of the place; the level is the event's. */
static char *diag_text(const sc_diag_entry *entry)
{
	if (!entry->file)
		return sc_strdup(entry->message);
	if (!entry->line)
		return sc_asprintf("%s: %s", entry->file, entry->message);
	if (!entry->column)
		return sc_asprintf("%s:%u: %s", entry->file, entry->line, entry->message);
	return sc_asprintf("%s:%u:%u: %s", entry->file, entry->line, entry->column,
	                   entry->message);
}

/*
 * Logs every entry of diag (never a secret: diagnostics carry none) and
 * empties it. cycle 0: before the first cycle.
 */
static void log_diag(sc_agent_log *log, sc_diag *diag, unsigned long cycle)
{
	for (size_t i = 0; i < diag->count; i++) {
		const sc_diag_entry *entry = &diag->entries[i];
		sc_agent_level level = entry->level == SC_DIAG_ERROR     ? SC_AGENT_ERROR
		                       : entry->level == SC_DIAG_WARNING ? SC_AGENT_WARN
		                                                         : SC_AGENT_INFO;
		char *text = diag_text(entry);
		if (cycle)
			sc_agent_log_event(log, level, text, SC_AGENT_INT("cycle", cycle),
			                   SC_AGENT_END);
		else
			sc_agent_log_event(log, level, text, SC_AGENT_END);
		free(text);
	}
	sc_diag_release(diag);
}

static void log_planned(sc_agent_log *log, const sc_plan *plan, unsigned long cycle)
{
	for (size_t i = 0; i < plan->count; i++) {
		const sc_action *action = &plan->actions[i];
		sc_agent_log_event(
		    log, SC_AGENT_INFO, "action planned", SC_AGENT_INT("cycle", cycle),
		    SC_AGENT_STR("action", sc_action_kind_name(action->kind)),
		    SC_AGENT_STR("set", action->set), SC_AGENT_STR("name", action->name),
		    SC_AGENT_STR("sandbox", action->sandbox ? action->sandbox->id : NULL),
		    SC_AGENT_STR("reason", action->reason), SC_AGENT_END);
	}
}

static const char *result_message(sc_result_status status)
{
	switch (status) {
	case SC_RESULT_DONE:
		return "action done";
	case SC_RESULT_FAILED:
		return "action failed";
	default:
		return "action skipped";
	}
}

static void log_results(sc_agent_log *log, const sc_plan *plan, unsigned long cycle)
{
	for (size_t i = 0; i < plan->count; i++) {
		const sc_action *action = &plan->actions[i];
		const sc_action_result *result = &action->result;
		sc_agent_log_event(
		    log, result->status == SC_RESULT_DONE ? SC_AGENT_INFO : SC_AGENT_WARN,
		    result_message(result->status), SC_AGENT_INT("cycle", cycle),
		    SC_AGENT_STR("action", sc_action_kind_name(action->kind)),
		    SC_AGENT_STR("set", action->set), SC_AGENT_STR("name", action->name),
		    SC_AGENT_STR("sandbox", action->sandbox ? action->sandbox->id : NULL),
		    SC_AGENT_STR("new_sandbox", result->new_id),
		    SC_AGENT_STR("error", result->message),
		    SC_AGENT_INT("attempts", result->attempts),
		    SC_AGENT_INT("http_status", result->http_status),
		    SC_AGENT_INT("duration_ms", result->duration_ms), SC_AGENT_END);
	}
}

static bool all_done(const sc_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++) {
		if (plan->actions[i].result.status != SC_RESULT_DONE)
			return false;
	}
	return true;
}

typedef struct progress_context {
	sc_agent_log *log;
	unsigned long cycle;
} progress_context;

/* -v: each retry as a debug event (the results come after the run). */
static void on_progress(void *ctx, const sc_action *action, sc_exec_event event,
                        size_t done, size_t total)
{
	progress_context *progress = ctx;
	(void)done, (void)total;
	if (event != SC_EXEC_EVENT_RETRYING)
		return;
	sc_agent_log_event(
	    progress->log, SC_AGENT_DEBUG, "action retrying",
	    SC_AGENT_INT("cycle", progress->cycle),
	    SC_AGENT_STR("action", sc_action_kind_name(action->kind)),
	    SC_AGENT_STR("set", action->set), SC_AGENT_STR("name", action->name),
	    SC_AGENT_STR("sandbox", action->sandbox ? action->sandbox->id : NULL),
	    SC_AGENT_END);
}

static bool agent_should_stop(void *ctx)
{
	return sc_agent_stopping(ctx);
}

/*
 * Runs the plan unless a stop came first (then nothing starts: nothing is
 * half-done); a stop during the run lets requests in flight finish and
 * starts nothing new.
 */
static bool execute(agent_context *context, sc_session *session, sc_plan *plan,
                    const sc_agent *agent, unsigned long cycle)
{
	if (sc_agent_stopping(agent)) {
		sc_agent_log_event(&context->log, SC_AGENT_WARN,
		                   "stop requested: plan not run",
		                   SC_AGENT_INT("cycle", cycle),
		                   SC_AGENT_INT("drift", plan->count), SC_AGENT_END);
		return false;
	}
	progress_context progress = {.log = &context->log, .cycle = cycle};
	sc_exec_options exec = {
	    .parallel = context->options.parallel,
	    .total_timeout_ms = context->options.timeout_ms,
	    .progress = on_progress,
	    .progress_ctx = &progress,
	    .should_stop = agent_should_stop,
	    .stop_ctx = (void *)agent,
	};
	sc_exec_run(session->client, plan, &exec, &session->diag);
	return all_done(plan);
}

/* -v: each request as a debug event of the log, in its format (never a secret). */
static void trace_request(void *ctx, const char *line)
{
	sc_agent_log_event(ctx, SC_AGENT_DEBUG, "request", SC_AGENT_STR("request", line),
	                   SC_AGENT_END);
}

/* A session whose -v trace goes to the agent's log. */
static void session_init(sc_session *session, agent_context *context)
{
	sc_session_init(session, &context->options);
	session->trace = trace_request;
	session->trace_ctx = &context->log;
}

/* One cycle: the same path as `sc-apply apply`, with its output as log events. */
static void reconcile(void *ctx, sc_agent *agent, unsigned long cycle,
                      sc_agent_report *out)
{
	agent_context *context = ctx;
	sc_session session;
	sc_plan plan = {0};

	session_init(&session, context);
	session.should_stop = agent_should_stop;  /* a stop ends a list's retries too */
	session.stop_ctx = agent;
	if (sc_session_lock(&session) || sc_session_load_specs(&session) ||
	    sc_session_connect(&session) || sc_session_observe(&session))
		goto done;
	sc_agent_report_count_sandboxes(out, &session.observed, session.sets,
	                                session.set_count);
	sc_plan_options popts = sc_cli_plan_options(&session);
	if (sc_plan_build(&plan, &session.specs, &session.observed,
	                  sc_session_now(&session), &popts, &session.diag))
		goto done;
	sc_agent_report_count_plan(out, &plan);
	log_diag(&context->log, &session.diag, cycle);
	if (!plan.count) {
		out->ok = true;
		goto done;
	}
	log_planned(&context->log, &plan, cycle);
	out->ok = execute(context, &session, &plan, agent, cycle);
	sc_agent_report_count_results(out, &plan);
	sc_agent_report_project(out, &plan);
	log_results(&context->log, &plan, cycle);
done:
	log_diag(&context->log, &session.diag, cycle);
	sc_plan_release(&plan);
	sc_session_release(&session);
}

/*
 * On the signal thread: the running cycle outlived --grace; end the
 * process. The last line is written with write(2), never through stdio:
 * the main thread may hold stderr's lock, blocked on a full pipe, and the
 * deadline must hold all the same.
 */
static void on_grace_expired(void *ctx)
{
	agent_context *context = ctx;
	sc_buf line = SC_BUF_INIT;
	const sc_agent_field fields[] = {SC_AGENT_INT("grace_ms", context->options.grace_ms),
	                                 SC_AGENT_END};

	sc_agent_log_format_line(&line, context->log.format, sc_time_now_ms(), SC_AGENT_ERROR,
	                         "grace period over with a cycle still running: exiting",
	                         fields);
	fcntl(STDERR_FILENO, F_SETFL, fcntl(STDERR_FILENO, F_GETFL) | O_NONBLOCK);
	if (write(STDERR_FILENO, line.data, line.len) < 0) {
		/* Best effort: the exit matters more than the line. */
	}
	_exit(SC_EXIT_FAILED);
}

/* What `agent` needs beyond apply's options, checked before anything starts. */
static int check_options(const sc_cli_options *options)
{
	struct sockaddr_storage addr;
	socklen_t len;

	if (!options->path_count)
		return sc_cli_usage_error("agent: pass -f FILE or -f DIRECTORY");
	for (size_t i = 0; i < options->path_count; i++) {
		if (!strcmp(options->paths[i], "-"))
			return sc_cli_usage_error(
			    "agent: -f - (stdin) cannot be re-read every "
			    "cycle; pass a file or a directory");
	}
	if (options->interval_ms <= 0)
		return sc_cli_usage_error("--interval: must be more than 0");
	if (options->listen_metrics) {
		sc_diag diag = SC_DIAG_INIT;
		int bad =
		    sc_agent_parse_listen(options->listen_metrics, &addr, &len, &diag);
		if (bad)
			sc_cli_usage_error("%s", diag.count ? diag.entries[0].message
			                                    : "bad address");
		sc_diag_release(&diag);
		if (bad)
			return SC_EXIT_USAGE;
	}
	return SC_EXIT_OK;
}

/* The URL and the key must be there before the first cycle: no interval fixes them. */
static int check_service(agent_context *context)
{
	sc_session session;

	session_init(&session, context);
	int result = sc_session_connect(&session);
	log_diag(&context->log, &session.diag, 0);
	sc_session_release(&session);
	return result;
}

int sc_cmd_agent(const sc_cli_options *options)
{
	agent_context context;
	sc_diag diag = SC_DIAG_INIT;

	sc_agent_signals_block();
	int usage = check_options(options);
	if (usage != SC_EXIT_OK)
		return usage;
	memset(&context, 0, sizeof(context));
	context.options = *options;
	bool json = options->log_format && !strcmp(options->log_format, "json");
	sc_agent_log_init(&context.log, stderr,
	                  json ? SC_AGENT_LOG_JSON : SC_AGENT_LOG_TEXT);
	if (options->verbose)
		context.log.min_level = SC_AGENT_DEBUG;
	if (check_service(&context))
		return SC_EXIT_FAILED;

	sc_agent_config config = {
	    .interval_ms = options->interval_ms,
	    .grace_ms = options->grace_ms,
	    .jitter = SC_AGENT_JITTER,
	    .listen = options->listen_metrics,
	    .cycle = reconcile,
	    .cycle_ctx = &context,
	    .grace_expired = on_grace_expired,
	    .grace_ctx = &context,
	    .log = &context.log,
	};
	int result = sc_agent_run(&config, &diag);
	log_diag(&context.log, &diag, 0);
	return result ? SC_EXIT_FAILED : SC_EXIT_OK;
}
