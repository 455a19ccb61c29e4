/* How a job moves on by a response: the state machine of job.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/decode.h"
#include "api/retry.h"
#include "common/mem.h"
#include "exec/private/job.h"

/* The failure of the current request, in one line: "HTTP 409: ..." or the transport
 * error. */
/*
 * What went wrong, in one line. A server that echoes the request could
 * send a secret back: the raw body is scrubbed before it is cut short or
 * cleaned, so no part of a secret survives the cut.
 */
static char *describe(const sc_exec_job *job, const sc_api_response *response)
{
	if (response->transport_failed)
		return sc_strdup(response->error ? response->error : "transport error");
	char *body = sc_spec_scrub(sc_strndup(response->body.data ? response->body.data : "",
	                                      response->body.len),
	                           job->action->spec);
	char *why = sc_api_error_message(response->status, body, strlen(body));
	free(body);
	return sc_api_client_scrub(job->client, sc_spec_scrub(why, job->action->spec));
}

static void remember(sc_exec_job *job, char *why)
{
	free(job->last_error);
	job->last_error = why;
}

/* What a failed replace leaves behind, for the end of its message. */
typedef struct replace_note {
	char text[128];
} replace_note;

static replace_note note_for(const sc_exec_job *job)
{
	replace_note note = {""};
	bool creating = job->stages[job->stage] == SC_STAGE_CREATE;

	if (job->action->kind != SC_ACTION_REPLACE)
		return note;
	if (creating && job->stage == 0)
		snprintf(note.text, sizeof(note.text), "; the old sandbox was kept");
	else if (creating)
		snprintf(note.text, sizeof(note.text),
		         "; the old sandbox was already deleted");
	else if (job->new_id)
		snprintf(note.text, sizeof(note.text),
		         "; the new sandbox %.40s is up beside the old", job->new_id);
	return note;
}

static sc_job_outcome fail(sc_exec_job *job, int64_t now, const char *why)
{
	sc_exec_job_finish(job, SC_RESULT_FAILED, now, "%s: %s%s",
	                   sc_exec_step_name(job->step), why, note_for(job).text);
	return SC_JOB_FINISHED;
}

/* Schedules the current step again after a backoff, or fails when out of attempts or
 * time. */
static sc_job_outcome retry_later(sc_exec_job *job, int64_t now, long retry_after_ms)
{
	const sc_exec_settings *s = job->settings;
	long delay;

	if (job->attempt >= s->max_attempts) {
		sc_exec_job_finish(job, SC_RESULT_FAILED, now,
		                   "%s: %s (after %u attempts)%s",
		                   sc_exec_step_name(job->step), job->last_error,
		                   job->attempt, note_for(job).text);
		return SC_JOB_FINISHED;
	}
	delay = sc_api_backoff_ms(job->attempt, s->base_backoff_ms, s->max_backoff_ms,
	                          retry_after_ms, NULL);
	if (now + delay >= s->deadline) {
		sc_exec_job_finish(
		    job, SC_RESULT_FAILED, now, "%s: %s (no time left to retry)%s",
		    sc_exec_step_name(job->step), job->last_error, note_for(job).text);
		return SC_JOB_FINISHED;
	}
	job->ready_at = now + delay;
	return SC_JOB_RETRY;
}

static sc_job_outcome retry_response(sc_exec_job *job, const sc_api_response *response,
                                     int64_t now)
{
	remember(job, describe(job, response));
	return retry_later(
	    job, now, sc_api_retry_after_ms(response->retry_after, response->date_ms));
}

static sc_job_outcome go(sc_exec_job *job, sc_exec_step step, int64_t at)
{
	job->step = step;
	job->attempt = 0;
	job->ready_at = at;
	return SC_JOB_NEXT;
}

/* The stage is complete: on to the next, or the action is done. */
static sc_job_outcome advance(sc_exec_job *job, int64_t now)
{
	if (++job->stage >= job->stage_count) {
		sc_exec_job_finish(job, SC_RESULT_DONE, now, NULL);
		return SC_JOB_FINISHED;
	}
	sc_exec_job_enter_stage(job);
	job->ready_at = now;
	return SC_JOB_NEXT;
}

/* The new sandbox is ready: pause it when the spec says so, else the stage is done. */
static sc_job_outcome after_ready(sc_exec_job *job, sc_phase phase, int64_t now)
{
	if (job->action->spec->state == SC_SPEC_PAUSED && phase != SC_PHASE_PAUSED)
		return go(job, SC_STEP_PAUSE_NEW, now);
	return advance(job, now);
}

