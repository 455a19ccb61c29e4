/*
 * The gateway's /admin routes the SDKs call: the warm pool's status and
 * its rolling update (modelled in rolling.c), answered in the wrapper.
 */
#include <string.h>

#include "sandboxd/private/rolling.h"
#include "sandboxd/service.h"
#include "sandboxd/private/template.h"
#include "sandboxd/private/wrapped.h"

/*
 * The pool as counts: the modelled warm sandboxes, and the live ones by
 * status (running: active, starting: creating, paused: stopped). A
 * deleted sandbox is removed at once and not remembered, so deleting and
 * deleted are 0. utilization: the share of the pool in use (active / total).
 */
void sd_api_pool_status(sd_call *call)
{
	const sd_store *store = &call->service->store;
	long active = 0, creating = 0, stopped = 0;

	for (size_t i = 0; i < store->count; i++) {
		const char *status = sd_sandbox_status(store->order[i], call->mono_now);
		if (!strcmp(status, "paused"))
			stopped++;
		else if (!strcmp(status, "starting"))
			creating++;
		else
			active++;
	}
	long total = SD_POOL_WARM + active + creating + stopped;
	sd_wrapped_begin(call->response);
	sc_buf_printf(
	    &call->response->body,
	    "{\"total\":%ld,\"warm\":%d,\"active\":%ld,\"creating\":%ld,"
	    "\"stopped\":%ld,\"deleting\":0,\"deleted\":0,\"utilization\":%.4f}",
	    total, SD_POOL_WARM, active, creating, stopped,
	    (double)active / (double)total);
	sd_wrapped_end(call->response);
}

/* The template of {"templateId":"…"} (an alias or an id); NULL with an error set. */
static const sd_template *start_template(sd_call *call)
{
	cJSON *body = sd_call_body_object(call, true);
	const sd_template *tpl = NULL;

	if (!body)
		return NULL;
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(body, "templateId");
	if (!cJSON_IsString(item) || !*item->valuestring)
		sd_response_error(call->response, 400,
		                  "templateId: required (a template alias or id)");
	else if (!(tpl = sd_template_find(item->valuestring)))
		sd_response_error(call->response, 404, "template '%.128s' not found",
		                  item->valuestring);
	cJSON_Delete(body);
	return tpl;
}

static void reply_rolling(sd_call *call)
{
	sd_wrapped_begin(call->response);
	sd_rolling_write_json(&call->response->body, &call->service->rolling, call->now);
	sd_wrapped_end(call->response);
}

void sd_api_rolling(sd_call *call)
{
	sd_rolling *rolling = &call->service->rolling;
	const sd_template *tpl;

	switch (call->route->kind) {
	case SD_ROUTE_ROLLING_START:
		if (!(tpl = start_template(call)))
			return;
		if (sd_rolling_start(rolling, tpl->id, call->now)) {
			sd_response_error(call->response, 409,
			                  "a rolling update to '%s' is already running",
			                  rolling->template_id);
			return;
		}
		break;
	case SD_ROUTE_ROLLING_CANCEL:
		if (sd_rolling_cancel(rolling, call->now)) {
			sd_response_error(call->response, 409,
			                  "no rolling update is running (phase '%s')",
			                  sd_rolling_phase_name(
			                      sd_rolling_phase_at(rolling, call->now)));
			return;
		}
		break;
	default:
		break;
	}
	reply_rolling(call);
}
