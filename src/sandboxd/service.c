#include "sandboxd/service.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/mem.h"
#include "common/random.h"
#include "common/timeutil.h"
#include "sandboxd/private/json.h"

int sd_service_init(sd_service *service, const sd_settings *settings,
                    const char *const *keys, bool no_auth, const char *data_path,
                    sc_diag *diag)
{
	return sd_service_open(service, settings, keys, no_auth, data_path, false, diag);
}

int sd_service_open(sd_service *service, const sd_settings *settings,
                    const char *const *keys, bool no_auth, const char *data_path,
                    bool recover, sc_diag *diag)
{
	memset(service, 0, sizeof(*service));
	if (sd_store_open(&service->store, data_path, recover, diag)) {
		sd_store_release(&service->store);
		return -1;
	}
	pthread_mutex_init(&service->control, NULL);
	service->settings = *settings;
	sd_rng_seed(&service->rng, settings->seed);
	for (; keys && *keys; keys++) {
		service->keys =
		    sc_realloc(service->keys, (service->key_count + 1) * sizeof(char *));
		service->keys[service->key_count++] = sc_strdup(*keys);
	}
	service->no_auth = no_auth;
	atomic_init(&service->request_seq, 0);
	sc_random_hex(service->request_prefix, 6);
	return 0;
}

void sd_service_release(sd_service *service)
{
	for (size_t i = 0; i < service->key_count; i++) {
		memset(service->keys[i], 0, strlen(service->keys[i]));
		free(service->keys[i]);
	}
	free(service->keys);
	sd_store_release(&service->store);
	pthread_mutex_destroy(&service->control);
}

/* Compares without stopping at the first difference: no timing hint. */
static bool same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;
	for (size_t i = 0; i < la; i++)
		diff |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return diff == 0;
}

static bool authorized(const sd_service *service, const sd_request *request)
{
	const char *bearer = NULL;
	bool ok = false;

	if (service->no_auth)
		return true;
	if (request->authorization && !strncasecmp(request->authorization, "Bearer ", 7)) {
		bearer = request->authorization + 7;
		while (*bearer == ' ')
			bearer++;
	}
	/* Either header may carry the key (the SDKs send both). */
	for (size_t i = 0; i < service->key_count; i++) {
		ok |= request->api_key && same_secret(request->api_key, service->keys[i]);
		ok |= bearer && same_secret(bearer, service->keys[i]);
	}
	return ok;
}

cJSON *sd_call_body_object(sd_call *call, bool required)
{
	const sd_request *request = call->request;
	bool empty = !request->body || !request->body_len;

	if (empty && !required)
		return cJSON_CreateObject();
	if (empty) {
		sd_response_error(call->response, 400, "body: a JSON object is required");
		return NULL;
	}
	if (!sc_utf8_valid(request->body, request->body_len)) {
		sd_response_error(call->response, 400, "body: not valid UTF-8");
		return NULL;
	}
	/* The whole body must be the one JSON value: nothing may trail it. */
	const char *end = NULL;
	cJSON *body = cJSON_ParseWithLengthOpts(request->body, request->body_len, &end, false);
	while (body && end < request->body + request->body_len &&
	       strchr(" \t\r\n", *end) && *end)
		end++;
	if (body && end != request->body + request->body_len) {
		cJSON_Delete(body);
		body = NULL;
	}
	if (!body) {
		sd_response_error(call->response, 400, "body: malformed JSON");
		return NULL;
	}
	if (!cJSON_IsObject(body)) {
		sd_response_error(call->response, 400, "body: must be a JSON object");
		cJSON_Delete(body);
		return NULL;
	}
	return body;
}

