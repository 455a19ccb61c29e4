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
#include "cli/private/session.h"
#include "common/buf.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "reconcile/reconcile.h"

typedef struct agent_context {
	sc_cli_options options;      /* a copy: what every cycle runs with */
	sc_reconcile_config config;  /* made from options; hooks into the log */
	sc_agent_log log;
	sc_agent *agent;             /* the loop running the cycle in progress */
	unsigned long cycle;         /* its number */
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
 * Logs every entry of diag (never a secret: diagnostics carry none), notes
 * it in the cycle's report (NULL: none) for the status page, and empties
 * it. cycle 0: before the first cycle.
 */
static void log_diag(sc_agent_log *log, sc_diag *diag, unsigned long cycle,
                     sc_agent_report *out)
{
	for (size_t i = 0; i < diag->count; i++) {
		const sc_diag_entry *entry = &diag->entries[i];
		sc_agent_level level = entry->level == SC_DIAG_ERROR     ? SC_AGENT_ERROR
		                       : entry->level == SC_DIAG_WARNING ? SC_AGENT_WARN
		                                                         : SC_AGENT_INFO;
		char *text = diag_text(entry);
		if (out)
			sc_agent_report_note(out, entry->level, text);
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

/* -v: each retry as a debug event (the results come after the run). */
static void on_progress(void *ctx, const sc_action *action, sc_exec_event event,
                        size_t done, size_t total)
{
	agent_context *context = ctx;
	(void)done, (void)total;
	if (event != SC_EXEC_EVENT_RETRYING)
		return;
	sc_agent_log_event(
	    &context->log, SC_AGENT_DEBUG, "action retrying",
	    SC_AGENT_INT("cycle", context->cycle),
	    SC_AGENT_STR("action", sc_action_kind_name(action->kind)),
	    SC_AGENT_STR("set", action->set), SC_AGENT_STR("name", action->name),
	    SC_AGENT_STR("sandbox", action->sandbox ? action->sandbox->id : NULL),
	    SC_AGENT_END);
}

/*
 * A stop ends a list's retries at once, and starts no new action; so does
 * leadership lost (fencing: a lease not provably held starts no write).
 */
static bool agent_should_stop(void *ctx)
{
	agent_context *context = ctx;
	return context->agent &&
	       (sc_agent_stopping(context->agent) || !sc_agent_leading(context->agent));
}

/* -v: each request as a debug event of the log, in its format (never a secret). */
static void trace_request(void *ctx, const char *line)
{
	agent_context *context = ctx;
	sc_agent_log_event(&context->log, SC_AGENT_DEBUG, "request",
	                   SC_AGENT_STR("request", line), SC_AGENT_END);
}

/* Another run holds a set's lock: the cycle waits, and says so. */
static void lock_wait_event(void *ctx, const char *where, const char *holder)
{
	agent_context *context = ctx;
	sc_agent_log_event(&context->log, SC_AGENT_INFO, "waiting for the lock",
	                   SC_AGENT_INT("cycle", context->cycle), SC_AGENT_STR("lock", where),
	                   SC_AGENT_STR("holder", holder), SC_AGENT_END);
}

/* The cycles' configuration: apply's, with its hooks into the agent's log. */
static void config_init(agent_context *context)
{
	sc_cli_reconcile_config(&context->config, &context->options);
	context->config.hooks = (sc_reconcile_hooks){
	    .trace = context->options.verbose ? trace_request : NULL,
	    .trace_ctx = context,
	    .progress = on_progress,
	    .progress_ctx = context,
	    .should_stop = agent_should_stop,
	    .stop_ctx = context,
	    .lock_wait = lock_wait_event,
	    .lock_wait_ctx = context,
	};
	/* A lease lock elects a leader, held across cycles: its lease is each cycle's lock. */
	if (sc_lock_is_lease(context->options.lock_path)) {
		context->config.lock_path = NULL;
		context->config.no_lock = true;
	}
}

/*
 * Runs the plan unless a stop came first (then nothing starts: nothing is
 * half-done); a stop during the run lets requests in flight finish and
 * starts nothing new.
 */
static bool execute(agent_context *context, sc_reconcile *run)
{
	if (sc_agent_stopping(context->agent)) {
		sc_agent_log_event(&context->log, SC_AGENT_WARN, "stop requested: plan not run",
		                   SC_AGENT_INT("cycle", context->cycle),
		                   SC_AGENT_INT("drift", run->plan.count), SC_AGENT_END);
		return false;
	}
	return sc_reconcile_execute(run) == 0;
}

/* Each rollout of the cycle's plan, for the status page. */
static void report_rollouts(sc_agent_report *out, const sc_plan *plan)
{
	for (size_t i = 0; i < plan->rollout_count; i++) {
		const sc_rollout *rollout = &plan->rollouts[i];
		sc_agent_report_rollout(out, rollout->set, rollout->name,
		                        sc_rollout_state_name(rollout->state), rollout->updated,
		                        rollout->replicas);
	}
}

/* One cycle: the same pipeline as `sc-apply apply`, its output as log events. */
static void reconcile(void *ctx, sc_agent *agent, unsigned long cycle,
                      sc_agent_report *out)
{
	agent_context *context = ctx;
	sc_reconcile run;

	context->agent = agent;
	context->cycle = cycle;
	sc_reconcile_init(&run, &context->config);
	int prepared = sc_reconcile_prepare(&run, SC_RECONCILE_APPLY);
	if (run.planned) /* the listing is complete, even when a guard refused the plan */
		sc_agent_report_count_sandboxes(out, &run.observed, run.sets, run.set_count);
	if (prepared)
		goto done;
	sc_agent_report_count_plan(out, &run.plan);
	log_diag(&context->log, &run.diag, cycle, out);
	if (!run.plan.count && !sc_reconcile_rollout_pending(&run)) {
		out->ok = true;
		goto done;
	}
	log_planned(&context->log, &run.plan, cycle);
	out->ok = execute(context, &run);
	sc_agent_report_count_results(out, &run.plan);
	sc_agent_report_project(out, &run.plan);
	sc_agent_report_note_results(out, &run.plan);
	log_results(&context->log, &run.plan, cycle);
done:
	if (run.planned) {
		sc_agent_report_count_specs(out, &run.specs, &run.observed, &run.plan,
		                            sc_reconcile_now(&run));
		report_rollouts(out, &run.plan);
	}
	log_diag(&context->log, &run.diag, cycle, out);
	sc_agent_report_scrub(out, &run.specs);
	sc_reconcile_release(&run);
	context->agent = NULL;
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
	sc_reconcile run;

	sc_reconcile_init(&run, &context->config);
	int result = sc_reconcile_connect(&run);
	log_diag(&context->log, &run.diag, 0, NULL);
	sc_reconcile_release(&run);
	return result;
}

/*
 * A spec whose renewBefore is shorter than the interval may see its
 * sandboxes expire between two cycles, and recreated every cycle: say so
 * at start, once per spec (the files are read again each cycle, so a spec
 * added later is checked by its first cycle's run in the log's warnings).
 */
static void warn_short_renewals(agent_context *context)
{
	sc_reconcile run;
	long interval_s = context->options.interval_ms / 1000;

	sc_reconcile_init(&run, &context->config);
	if (sc_reconcile_load_specs(&run) == 0) {
		for (size_t i = 0; i < run.specs.count; i++) {
			const sc_spec *spec = &run.specs.items[i];
			if (spec->renew_before >= interval_s || spec->state == SC_SPEC_PAUSED)
				continue;
			char *text = sc_asprintf(
			    "spec '%s/%s' renews %u s before its TTL ends but cycles are %ld s "
			    "apart: its sandboxes may expire between cycles (lower --interval or "
			    "raise spec.renewBefore)",
			    spec->set, spec->name, spec->renew_before, interval_s);
			sc_agent_log_event(&context->log, SC_AGENT_WARN, text, SC_AGENT_END);
			free(text);
		}
	}
	sc_diag_release(&run.diag); /* the first cycle reports what failed to load */
	sc_reconcile_release(&run);
}

static int agent(const sc_cli_options *options)
{
	agent_context context;
	sc_diag diag = SC_DIAG_INIT;

	sc_agent_signals_block();
	memset(&context, 0, sizeof(context));
	context.options = *options;
	bool json = options->log_format && !strcmp(options->log_format, "json");
	sc_agent_log_init(&context.log, stderr,
	                  json ? SC_AGENT_LOG_JSON : SC_AGENT_LOG_TEXT);
	if (options->verbose)
		context.log.min_level = SC_AGENT_DEBUG;
	config_init(&context);
	if (check_service(&context))
		return SC_EXIT_FAILED;
	warn_short_renewals(&context);

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
	    .leader_lock = sc_lock_is_lease(options->lock_path) ? options->lock_path : NULL,
	};
	int result = sc_agent_run(&config, &diag);
	log_diag(&context.log, &diag, 0, NULL);
	return result ? SC_EXIT_FAILED : SC_EXIT_OK;
}

const sc_cli_command sc_cmd_agent = {
    .name = "agent",
    .run = agent,
    .usage = "sc-apply agent -f PATH... [--interval 60s] [options]",
    .summary = "reconcile forever, every interval",
    .help = "Runs apply every --interval (with jitter), re-reading the files each time,\n"
            "so a GitOps checkout that changes under it is followed. SIGHUP reconciles\n"
            "at once; SIGTERM or SIGINT let the running cycle finish (up to --grace)\n"
            "and exit. Failing cycles back off exponentially and recover by themselves.\n",
    .takes = SC_OPTS_GENERAL | SC_OPTS_INPUT | SC_OPTS_SAFETY | SC_OPTS_EXECUTION |
             SC_OPTS_AGENT | SC_OPTS_CONNECTION | SC_OPT(SC_OPT_VERBOSE),
    .needs = SC_NEEDS_SPECS,
    .check = check_options,
};
