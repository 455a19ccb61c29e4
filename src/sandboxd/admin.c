/* The /_admin routes: the server clock, request stats, run-time settings. */
#include <math.h>
#include <string.h>

#include "common/mem.h"
#include "sandboxd/private/json.h"
#include "sandboxd/service.h"

static void write_clock(sc_buf *out, const sd_store *store)
{
	int64_t now = sd_store_now(store);
	sc_buf_puts(out, "{\"now\":");
	sd_json_time(out, now);
	sc_buf_printf(out, ",\"nowUnixMs\":%lld,\"offsetMs\":%lld}", (long long)now,
	              (long long)store->clock_offset_ms);
}

static void admin_clock(sd_call *call)
{
	sd_store *store = &call->service->store;

	if (!strcmp(call->request->method, "POST")) {
		cJSON *body = sd_call_body_object(call, true);
		if (!body)
			return;
		const cJSON *advance = cJSON_GetObjectItemCaseSensitive(body, "advance");
		if (!cJSON_IsNumber(advance) || !isfinite(advance->valuedouble) ||
		    advance->valuedouble < 0 || advance->valuedouble > 1e9) {
			sd_response_error(call->response, 400,
			                  "advance: must be a number of seconds >= 0");
			cJSON_Delete(body);
			return;
		}
		sd_store_lock(store);
		sd_store_advance_clock(store,
		                       (int64_t)llround(advance->valuedouble * 1000));
		sd_store_unlock(store);
		cJSON_Delete(body);
	}
	call->response->status = 200;
	sc_buf_reset(&call->response->body);
	write_clock(&call->response->body, store);
}

static void admin_stats(sd_call *call, bool reset)
{
	sd_service *service = call->service;
	pthread_mutex_lock(&service->control);
	if (reset)
		sd_stats_reset(&service->stats);
	else
		sd_stats_write_json(&call->response->body, &service->stats);
	pthread_mutex_unlock(&service->control);
	if (reset)
		sd_response_empty(call->response, 204);
	else
		call->response->status = 200;
}

static void admin_config(sd_call *call)
{
	sd_service *service = call->service;
	cJSON *body = NULL;
	sc_diag diag = SC_DIAG_INIT;

	if (!strcmp(call->request->method, "POST")) {
		body = sd_call_body_object(call, true);
		if (!body)
			return;
	}
	pthread_mutex_lock(&service->control);
	uint64_t seed = service->settings.seed;
	int rc = body ? sd_settings_apply_json(&service->settings, body, &diag) : 0;
	if (rc == 0 && service->settings.seed != seed)
		sd_rng_seed(&service->rng, service->settings.seed);
	if (rc == 0)
		sd_settings_write_json(&call->response->body, &service->settings);
	pthread_mutex_unlock(&service->control);
	if (rc)
		sd_response_error(call->response, 400, "%s", diag.entries[0].message);
	else
		call->response->status = 200;
	sc_diag_release(&diag);
	cJSON_Delete(body);
}

void sd_admin_handle(sd_call *call)
{
	switch (call->route->kind) {
	case SD_ROUTE_ADMIN_CLOCK:
		admin_clock(call);
		break;
	case SD_ROUTE_ADMIN_STATS:
		admin_stats(call, false);
		break;
	case SD_ROUTE_ADMIN_STATS_RESET:
		admin_stats(call, true);
		break;
	case SD_ROUTE_ADMIN_CONFIG:
		admin_config(call);
		break;
	case SD_ROUTE_ADMIN_SEED:
		sd_admin_seed(call);
		break;
	default:
		sd_response_error(call->response, 404, "no such admin route");
		break;
	}
}
