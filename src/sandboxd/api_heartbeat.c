/*
 * POST /sandboxes/:id/heartbeat: the workload inside a sandbox reports
 * starting, healthy or error. Kept on the sandbox as lastHeartbeat (and
 * journalled); a changed status is a timeline event. A paused sandbox
 * runs nothing that could send one: 409.
 */
#include "sandboxd/service.h"
#include "sandboxd/private/wrapped.h"

/* The status of the body; SD_HEARTBEAT_NONE with a 400 set. */
static sd_heartbeat body_status(sd_call *call)
{
	cJSON *body = sd_call_body_object(call, true);
	sd_heartbeat status = SD_HEARTBEAT_NONE;

	if (!body)
		return SD_HEARTBEAT_NONE;
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(body, "status");
	if (!item)
		sd_response_error(call->response, 400,
		                  "status: required (starting, healthy or error)");
	else if (!cJSON_IsString(item))
		sd_response_error(call->response, 400,
		                  "status: must be a string: starting, healthy or error");
	else if ((status = sd_heartbeat_from_name(item->valuestring)) ==
	         SD_HEARTBEAT_NONE)
		sd_response_error(
		    call->response, 400,
		    "status: must be starting, healthy or error, got '%.64s'",
		    item->valuestring);
	cJSON_Delete(body);
	return status;
}

void sd_api_heartbeat(sd_call *call)
{
	sd_store *store = &call->service->store;
	sd_sandbox *sandbox = sd_store_find(store, call->route->id);

	if (!sandbox) {
		sd_response_error(call->response, 404, "sandbox '%s' not found",
		                  call->route->id);
		return;
	}
	sd_heartbeat status = body_status(call);
	if (status == SD_HEARTBEAT_NONE)
		return;
	if (sandbox->paused) {
		sd_response_error(
		    call->response, 409,
		    "sandbox '%s' is paused: a paused sandbox sends no heartbeats",
		    sandbox->id);
		return;
	}
	sd_sandbox_heartbeat(sandbox, status, call->now);
	sd_store_changed(store, sandbox);
	sd_wrapped_begin(call->response);
	sc_buf_printf(&call->response->body, "{\"received\":true,\"status\":\"%s\"}",
	              sd_heartbeat_name(status));
	sd_wrapped_end(call->response);
}
