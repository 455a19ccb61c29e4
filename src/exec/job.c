#include "exec/private/job.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "api/request.h"
#include "common/buf.h"
#include "common/mem.h"
#include "common/random.h"
#include "common/scrub.h"
#include "spec/spec.h"


const char *sc_exec_step_name(sc_exec_step step)
{
	switch (step) {
	case SC_STEP_CREATE:
		return "create";
	case SC_STEP_RECOVER:
		return "create (outcome unknown, looking up its token)";
	case SC_STEP_POLL:
		return "wait for ready";
	case SC_STEP_PAUSE_NEW:
		return "pause the new sandbox";
	case SC_STEP_DELETE:
		return "delete";
	case SC_STEP_CONNECT:
		return "resume";
	case SC_STEP_PAUSE:
		return "pause";
	case SC_STEP_RENEW:
		return "renew";
	}
	return "request";
}

/* The metadata of a new sandbox: the spec's labels and the sc-apply/ labels. */
static void create_metadata(const sc_exec_job *job, sc_kv *out)
{
	const sc_action *action = job->action;
	const sc_spec *spec = action->spec;
	char salt[33], hash[SC_SPEC_HASH_HEX + 1], parts[SC_SPEC_PARTS_LEN + 1];

	sc_kv_copy(out, &spec->labels);
	sc_plan_record_labels(out, spec);
	sc_plan_action_labels(out, action);
	sc_random_hex(salt, 16);
	sc_spec_hash(hash, spec, salt);
	sc_spec_hash_parts(parts, spec, salt);
	sc_kv_set(out, SC_LABEL_SET, action->set ? action->set : spec->set);
	sc_kv_set(out, SC_LABEL_NAME, action->name ? action->name : spec->name);
	sc_kv_set(out, SC_LABEL_SALT, salt);
	sc_kv_set(out, SC_LABEL_HASH, hash);
	sc_kv_set(out, SC_LABEL_PARTS, parts);
	sc_kv_set(out, SC_LABEL_CREATE_TOKEN, job->token);
}

void sc_exec_job_enter_stage(sc_exec_job *job)
{
	sc_kv metadata = SC_KV_INIT;

	job->attempt = 0;
	switch (job->stages[job->stage]) {
	case SC_STAGE_CREATE:
		job->step = SC_STEP_CREATE;
		job->create_attempts = 0;
		sc_random_hex(job->token, 16);
		create_metadata(job, &metadata);
		sc_api_secret_free(job->create_body);
		job->create_body = sc_api_create_body(job->action->spec, &metadata);
		sc_kv_release(&metadata);
		break;
	case SC_STAGE_DELETE_OLD:
		job->step = SC_STEP_DELETE;
		break;
	case SC_STAGE_CALL:
		job->step = job->action->kind == SC_ACTION_RESUME  ? SC_STEP_CONNECT
		            : job->action->kind == SC_ACTION_PAUSE ? SC_STEP_PAUSE
		                                                   : SC_STEP_RENEW;
		break;
	}
}

static void plan_stages(sc_exec_job *job)
{
	const sc_action *action = job->action;
	bool delete_first =
	    action->spec && action->spec->replace == SC_REPLACE_DELETE_FIRST;

	switch (action->kind) {
	case SC_ACTION_CREATE:
		job->stages[job->stage_count++] = SC_STAGE_CREATE;
		break;
	case SC_ACTION_DELETE:
		job->stages[job->stage_count++] = SC_STAGE_DELETE_OLD;
		break;
	case SC_ACTION_REPLACE:
		job->stages[job->stage_count++] =
		    delete_first ? SC_STAGE_DELETE_OLD : SC_STAGE_CREATE;
		job->stages[job->stage_count++] =
		    delete_first ? SC_STAGE_CREATE : SC_STAGE_DELETE_OLD;
		break;
	case SC_ACTION_RESUME:
	case SC_ACTION_PAUSE:
	case SC_ACTION_RENEW:
		job->stages[job->stage_count++] = SC_STAGE_CALL;
		break;
	}
}

/* What an action needs that a plan could leave out: a spec to create, a sandbox to act
 * on. */
static const char *missing_input(const sc_exec_job *job)
{
	bool creates = false, touches_old = false;

	for (unsigned i = 0; i < job->stage_count; i++) {
		creates |= job->stages[i] == SC_STAGE_CREATE;
		touches_old |= job->stages[i] != SC_STAGE_CREATE;
	}
	if (creates && !job->action->spec)
		return "the action has no spec to create from";
	if (touches_old && (!job->action->sandbox || !job->action->sandbox->id))
		return "the action names no sandbox";
	return NULL;
}

