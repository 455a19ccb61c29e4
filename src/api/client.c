#include "api/private/client_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/request.h"
#include "common/mem.h"
#include "common/timeutil.h"

#define DEFAULT_REQUEST_TIMEOUT_MS 30000L
#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_LIST_ATTEMPTS      8
#define DEFAULT_LIST_BACKOFF_MS    200L
#define DEFAULT_LIST_TIMEOUT_MS    120000L
#define DEFAULT_PARALLEL           16

static bool header_safe(const char *value)
{
	for (const char *p = value; *p; p++) {
		if (*p == '\r' || *p == '\n')
			return false;
	}
	return true;
}

/* A CA file that cannot be read stops the run here, not as one TLS error per request. */
static bool ca_file_readable(const char *path, sc_diag *diag)
{
	struct stat st;
	FILE *file;

	if (stat(path, &st))
		return !sc_diag_error(diag, NULL, 0, 0, "cannot read CA file '%s': %s", path,
		                      strerror(errno));
	if (!S_ISREG(st.st_mode))
		return !sc_diag_error(diag, NULL, 0, 0,
		                      "cannot read CA file '%s': not a regular file", path);
	file = fopen(path, "r");
	if (!file)
		return !sc_diag_error(diag, NULL, 0, 0, "cannot read CA file '%s': %s", path,
		                      strerror(errno));
	fclose(file);
	return true;
}

int sc_api_client_new(sc_api_client **out, const sc_api_config *config, sc_diag *diag)
{
	sc_api_client *client;

	*out = NULL;
	if (!config->base_url || !config->base_url[0])
		return sc_diag_error(diag, NULL, 0, 0, "api: no base URL");
	if (!config->api_key || !config->api_key[0])
		return sc_diag_error(diag, NULL, 0, 0, "api: no API key");
	if (!header_safe(config->api_key))
		return sc_diag_error(diag, NULL, 0, 0,
		                     "api: the API key holds a line break");
	if (config->ca_file && config->ca_file[0] && !ca_file_readable(config->ca_file, diag))
		return -1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return sc_diag_error(diag, NULL, 0, 0,
		                     "api: libcurl failed to initialise");
	client = sc_calloc(1, sizeof(*client));
	client->multi = curl_multi_init();
	if (!client->multi) {
		free(client);
		curl_global_cleanup();
		return sc_diag_error(diag, NULL, 0, 0,
		                     "api: libcurl failed to initialise");
	}
	/*
	 * Each transfer has an easy handle of its own: TLS sessions live in a
	 * share, so a connection opened later (after the server closed an idle
	 * one, or sent GOAWAY) resumes instead of a full handshake. One thread:
	 * no lock callbacks.
	 */
	client->share = curl_share_init();
	if (client->share)
		curl_share_setopt(client->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	client->base_url = sc_api_base_trim(config->base_url);
	client->key_header = sc_asprintf("X-API-Key: %s", config->api_key);
	sc_scrub_add(&client->scrub, config->api_key);
	client->insecure = config->insecure;
	client->ca_file = config->ca_file && config->ca_file[0] ? sc_strdup(config->ca_file)
	                                                        : NULL;
	client->request_timeout_ms = config->request_timeout_ms > 0
	                                 ? config->request_timeout_ms
	                                 : DEFAULT_REQUEST_TIMEOUT_MS;
	client->connect_timeout_ms = config->connect_timeout_ms > 0
	                                 ? config->connect_timeout_ms
	                                 : DEFAULT_CONNECT_TIMEOUT_MS;
	client->filter_style = config->filter_style;
	client->trace = config->trace;
	client->trace_ctx = config->trace_ctx;
	client->list_attempts =
	    config->list_attempts ? config->list_attempts : DEFAULT_LIST_ATTEMPTS;
	client->list_backoff_ms = config->list_backoff_ms > 0 ? config->list_backoff_ms
	                                                      : DEFAULT_LIST_BACKOFF_MS;
	client->list_timeout_ms = config->list_timeout_ms > 0 ? config->list_timeout_ms
	                                                      : DEFAULT_LIST_TIMEOUT_MS;
	client->max_list_items = config->max_list_items ? config->max_list_items
	                                                : SC_API_MAX_LIST_ITEMS_DEFAULT;
	client->should_stop = config->should_stop;
	client->stop_ctx = config->stop_ctx;
	/* HTTP/2 where the server offers it (ALPN): many requests, one connection. */
	curl_multi_setopt(client->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	sc_api_client_set_parallel(client, DEFAULT_PARALLEL);
	*out = client;
	return 0;
}

void sc_api_client_free(sc_api_client *client)
{
	if (!client)
		return;
	/* Transfers still queued belong to the caller; just forget them. */
	for (size_t i = 0; i < client->done_count; i++)
		client->done[i]->queued = false;
	free(client->done);
	curl_multi_cleanup(client->multi);
	curl_share_cleanup(client->share);
	free(client->base_url);
	free(client->ca_file);
	sc_api_secret_free(client->key_header);
	sc_scrub_release(&client->scrub);
	free(client);
	curl_global_cleanup();
}

const char *sc_api_client_base(const sc_api_client *client)
{
	return client->base_url;
}

sc_filter_style sc_api_client_filter_style(const sc_api_client *client)
{
	return client->filter_style;
}

size_t sc_api_client_running(const sc_api_client *client)
{
	return client->running;
}

void sc_api_client_set_parallel(sc_api_client *client, unsigned parallel)
{
	long n = parallel ? (long)parallel : DEFAULT_PARALLEL;

	/*
	 * One connection per request in flight at most (HTTP/1.1), and room
	 * in the cache to keep every one of them for the next request: a
	 * cache smaller than that closes connections that are about to be
	 * needed again (libcurl's default scales with the handles added at
	 * the moment, which dips between transfers).
	 */
	curl_multi_setopt(client->multi, CURLMOPT_MAX_HOST_CONNECTIONS, n);
	curl_multi_setopt(client->multi, CURLMOPT_MAXCONNECTS, n);
}

size_t sc_api_client_connections(const sc_api_client *client)
{
	return client->connections;
}

/* Collects what libcurl finished: each easy handle leads back to its transfer. */
static void drain_finished(sc_api_client *client)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(client->multi, &left))) {
		sc_api_transfer *transfer = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&transfer);
		if (!transfer)
			continue;
		sc_api_transfer_finish(transfer, msg->data.result);
		if (transfer->sync)
			continue;
		SC_GROW(client->done, client->done_count + 1, client->done_alloc);
		client->done[client->done_count++] = transfer;
		transfer->queued = true;
	}
}

