/*
 * sc-sandboxd as a whole, apart from HTTP transport: the store, the
 * settings, the keys, and the pipeline every request goes through
 * (framing, auth, 405/404, rate limit, faults, latency, stats, then the
 * handler), and GET /_admin/health.
 *
 * Locking: store.lock guards the store; control guards settings, rng,
 * limiter and stats. Never take store.lock while holding control.
 *
 * Ownership: the service owns its keys (copies) and its store;
 * sd_service_release() frees them.
 */
#ifndef SD_SERVICE_H
#define SD_SERVICE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "common/diag.h"
#include "sandboxd/private/faults.h"
#include "sandboxd/private/http.h"
#include "sandboxd/private/limiter.h"
#include "sandboxd/private/rolling.h"
#include "sandboxd/private/route.h"
#include "sandboxd/private/settings.h"
#include "sandboxd/private/stats.h"
#include "sandboxd/private/store.h"

typedef struct sd_service {
	sd_store store;
	pthread_mutex_t control;
	sd_settings settings;
	sd_rng rng;
	sd_limiter limiter;
	sd_stats stats;
	sd_rolling rolling; /* guarded by store.lock */
	char **keys;
	size_t key_count;
	bool no_auth;
	atomic_ullong request_seq;
	char request_prefix[13];
} sd_service;

/*
 * keys: NULL-terminated (copied); data_path NULL keeps state in memory.
 * recover: start from a damaged journal with what checks out (a warning
 * in diag says what was lost).
 */
int sd_service_open(sd_service *service, const sd_settings *settings,
                    const char *const *keys, bool no_auth, const char *data_path,
                    bool recover, sc_diag *diag);
/* sd_service_open without recover. */
int sd_service_init(sd_service *service, const sd_settings *settings,
                    const char *const *keys, bool no_auth, const char *data_path,
                    sc_diag *diag);
void sd_service_release(sd_service *service);

/*
 * Answers one request into response (initialised by the caller). A delay
 * (latency, slow faults, waitReady) is not slept here: it is left in
 * response->delay_ms for the server to hold the response.
 */
void sd_service_handle(sd_service *service, const sd_request *request,
                       sd_response *response);


/* The API handlers (api_*.c); the store is locked by the caller. */
typedef struct sd_call {
	sd_service *service;
	const sd_request *request;
	const sd_route *route;
	sd_response *response;
	sd_settings settings; /* a snapshot taken at the start */
	int64_t now;          /* the server clock */
	int64_t mono_now;
	int wait_ms; /* delay the response this long (waitReady, slow) */
} sd_call;

void sd_api_create(sd_call *call);
void sd_api_list(sd_call *call);
void sd_api_get(sd_call *call);
void sd_api_delete(sd_call *call);
void sd_api_connect(sd_call *call);
void sd_api_pause(sd_call *call);
void sd_api_refresh(sd_call *call);
void sd_api_timeout(sd_call *call);
void sd_api_logs(sd_call *call);
void sd_api_metrics(sd_call *call);
void sd_api_metrics_batch(sd_call *call);
/* What the SDKs call beyond the page (api_heartbeat.c, api_pool.c, api_templates.c). */
void sd_api_heartbeat(sd_call *call);
void sd_api_template_alias(sd_call *call);
void sd_api_pool_status(sd_call *call);
void sd_api_rolling(sd_call *call);

/* The admin handlers (admin.c); they take the locks they need. */
void sd_admin_handle(sd_call *call);
/* POST /_admin/seed (seed.c). */
void sd_admin_seed(sd_call *call);

/* Parses the body as a JSON object; on error sets a 400 and returns NULL. */
cJSON *sd_call_body_object(sd_call *call, bool required);

#endif