static void dispatch(sd_call *call)
{
	bool get = !strcmp(call->request->method, "GET");
	switch (call->route->kind) {
	case SD_ROUTE_SANDBOXES:
		get ? sd_api_list(call) : sd_api_create(call);
		break;
	case SD_ROUTE_METRICS_BATCH:
		sd_api_metrics_batch(call);
		break;
	case SD_ROUTE_SANDBOX:
		get ? sd_api_get(call) : sd_api_delete(call);
		break;
	case SD_ROUTE_CONNECT:
		sd_api_connect(call);
		break;
	case SD_ROUTE_PAUSE:
		sd_api_pause(call);
		break;
	case SD_ROUTE_REFRESHES:
		sd_api_refresh(call);
		break;
	case SD_ROUTE_TIMEOUT:
		sd_api_timeout(call);
		break;
	case SD_ROUTE_LOGS:
		sd_api_logs(call);
		break;
	case SD_ROUTE_METRICS:
		sd_api_metrics(call);
		break;
	case SD_ROUTE_HEARTBEAT:
		sd_api_heartbeat(call);
		break;
	case SD_ROUTE_TEMPLATE_ALIAS:
		sd_api_template_alias(call);
		break;
	case SD_ROUTE_POOL_STATUS:
		sd_api_pool_status(call);
		break;
	case SD_ROUTE_ROLLING_START:
	case SD_ROUTE_ROLLING_STATUS:
	case SD_ROUTE_ROLLING_CANCEL:
		sd_api_rolling(call);
		break;
	default:
		sd_response_error(call->response, 404, "no such route");
		break;
	}
}

/* The checks before any handler: 401, 404, 413, 405. 0 when the request may go on. */
static int admit(sd_service *service, const sd_request *request, const sd_route *route,
                 sd_response *response)
{
	if (!authorized(service, request)) {
		sd_response_error(response, 401, "missing or invalid API key");
		return -1;
	}
	if (route->kind == SD_ROUTE_NONE) {
		sd_response_error(response, 404, "no such route: %s %.200s",
		                  request->method, request->path);
		return -1;
	}
	if (request->body_too_large) {
		sd_response_error(response, 413, "body: larger than %d bytes",
		                  SD_BODY_LIMIT);
		return -1;
	}
	if (!sd_route_allows(route->kind, request->method)) {
		response->allow = sc_strdup(sd_route_allow(route->kind));
		sd_response_error(response, 405,
		                  "method %s not allowed on %s (allowed: %s)",
		                  request->method, sd_route_template(route->kind),
		                  sd_route_allow(route->kind));
		return -1;
	}
	return 0;
}

/* Rate limit and the fault draw, under the control lock. -1 when answered. */
static int gate(sd_call *call, sd_fault *fault)
{
	sd_service *service = call->service;
	bool is_create = call->route->kind == SD_ROUTE_SANDBOXES &&
	                 !strcmp(call->request->method, "POST");

	pthread_mutex_lock(&service->control);
	call->settings = service->settings;
	int retry =
	    sd_limiter_take(&service->limiter, call->settings.rate_limit, call->mono_now);
	*fault = retry ? (sd_fault){0, 0}
	               : sd_fault_draw(&service->rng, &call->settings, is_create);
	pthread_mutex_unlock(&service->control);
	if (retry) {
		call->response->retry_after = retry;
		sd_response_error(call->response, 429,
		                  "rate limit exceeded: retry in %d s", retry);
		return -1;
	}
	call->response->faulted = fault->kind == SD_FAULT_5XX || fault->kind == SD_FAULT_429 ||
	                          fault->kind == SD_FAULT_DROP || fault->kind == SD_FAULT_SLOW;
	switch (fault->kind) {
	case SD_FAULT_5XX:
		sd_response_error(call->response, fault->status, "injected fault");
		return -1;
	case SD_FAULT_429:
		call->response->retry_after = 1;
		sd_response_error(call->response, 429,
		                  "injected fault: too many requests");
		return -1;
	case SD_FAULT_DROP:
		call->response->mode = SD_SEND_DROP;
		return -1;
	case SD_FAULT_SLOW:
		call->wait_ms += call->settings.slow_ms;
		return 0;
	default:
		return 0;
	}
}

/*
 * A body of the same shape whose fields have the wrong JSON types: what a
 * broken gateway or a changed API sends. Only successful JSON answers.
 */
static void wrong_types(sd_response *response)
{
	const char *body = sc_buf_cstr(&response->body);

	if (response->status >= 300 || !*body)
		return;
	response->faulted = true;
	sc_buf_reset(&response->body);
	sc_buf_puts(&response->body,
	            body[0] == '['
	                ? "[{\"sandboxID\":7,\"state\":true,\"metadata\":[\"x\"],\"endAt\":12}]"
	                : "{\"sandboxID\":7,\"state\":true,\"metadata\":\"x\",\"endAt\":12}");
}