/* A sandbox of ours exists (made, adopted or polled): where it stands decides what next.
 */
static sc_job_outcome on_sandbox(sc_exec_job *job, const sc_sandbox *sandbox, int64_t now)
{
	if (!job->new_id)
		job->new_id = sc_strdup(sandbox->id);
	switch (sandbox->phase) {
	case SC_PHASE_READY:
	case SC_PHASE_PAUSED:
		return after_ready(job, sandbox->phase, now);
	case SC_PHASE_GONE:
		sc_exec_job_finish(
		    job, SC_RESULT_FAILED, now, "%s: the new sandbox %s is %s%s",
		    sc_exec_step_name(job->step), job->new_id,
		    sandbox->status ? sandbox->status : "gone", note_for(job).text);
		return SC_JOB_FINISHED;
	case SC_PHASE_STARTING:
	case SC_PHASE_UNKNOWN:
		break;
	}
	if (job->step != SC_STEP_POLL) {
		job->poll_deadline = now + job->settings->ready_timeout_ms;
		go(job, SC_STEP_POLL, now);
	}
	job->attempt = 0;
	if (now + job->settings->poll_interval_ms > job->poll_deadline) {
		sc_exec_job_finish(job, SC_RESULT_FAILED, now,
		                   "wait for ready: sandbox %s still '%s' after %ld ms%s",
		                   job->new_id,
		                   sandbox->status ? sandbox->status : "unknown",
		                   job->settings->ready_timeout_ms, note_for(job).text);
		return SC_JOB_FINISHED;
	}
	job->ready_at = now + job->settings->poll_interval_ms;
	return SC_JOB_NEXT;
}

/*
 * How long a lookup of an uncertain create waits at least, and how many
 * lookups must find nothing before the create is sent again: a create the
 * server is still making (a client timeout, a gateway's 504) shows up in
 * the list a little later, and a second create would be a duplicate.
 */
#define RECOVER_MIN_WAIT_MS 1000
#define RECOVER_LOOKUPS     2

/* The create's outcome is unknown: look its token up before anything else. */
static sc_job_outcome recover(sc_exec_job *job, const sc_api_response *response,
                              int64_t now)
{
	const sc_exec_settings *s = job->settings;
	long delay = sc_api_backoff_ms(job->create_attempts, s->base_backoff_ms,
	                               s->max_backoff_ms, -1, NULL);

	if (delay < RECOVER_MIN_WAIT_MS)
		delay = RECOVER_MIN_WAIT_MS;
	remember(job, describe(job, response));
	free(job->recover_page);
	job->recover_page = NULL;
	job->recover_misses = 0;
	/* Wait first: a create that timed out may still be under way on the server. */
	go(job, SC_STEP_RECOVER, now + delay);
	return SC_JOB_RETRY;
}

static sc_job_outcome on_create(sc_exec_job *job, const sc_api_response *response,
                                int64_t now)
{
	sc_sandbox sandbox;
	sc_diag diag = SC_DIAG_INIT;
	bool body_ok = false;
	sc_job_outcome outcome;

	if (!response->transport_failed && response->status >= 200 &&
	    response->status <= 299)
		body_ok = !sc_api_decode_sandbox(&sandbox, response->body.data,
		                                 response->body.len, &diag);
	sc_diag_release(&diag);
	if (body_ok) {
		outcome = on_sandbox(job, &sandbox, now);
		sc_sandbox_release(&sandbox);
		return outcome;
	}
	if (sc_api_create_outcome_unknown(response, false))
		return recover(job, response, now);
	if (sc_api_response_retryable(response))
		return retry_response(job, response, now);
	remember(job, describe(job, response));
	return fail(job, now, job->last_error);
}

/* Whether a listed sandbox is really this create's (the filter is not trusted). */
static const sc_sandbox *find_ours(const sc_exec_job *job, const sc_sandbox_list *list)
{
	const sc_sandbox *found = NULL;
	sc_kv filter = SC_KV_INIT;

	sc_exec_job_token_filter(job, &filter);
	for (size_t i = 0; !found && i < list->count; i++) {
		if (list->items[i].phase != SC_PHASE_GONE &&
		    sc_api_labels_match(&list->items[i], &filter))
			found = &list->items[i];
	}
	sc_kv_release(&filter);
	return found;
}

