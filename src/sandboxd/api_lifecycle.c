/* The sandbox lifecycle routes: create, get, delete, connect, pause, timeout, refreshes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/mem.h"
#include "common/random.h"
#include "sandboxd/private/create.h"
#include "sandboxd/service.h"
#include "sandboxd/private/template.h"

#define SD_REFRESH_DEFAULT_S 300
#define SD_REFRESH_MAX_S     3600

static sd_sandbox *find_or_404(sd_call *call)
{
	sd_sandbox *sandbox = sd_store_find(&call->service->store, call->route->id);
	if (!sandbox)
		sd_response_error(call->response, 404, "sandbox '%s' not found",
		                  call->route->id);
	return sandbox;
}

static void reply_sandbox(sd_call *call, int status, const sd_sandbox *sandbox)
{
	call->response->status = status;
	sc_buf_reset(&call->response->body);
	sd_sandbox_write_json(&call->response->body, sandbox, SD_VIEW_DETAIL,
	                      call->mono_now);
}

static sd_sandbox *new_sandbox(sd_call *call, const sd_template *tpl,
                               const sd_new_sandbox *request)
{
	sd_sandbox *sandbox = sd_sandbox_new();
	char hex[33];

	do {
		sc_random_hex(hex, 8);
		snprintf(sandbox->id, sizeof(sandbox->id), "sandbox_%s", hex);
	} while (sd_store_find(&call->service->store, sandbox->id));
	sc_random_hex(hex, 16);
	snprintf(sandbox->envd_token, sizeof(sandbox->envd_token), "envd_%s", hex);
	sandbox->template_id = sc_strdup(tpl->id);
	sandbox->cpu_count = tpl->cpu_count;
	sandbox->memory_mb = tpl->memory_mb;
	sandbox->disk_size_mb = tpl->disk_size_mb;
	sandbox->started_at = sandbox->activated_at = call->now;
	sandbox->end_at = call->now + (int64_t)request->timeout_s * 1000;
	sd_create_fill(sandbox, request);
	return sandbox;
}

void sd_api_create(sd_call *call)
{
	sd_new_sandbox request;
	sc_buf error = SC_BUF_INIT;
	cJSON *body = sd_call_body_object(call, false);

	if (!body)
		return;
	if (sd_create_parse(&request, body, &error)) {
		sd_response_error(call->response, 400, "invalid create request: %s",
		                  sc_buf_cstr(&error));
		goto done;
	}
	const sd_template *tpl = sd_template_find(request.template_name);
	if (!tpl) {
		sd_response_error(call->response, 404, "template '%.128s' not found",
		                  request.template_name);
		goto done;
	}
	long max = call->settings.max_sandboxes;
	if (max > 0 && call->service->store.count >= (size_t)max) {
		call->response->retry_after = 1;
		sd_response_error(call->response, 429,
		                  "sandbox limit reached: at most %ld sandboxes", max);
		goto done;
	}
	sd_sandbox *sandbox = new_sandbox(call, tpl, &request);
	char detail[160];
	snprintf(detail, sizeof(detail), "template %s, timeout %lds", tpl->id,
	         request.timeout_s);
	sd_sandbox_add_event(sandbox, call->now, "created", detail);
	if (call->settings.start_delay_ms > 0) {
		if (request.wait_ready)
			call->wait_ms = call->settings.start_delay_ms;
		else
			sandbox->ready_mono_ms =
			    call->mono_now + call->settings.start_delay_ms;
	}
	sd_store_insert(&call->service->store, sandbox);
	reply_sandbox(call, 201, sandbox);
done:
	sc_buf_release(&error);
	cJSON_Delete(body);
}

void sd_api_get(sd_call *call)
{
	sd_sandbox *sandbox = find_or_404(call);
	if (sandbox)
		reply_sandbox(call, 200, sandbox);
}

void sd_api_delete(sd_call *call)
{
	sd_sandbox *sandbox = find_or_404(call);
	if (!sandbox)
		return;
	sd_store_remove(&call->service->store, sandbox);
	sd_response_empty(call->response, 204);
}

/*
 * The required {"timeout": N} of connect and timeout: N an integer in
 * lo..SD_MAX_TIMEOUT_S, timeoutMs rejected. -1 with a 400 set.
 */
static int required_timeout(sd_call *call, long lo, long *out)
{
	cJSON *body = sd_call_body_object(call, true);
	int rc = -1;

	if (!body)
		return -1;
	const cJSON *ms = cJSON_GetObjectItemCaseSensitive(body, "timeoutMs");
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(body, "timeout");
	if (ms)
		sd_response_error(
		    call->response, 400,
		    "timeoutMs: not accepted on this route; send timeout in seconds");
	else if (!item)
		sd_response_error(call->response, 400, "timeout: required");
	else if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble) ||
	         floor(item->valuedouble) != item->valuedouble ||
	         item->valuedouble < lo || item->valuedouble > SD_MAX_TIMEOUT_S)
		sd_response_error(
		    call->response, 400,
		    "timeout: must be an integer number of seconds from %ld to %d", lo,
		    SD_MAX_TIMEOUT_S);
	else {
		*out = (long)item->valuedouble;
		rc = 0;
	}
	cJSON_Delete(body);
	return rc;
}