int sc_api_client_drive(sc_api_client *client, long timeout_ms,
                        const sc_api_transfer *watch, sc_diag *diag)
{
	int still_running = 0;
	CURLMcode mc;

	if (timeout_ms < 0)
		timeout_ms = 0;
	if (timeout_ms > 1000000)
		timeout_ms = 1000000;
	mc = curl_multi_perform(client->multi, &still_running);
	if (mc == CURLM_OK) {
		drain_finished(client);
		bool idle = watch ? !watch->finished : !client->done_count;
		if (idle)
			mc = curl_multi_poll(client->multi, NULL, 0, (int)timeout_ms,
			                     NULL);
	}
	if (mc == CURLM_OK) {
		mc = curl_multi_perform(client->multi, &still_running);
		drain_finished(client);
	}
	if (mc != CURLM_OK)
		return sc_diag_error(diag, NULL, 0, 0, "api: libcurl: %s",
		                     curl_multi_strerror(mc));
	return 0;
}

int sc_api_client_wait(sc_api_client *client, long timeout_ms, sc_diag *diag)
{
	return sc_api_client_drive(client, timeout_ms, NULL, diag);
}

bool sc_api_client_stopping(const sc_api_client *client)
{
	return client->should_stop && client->should_stop(client->stop_ctx);
}

/* A stop is noticed within this long while the client sleeps. */
#define SLEEP_SLICE_MS 100

void sc_api_client_sleep(sc_api_client *client, long ms)
{
	int64_t wake = sc_time_monotonic_ms() + ms;
	int64_t now;
	int still_running;

	while ((now = sc_time_monotonic_ms()) < wake && !sc_api_client_stopping(client)) {
		int64_t slice = wake - now < SLEEP_SLICE_MS ? wake - now : SLEEP_SLICE_MS;
		if (curl_multi_poll(client->multi, NULL, 0, (int)slice, NULL) != CURLM_OK)
			break;
		curl_multi_perform(client->multi, &still_running);
		drain_finished(client);
	}
}

sc_api_transfer *sc_api_client_next_done(sc_api_client *client)
{
	sc_api_transfer *transfer;

	if (!client->done_count)
		return NULL;
	transfer = client->done[0];
	memmove(client->done, client->done + 1,
	        (client->done_count - 1) * sizeof(*client->done));
	client->done_count--;
	transfer->queued = false;
	return transfer;
}

void sc_api_client_unqueue(sc_api_client *client, sc_api_transfer *transfer)
{
	for (size_t i = 0; i < client->done_count; i++) {
		if (client->done[i] != transfer)
			continue;
		memmove(client->done + i, client->done + i + 1,
		        (client->done_count - i - 1) * sizeof(*client->done));
		client->done_count--;
		break;
	}
	transfer->queued = false;
}

char *sc_api_client_scrub(const sc_api_client *client, char *text)
{
	return sc_scrub_text(&client->scrub, text);
}

bool sc_api_labels_match(const sc_sandbox *sandbox, const sc_kv *filter)
{
	for (size_t i = 0; filter && i < filter->count; i++) {
		const char *value = sc_kv_get(&sandbox->metadata, filter->pairs[i].key);
		if (!value || strcmp(value, filter->pairs[i].value))
			return false;
	}
	return true;
}
