/*
 * Inside the API client: the structs that client.c, transfer.c and list.c
 * share. Not for use outside src/api/.
 */
#ifndef SC_API_CLIENT_IMPL_H
#define SC_API_CLIENT_IMPL_H

#include <curl/curl.h>

#include "api/client.h"
#include "common/scrub.h"

struct sc_api_client {
	CURLM *multi;
	CURLSH *share;    /* TLS sessions, shared by every transfer (resumption) */
	char *base_url;   /* trimmed */
	char *key_header; /* "X-API-Key: ..." SECRET */
	sc_scrub scrub;   /* the API key in every form a server may echo it in */
	bool insecure;
	char *ca_file; /* CA certificates to verify the server with; NULL: the system's */
	long request_timeout_ms;
	long connect_timeout_ms;
	sc_filter_style filter_style;
	sc_api_trace_fn trace;
	void *trace_ctx;
	unsigned list_attempts;
	long list_backoff_ms;
	long list_timeout_ms;
	size_t max_list_items;
	bool (*should_stop)(void *ctx);
	void *stop_ctx;
	size_t running;
	size_t connections; /* opened so far (CURLINFO_NUM_CONNECTS summed) */
	sc_api_transfer **done; /* finished, not yet taken; oldest first */
	size_t done_count;
	size_t done_alloc;
};

struct sc_api_transfer {
	sc_api_client *client;
	CURL *easy;
	struct curl_slist *headers;
	char *method;
	char *url;
	char *body; /* may hold secrets: wiped on free */
	void *user;
	bool no_resend;      /* the body is read (on_read) and never rewound once sent */
	size_t body_len;     /* no_resend: strlen(body) */
	size_t body_sent;    /* no_resend: bytes libcurl has read of it */
	bool resend_refused; /* libcurl asked to send the body again and was refused */
	bool running;
	bool queued; /* in client->done */
	bool finished;
	bool sync;          /* run by sc_api_transfer_run: not queued */
	int64_t started_ms; /* monotonic */
	char error_buffer[CURL_ERROR_SIZE];
	sc_api_response response;
};

/* Called by the client when libcurl reports the transfer done. */
void sc_api_transfer_finish(sc_api_transfer *transfer, CURLcode code);

/*
 * One round of perform and poll. It waits only while there is nothing to
 * report: watch unfinished, or (watch NULL) no finished transfer queued.
 */
int sc_api_client_drive(sc_api_client *client, long timeout_ms,
                        const sc_api_transfer *watch, sc_diag *diag);

/* Waits ms while driving whatever else runs (finished ones get queued). */
/* Waits ms, driving transfers in flight; returns early when a stop is asked. */
void sc_api_client_sleep(sc_api_client *client, long ms);
/* Whether the caller asked the client to stop (config.should_stop). */
bool sc_api_client_stopping(const sc_api_client *client);

/* Takes transfer off the finished queue, if it is there. */
void sc_api_client_unqueue(sc_api_client *client, sc_api_transfer *transfer);

#endif