void sc_exec_job_init(sc_exec_job *job, sc_action *action, sc_api_client *client,
                      const sc_exec_settings *settings)
{
	const char *missing;

	memset(job, 0, sizeof(*job));
	job->action = action;
	job->client = client;
	job->settings = settings;
	plan_stages(job);
	missing = missing_input(job);
	if (missing) {
		sc_exec_job_finish(job, SC_RESULT_FAILED, 0, "%s", missing);
		return;
	}
	sc_exec_job_enter_stage(job);
}

void sc_exec_job_release(sc_exec_job *job)
{
	sc_api_transfer_free(job->transfer);
	sc_api_secret_free(job->create_body);
	free(job->recover_page);
	free(job->new_id);
	free(job->last_error);
	memset(job, 0, sizeof(*job));
}

void sc_exec_job_finish(sc_exec_job *job, sc_result_status status, int64_t now,
                        const char *fmt, ...)
{
	sc_action_result *result = &job->action->result;
	va_list ap;

	result->status = status;
	free(result->message);
	result->message = NULL;
	if (fmt) {
		va_start(ap, fmt);
		result->message = sc_spec_scrub(sc_vasprintf(fmt, ap), job->action->spec);
		va_end(ap);
	}
	if (job->new_id && !result->new_id)
		result->new_id = sc_strdup(job->new_id);
	if (job->started_at && now)
		result->duration_ms = now - job->started_at;
	sc_api_transfer_free(job->transfer);
	job->transfer = NULL;
	sc_api_secret_free(job->create_body);
	job->create_body = NULL;
	job->finished = true;
}

void sc_exec_job_token_filter(const sc_exec_job *job, sc_kv *out)
{
	const sc_action *action = job->action;

	sc_kv_init(out);
	sc_kv_set(out, SC_LABEL_SET, action->set ? action->set : action->spec->set);
	sc_kv_set(out, SC_LABEL_CREATE_TOKEN, job->token);
}

static sc_api_transfer *old_sandbox_call(sc_exec_job *job, const char *method,
                                         const char *suffix, const char *body)
{
	const char *base = sc_api_client_base(job->client);
	const char *id = job->step == SC_STEP_PAUSE_NEW || job->step == SC_STEP_POLL
	                     ? job->new_id
	                     : job->action->sandbox->id;
	char *url = sc_api_sandbox_url(base, id, suffix);
	sc_api_transfer *transfer =
	    sc_api_transfer_new(job->client, method, url, body, job);

	free(url);
	return transfer;
}

static unsigned spec_timeout(const sc_exec_job *job)
{
	return job->action->spec ? job->action->spec->timeout : 0;
}

sc_api_transfer *sc_exec_job_request(sc_exec_job *job)
{
	const char *base = sc_api_client_base(job->client);
	sc_api_transfer *transfer = NULL;
	char *url, *body;
	sc_kv filter;

	switch (job->step) {
	case SC_STEP_CREATE:
		url = sc_api_sandbox_url(base, NULL, NULL);
		transfer =
		    sc_api_transfer_new(job->client, "POST", url, job->create_body, job);
		sc_api_transfer_set_no_resend(transfer);
		free(url);
		break;
	case SC_STEP_RECOVER:
		sc_exec_job_token_filter(job, &filter);
		url = sc_api_list_url(base, &filter,
		                      sc_api_client_filter_style(job->client), 100,
		                      job->recover_page);
		transfer = sc_api_transfer_new(job->client, "GET", url, NULL, job);
		sc_kv_release(&filter);
		free(url);
		break;
	case SC_STEP_POLL:
		transfer = old_sandbox_call(job, "GET", "", NULL);
		break;
	case SC_STEP_PAUSE_NEW:
	case SC_STEP_PAUSE:
		transfer = old_sandbox_call(job, "POST", "/pause", NULL);
		break;
	case SC_STEP_DELETE:
		transfer = old_sandbox_call(job, "DELETE", "", NULL);
		break;
	case SC_STEP_CONNECT:
	case SC_STEP_RENEW:
		body = sc_api_timeout_body(spec_timeout(job));
		transfer = old_sandbox_call(
		    job, "POST", job->step == SC_STEP_CONNECT ? "/connect" : "/timeout",
		    body);
		free(body);
		break;
	}
	return transfer;
}
