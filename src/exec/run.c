/*
 * The executor's loop, after curl's --parallel: start what is due up to
 * the parallel limit and the rate cap, drive the multi handle, hand each
 * finished transfer back to its job, until every job is finished or the
 * run's time is up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/timeutil.h"
#include "exec/exec.h"
#include "exec/private/aimd.h"
#include "exec/private/job.h"
#include "exec/private/pace.h"

/* The longest the loop sleeps without looking at the clock. */
#define MAX_WAIT_MS 1000

typedef struct sc_exec_run_state {
	sc_api_client *client;
	sc_plan *plan;
	const sc_exec_options *options;
	sc_exec_settings settings;
	sc_exec_job *jobs;
	sc_exec_pace pace;
	sc_exec_aimd aimd;
	size_t done;
} sc_exec_run_state;

static void apply_defaults(sc_exec_settings *s, const sc_exec_options *o)
{
	s->parallel = o->parallel ? o->parallel : 16;
	s->max_attempts = o->max_attempts ? o->max_attempts : 8;
	s->base_backoff_ms = o->base_backoff_ms > 0 ? o->base_backoff_ms : 200;
	s->max_backoff_ms = o->max_backoff_ms > 0 ? o->max_backoff_ms : 10000;
	s->total_timeout_ms = o->total_timeout_ms > 0 ? o->total_timeout_ms : 600000;
	s->ready_timeout_ms = o->ready_timeout_ms > 0 ? o->ready_timeout_ms : 180000;
	s->poll_interval_ms = o->poll_interval_ms > 0 ? o->poll_interval_ms : 500;
	s->max_rate = o->max_rate > 0 ? o->max_rate : 0;
	s->fixed_window = o->fixed_window;
	s->deadline = sc_time_monotonic_ms() + s->total_timeout_ms;
}

static void report(sc_exec_run_state *run, const sc_exec_job *job, sc_exec_event event)
{
	if (run->options->progress)
		run->options->progress(run->options->progress_ctx, job->action, event,
		                       run->done, run->plan->count);
}

static void result_reset(sc_action_result *result)
{
	free(result->message);
	free(result->new_id);
	memset(result, 0, sizeof(*result));
}

static void on_finished(sc_exec_run_state *run, sc_exec_job *job)
{
	run->done++;
	report(run, job, SC_EXEC_EVENT_FINISHED);
}

/* Sends the job's next request. */
static void start(sc_exec_run_state *run, sc_exec_job *job, int64_t now, sc_diag *diag)
{
	sc_diag start_diag = SC_DIAG_INIT;

	job->transfer = sc_exec_job_request(job);
	if (sc_api_transfer_start(job->transfer, (long)(run->settings.deadline - now),
	                          &start_diag)) {
		sc_exec_job_finish(
		    job, SC_RESULT_FAILED, now, "%s: %s", sc_exec_step_name(job->step),
		    start_diag.count ? start_diag.entries[0].message : "not started");
		sc_diag_take(diag, &start_diag);
		on_finished(run, job);
		return;
	}
	sc_exec_pace_take(&run->pace, now);
	job->ticket = sc_exec_aimd_sent(&run->aimd, now);
	job->attempt++;
	if (job->step == SC_STEP_CREATE)
		job->create_attempts++;
	job->action->result.attempts++;
	if (!job->started_at) {
		job->started_at = now;
		report(run, job, SC_EXEC_EVENT_STARTED);
	}
}

static bool waiting(const sc_exec_job *job)
{
	return !job->finished && !job->transfer;
}

/* How many requests may be in flight: the adaptive window, at most --parallel. */
static size_t in_flight_limit(const sc_exec_run_state *run)
{
	if (run->settings.fixed_window)
		return run->settings.parallel;
	return sc_exec_aimd_limit(&run->aimd);
}

/* Milliseconds before the next request may go: the rate cap and the window's spacing. */
static long start_wait(const sc_exec_run_state *run, int64_t now)
{
	long pace = sc_exec_pace_wait(&run->pace, now);
	long spacing = run->settings.fixed_window ? 0 : sc_exec_aimd_wait(&run->aimd, now);

	return pace > spacing ? pace : spacing;
}