static void resume(sd_call *call, sd_sandbox *sandbox, long timeout_s)
{
	int64_t left = sandbox->paused_left_ms;
	if (timeout_s > 0)
		left = (int64_t)timeout_s * 1000;
	else if (left <= 0)
		left = (int64_t)SD_DEFAULT_TIMEOUT_S * 1000;
	sandbox->paused = false;
	sandbox->paused_left_ms = 0;
	sandbox->activated_at = call->now;
	sandbox->end_at = call->now + left;
	char detail[96];
	snprintf(detail, sizeof(detail), "connect; ttl %llds", (long long)(left / 1000));
	sd_sandbox_add_event(sandbox, call->now, "resumed", detail);
}

void sd_api_connect(sd_call *call)
{
	long timeout_s;
	sd_sandbox *sandbox = find_or_404(call);

	if (!sandbox || required_timeout(call, 0, &timeout_s))
		return;
	if (sandbox->paused) {
		resume(call, sandbox, timeout_s);
		sd_store_changed(&call->service->store, sandbox);
		reply_sandbox(call, 201, sandbox);
		return;
	}
	if (timeout_s > 0) {
		char detail[96];
		sandbox->end_at = call->now + (int64_t)timeout_s * 1000;
		snprintf(detail, sizeof(detail), "connect; ttl %lds", timeout_s);
		sd_sandbox_add_event(sandbox, call->now, "timeout_set", detail);
		sd_store_changed(&call->service->store, sandbox);
	}
	reply_sandbox(call, 200, sandbox);
}

void sd_api_pause(sd_call *call)
{
	sd_sandbox *sandbox = find_or_404(call);
	if (!sandbox)
		return;
	if (call->request->body && call->request->body_len) {
		cJSON *body = sd_call_body_object(call, false);
		if (!body)
			return;
		cJSON_Delete(body);
	}
	if (sandbox->paused) {
		sd_response_error(call->response, 409, "sandbox '%s' is already paused",
		                  sandbox->id);
		return;
	}
	sandbox->paused = true;
	sandbox->paused_left_ms =
	    sandbox->end_at > call->now ? sandbox->end_at - call->now : 0;
	sd_sandbox_add_event(sandbox, call->now, "paused", "pause requested");
	sd_store_changed(&call->service->store, sandbox);
	sd_response_empty(call->response, 204);
}

void sd_api_timeout(sd_call *call)
{
	long timeout_s;
	sd_sandbox *sandbox = find_or_404(call);

	if (!sandbox || required_timeout(call, 1, &timeout_s))
		return;
	if (sandbox->paused) {
		sd_response_error(call->response, 409,
		                  "sandbox '%s' is paused; connect to resume it first",
		                  sandbox->id);
		return;
	}
	char detail[64];
	sandbox->end_at = call->now + (int64_t)timeout_s * 1000;
	snprintf(detail, sizeof(detail), "ttl %lds", timeout_s);
	sd_sandbox_add_event(sandbox, call->now, "timeout_set", detail);
	sd_store_changed(&call->service->store, sandbox);
	sd_response_empty(call->response, 204);
}

/* The optional {"duration": N}, 0..3600; -1 with a 400 set. */
static int refresh_duration(sd_call *call, long *out)
{
	*out = SD_REFRESH_DEFAULT_S;
	if (!call->request->body || !call->request->body_len)
		return 0;
	cJSON *body = sd_call_body_object(call, false);
	if (!body)
		return -1;
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(body, "duration");
	int rc = 0;
	if (item && !cJSON_IsNull(item)) {
		if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble) ||
		    floor(item->valuedouble) != item->valuedouble ||
		    item->valuedouble < 0 || item->valuedouble > SD_REFRESH_MAX_S) {
			sd_response_error(
			    call->response, 400,
			    "duration: must be an integer number of seconds from 0 to %d",
			    SD_REFRESH_MAX_S);
			rc = -1;
		} else {
			*out = (long)item->valuedouble;
		}
	}
	cJSON_Delete(body);
	return rc;
}

void sd_api_refresh(sd_call *call)
{
	long duration;
	sd_sandbox *sandbox = find_or_404(call);

	if (!sandbox || refresh_duration(call, &duration))
		return;
	char detail[64];
	if (sandbox->paused)
		sandbox->paused_left_ms += (int64_t)duration * 1000;
	else
		sandbox->end_at += (int64_t)duration * 1000;
	snprintf(detail, sizeof(detail), "extended by %lds", duration);
	sd_sandbox_add_event(sandbox, call->now, "refreshed", detail);
	sd_store_changed(&call->service->store, sandbox);
	sd_response_empty(call->response, 204);
}