/* Faults that act after the request was performed. */
static void after(sd_call *call, const sd_fault *fault)
{
	if (fault->kind == SD_FAULT_TRUNCATE && call->response->body.len > 1) {
		call->response->mode = SD_SEND_TRUNCATE;
		call->response->faulted = true;
	}
	if (fault->kind == SD_FAULT_WRONG_TYPES)
		wrong_types(call->response);
	if (fault->kind == SD_FAULT_LOST_CREATE) {
		call->response->faulted = true;
		if (fault->status)
			sd_response_error(call->response, fault->status,
			                  "injected fault");
		else
			call->response->mode = SD_SEND_DROP;
	}
}

static void run_api(sd_call *call)
{
	sd_fault fault;
	sd_store *store = &call->service->store;

	if (gate(call, &fault) == 0) {
		sd_store_lock(store);
		call->now = sd_store_now(store);
		sd_store_expire(store, call->now);
		if (strcmp(call->request->method, "GET"))
			sd_store_begin_write(store);
		dispatch(call);
		sd_store_unlock(store);
		after(call, &fault);
	}
	call->response->delay_ms = call->wait_ms + call->settings.latency_ms;
}

/* A change the journal refused was undone: say so, and that the server is unhealthy. */
static void refuse_unjournaled(sd_response *response, int err)
{
	response->mode = SD_SEND_NORMAL;
	response->retry_after = 0;
	sd_response_error(response, 503,
	                  "the journal cannot be written (%s): nothing was changed; the "
	                  "server is unhealthy (see GET /_admin/health)",
	                  strerror(err));
}

/* GET /_admin/health, at the root or after either API prefix. */
static bool is_health(const char *path)
{
	if (!strncmp(path, "/api/v1/sandbox/", 16))
		path += 15;
	else if (!strncmp(path, "/api/v1/", 8))
		path += 7;
	return !strcmp(path, "/_admin/health");
}

/*
 * 200 while the journal takes writes, 503 with the reason while it does
 * not. No key needed: a probe learns nothing but that.
 */
static void health(sd_service *service, const sd_request *request, sd_response *response)
{
	if (strcmp(request->method, "GET")) {
		response->allow = sc_strdup("GET");
		sd_response_error(response, 405,
		                  "method %s not allowed on /_admin/health (allowed: GET)",
		                  request->method);
		return;
	}
	int err = sd_store_health(&service->store);
	if (err) {
		sd_response_error(response, 503,
		                  "unhealthy: the journal cannot be written (%s); every "
		                  "change is refused until a write succeeds",
		                  strerror(err));
		return;
	}
	response->status = 200;
	sc_buf_printf(&response->body, "{\"status\":\"ok\",\"journal\":\"%s\"}",
	              service->store.persistent ? "ok" : "none");
}

void sd_service_handle(sd_service *service, const sd_request *original,
                       sd_response *response)
{
	sd_route route;
	sd_call call;
	/* HEAD is GET without the body (the server layer sends none): one path for both. */
	sd_request head_as_get = *original;
	if (!strcmp(original->method, "HEAD"))
		head_as_get.method = "GET";
	const sd_request *request = &head_as_get;

	snprintf(response->request_id, sizeof(response->request_id), "req_%s%08llx",
	         service->request_prefix,
	         (unsigned long long)atomic_fetch_add(&service->request_seq, 1));
	sd_route_match(&route, request->path);
	memset(&call, 0, sizeof(call));
	call.service = service;
	call.request = request;
	call.route = &route;
	call.response = response;
	call.mono_now = sc_time_monotonic_ms();
	sd_store_take_failure();
	if (request->malformed)
		sd_response_error(response, 400, "%s", request->malformed);
	else if (is_health(request->path))
		health(service, request, response);
	else if (admit(service, request, &route, response) == 0) {
		if (route.admin)
			sd_admin_handle(&call);
		else
			run_api(&call);
	}
	int failed = sd_store_take_failure();
	if (failed)
		refuse_unjournaled(response, failed);
	pthread_mutex_lock(&service->control);
	if (!route.admin)
		sd_stats_count(&service->stats, request->method, route.kind,
		               response->mode == SD_SEND_DROP ? 0 : response->status);
	if (!route.admin && response->faulted)
		sd_stats_fault(&service->stats);
	response->log = service->settings.log_requests;
	pthread_mutex_unlock(&service->control);
}