/* Starts every due job, in plan order, within the window and the rate cap. */
static void start_due(sc_exec_run_state *run, int64_t now, sc_diag *diag)
{
	for (size_t i = 0; i < run->plan->count; i++) {
		sc_exec_job *job = &run->jobs[i];
		if (!waiting(job) || job->ready_at > now)
			continue;
		if (sc_api_client_running(run->client) >= in_flight_limit(run))
			return;
		if (start_wait(run, now))
			return;
		start(run, job, now, diag);
	}
}

/* How long the loop may sleep: until the next job is due, the rate allows, or the end. */
static long next_wait(const sc_exec_run_state *run, int64_t now)
{
	int64_t wait = MAX_WAIT_MS;
	bool due = false;

	for (size_t i = 0; i < run->plan->count; i++) {
		const sc_exec_job *job = &run->jobs[i];
		if (!waiting(job))
			continue;
		if (job->ready_at <= now)
			due = true;
		else if (job->ready_at - now < wait)
			wait = job->ready_at - now;
	}
	if (due && sc_api_client_running(run->client) < in_flight_limit(run)) {
		long pace = start_wait(run, now);
		if (pace < wait)
			wait = pace;
	}
	if (run->settings.deadline - now < wait)
		wait = run->settings.deadline - now;
	return wait < 0 ? 0 : (long)wait;
}

/* Whether job is a create that the service refused for its template (404 on POST). */
static bool template_missing(const sc_exec_job *job)
{
	const sc_action_result *result = &job->action->result;
	return job->step == SC_STEP_CREATE && result->status == SC_RESULT_FAILED &&
	       result->http_status == 404 && job->action->spec;
}

static bool creates(const sc_exec_job *job)
{
	for (unsigned i = 0; i < job->stage_count; i++) {
		if (job->stages[i] == SC_STAGE_CREATE)
			return true;
	}
	return false;
}

/* " (spec 'team/py' at file.yaml:12)": where to fix it. */
static void append_place(sc_action_result *result, const sc_spec *spec)
{
	char *message = sc_asprintf("%s (spec '%s/%s' at %s:%u)", result->message ? result->message : "",
	                            spec->set, spec->name,
	                            spec->where.file ? spec->where.file : "?", spec->where.line);
	free(result->message);
	result->message = message;
}

/*
 * A create refused for its template fails every create of that spec the
 * same way: the rest of its creates are not sent (each would fail), and
 * the message names the spec's place, so the typo is found at once.
 */
static void stop_spec_creates(sc_exec_run_state *run, const sc_exec_job *failed, int64_t now)
{
	const sc_spec *spec = failed->action->spec;

	append_place(&failed->action->result, spec);
	for (size_t i = 0; i < run->plan->count; i++) {
		sc_exec_job *job = &run->jobs[i];
		if (job == failed || !waiting(job) || job->started_at || job->action->spec != spec ||
		    !creates(job))
			continue;
		sc_exec_job_finish(job, SC_RESULT_SKIPPED, now,
		                   "not started: a create of the same spec found no template '%s'",
		                   spec->template_id);
		append_place(&job->action->result, spec);
		on_finished(run, job);
	}
}

/* What an answer says of the service's load: throttled (429, 503 with Retry-After). */
static sc_aimd_signal load_signal(const sc_api_response *response)
{
	if (response->transport_failed)
		return SC_AIMD_NEUTRAL;
	if (response->status == 429 || (response->status == 503 && response->retry_after))
		return SC_AIMD_THROTTLED;
	if (response->status >= 500)
		return SC_AIMD_NEUTRAL;
	return SC_AIMD_SUCCESS;
}