/* Nothing carries the token: the create never happened; send it again (same token). */
static sc_job_outcome create_again(sc_exec_job *job, int64_t now)
{
	job->step = SC_STEP_CREATE;
	job->attempt = job->create_attempts;
	return retry_later(job, now, -1);
}

static sc_job_outcome on_recover(sc_exec_job *job, const sc_api_response *response,
                                 int64_t now)
{
	sc_sandbox_list list = {0};
	sc_diag diag = SC_DIAG_INIT;
	char *body_token = NULL;
	const sc_sandbox *ours;
	sc_job_outcome outcome;

	if (response->transport_failed || response->status != 200) {
		if (sc_api_response_retryable(response))
			return retry_response(job, response, now);
		remember(job, describe(job, response));
		return fail(job, now, job->last_error);
	}
	if (sc_api_decode_list(&list, &body_token, response->body.data,
	                       response->body.len, &diag)) {
		remember(job, sc_strdup(diag.entries[0].message));
		sc_diag_release(&diag);
		return retry_later(job, now, -1);
	}
	ours = find_ours(job, &list);
	free(job->recover_page);
	job->recover_page =
	    response->next_token ? sc_strdup(response->next_token) : body_token;
	if (response->next_token)
		free(body_token);
	if (ours) {
		outcome = on_sandbox(job, ours, now);
	} else if (job->recover_page) {
		job->attempt = 0;
		job->ready_at = now;
		outcome = SC_JOB_NEXT;
	} else if (++job->recover_misses < RECOVER_LOOKUPS) {
		/* Not there yet: look once more, later, before creating again. */
		go(job, SC_STEP_RECOVER, now + RECOVER_MIN_WAIT_MS);
		outcome = SC_JOB_RETRY;
	} else {
		outcome = create_again(job, now);
	}
	sc_sandbox_list_release(&list);
	return outcome;
}

static sc_job_outcome on_poll(sc_exec_job *job, const sc_api_response *response,
                              int64_t now)
{
	sc_sandbox sandbox;
	sc_diag diag = SC_DIAG_INIT;
	sc_job_outcome outcome;

	if (!response->transport_failed &&
	    (response->status == 404 || response->status == 410))
		return fail(job, now, "the new sandbox disappeared while starting");
	if (response->transport_failed || response->status != 200) {
		if (sc_api_response_retryable(response))
			return retry_response(job, response, now);
		remember(job, describe(job, response));
		return fail(job, now, job->last_error);
	}
	if (sc_api_decode_sandbox(&sandbox, response->body.data, response->body.len,
	                          &diag)) {
		remember(job, sc_strdup(diag.entries[0].message));
		sc_diag_release(&diag);
		return retry_later(job, now, -1);
	}
	outcome = on_sandbox(job, &sandbox, now);
	sc_sandbox_release(&sandbox);
	return outcome;
}

/* Which statuses finish a call besides 2xx: 409 for a pause, 404/410 for a delete. */
static bool also_done(sc_exec_step step, long status)
{
	if (step == SC_STEP_PAUSE || step == SC_STEP_PAUSE_NEW)
		return status == 409;
	if (step == SC_STEP_DELETE)
		return status == 404 || status == 410;
	return false;
}

/* Connect, pause, timeout, delete: the status is all that counts. */
static sc_job_outcome on_call(sc_exec_job *job, const sc_api_response *response,
                              int64_t now)
{
	long status = response->status;

	if (!response->transport_failed &&
	    ((status >= 200 && status <= 299) || also_done(job->step, status)))
		return advance(job, now);
	if (sc_api_response_retryable(response))
		return retry_response(job, response, now);
	remember(job, describe(job, response));
	return fail(job, now, job->last_error);
}

sc_job_outcome sc_exec_job_handle(sc_exec_job *job, int64_t now)
{
	sc_api_transfer *transfer = job->transfer;
	const sc_api_response *response = sc_api_transfer_response(transfer);
	sc_job_outcome outcome;

	job->transfer = NULL; /* ours until the end of this function, whatever happens */

	if (response->status)
		job->action->result.http_status = (int)response->status;
	switch (job->step) {
	case SC_STEP_CREATE:
		outcome = on_create(job, response, now);
		break;
	case SC_STEP_RECOVER:
		outcome = on_recover(job, response, now);
		break;
	case SC_STEP_POLL:
		outcome = on_poll(job, response, now);
		break;
	default:
		outcome = on_call(job, response, now);
		break;
	}
	sc_api_transfer_free(transfer);
	return outcome;
}