static void take_finished(sc_exec_run_state *run)
{
	sc_api_transfer *transfer;

	while ((transfer = sc_api_client_next_done(run->client))) {
		sc_exec_job *job = sc_api_transfer_user(transfer);
		if (!job || job->transfer != transfer) {
			sc_api_transfer_free(transfer);
			continue;
		}
		const sc_api_response *response = sc_api_transfer_response(transfer);
		sc_exec_aimd_answered(&run->aimd, job->ticket, load_signal(response),
		                      response->duration_ms, sc_time_monotonic_ms());
		switch (sc_exec_job_handle(job, sc_time_monotonic_ms())) {
		case SC_JOB_RETRY:
			report(run, job, SC_EXEC_EVENT_RETRYING);
			break;
		case SC_JOB_FINISHED:
			on_finished(run, job);
			if (template_missing(job))
				stop_spec_creates(run, job, sc_time_monotonic_ms());
			break;
		case SC_JOB_NEXT:
			break;
		}
	}
}

/*
 * The run's time is up, the loop broke, or the run is stopping: every
 * unfinished job ends now (with in_flight false, only those with no
 * request in flight: the others end when their answer comes).
 */
static void end_unfinished(sc_exec_run_state *run, int64_t now, const char *why,
                           bool in_flight)
{
	for (size_t i = 0; i < run->plan->count; i++) {
		sc_exec_job *job = &run->jobs[i];
		if (job->finished || (!in_flight && job->transfer))
			continue;
		if (!job->started_at)
			sc_exec_job_finish(job, SC_RESULT_SKIPPED, now, "not started: %s",
			                   why);
		else if (job->step == SC_STEP_RECOVER ||
		         (job->transfer && job->step == SC_STEP_CREATE))
			sc_exec_job_finish(
			    job, SC_RESULT_FAILED, now,
			    "create: %s before its outcome was known (a sandbox "
			    "may exist; the next run will see it)",
			    why);
		else
			sc_exec_job_finish(job, SC_RESULT_FAILED, now, "%s: %s",
			                   sc_exec_step_name(job->step), why);
		on_finished(run, job);
	}
}

static bool stopping(const sc_exec_run_state *run)
{
	return run->options->should_stop && run->options->should_stop(run->options->stop_ctx);
}

static void run_loop(sc_exec_run_state *run, sc_diag *diag)
{
	char why[96];

	while (run->done < run->plan->count) {
		int64_t now = sc_time_monotonic_ms();
		if (now >= run->settings.deadline) {
			snprintf(why, sizeof(why),
			         "the run's time limit (%ld ms) ran out",
			         run->settings.total_timeout_ms);
			end_unfinished(run, now, why, true);
			return;
		}
		if (stopping(run))
			end_unfinished(run, now, "the run was stopped", false);
		else
			start_due(run, now, diag);
		if (sc_api_client_wait(run->client,
		                       next_wait(run, sc_time_monotonic_ms()), diag)) {
			end_unfinished(run, sc_time_monotonic_ms(),
			               "the HTTP engine failed", true);
			return;
		}
		take_finished(run);
	}
}

int sc_exec_run(sc_api_client *client, sc_plan *plan, const sc_exec_options *options,
                sc_diag *diag)
{
	static const sc_exec_options no_options;
	sc_exec_run_state run;
	int rc = 0;

	memset(&run, 0, sizeof(run));
	run.client = client;
	run.plan = plan;
	run.options = options ? options : &no_options;
	apply_defaults(&run.settings, run.options);
	sc_exec_pace_init(&run.pace, run.settings.max_rate);
	sc_exec_aimd_init(&run.aimd, run.settings.parallel);
	sc_api_client_set_parallel(client, run.settings.parallel);
	run.jobs = sc_calloc(plan->count ? plan->count : 1, sizeof(*run.jobs));
	for (size_t i = 0; i < plan->count; i++) {
		result_reset(&plan->actions[i].result);
		sc_exec_job_init(&run.jobs[i], &plan->actions[i], client, &run.settings);
		if (run.jobs[i].finished)
			on_finished(&run, &run.jobs[i]);
	}
	run_loop(&run, diag);
	for (size_t i = 0; i < plan->count; i++) {
		if (plan->actions[i].result.status != SC_RESULT_DONE)
			rc = -1;
		sc_exec_job_release(&run.jobs[i]);
	}
	free(run.jobs);
	return rc;
}
