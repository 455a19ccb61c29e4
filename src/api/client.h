/*
 * The SeaCloud API client: configuration, one shared libcurl multi handle
 * (keep-alive, connection reuse), and the list call. Requests are built in
 * request.h, decoded in decode.h, run in transfer.h.
 *
 * Ownership: an sc_api_client owns its multi handle and a copy of the
 * configuration's strings (the API key among them, a SECRET: sent as
 * X-API-Key, never logged, never in a message). The caller frees it with
 * sc_api_client_free() after freeing every transfer it made.
 */
#ifndef SC_API_CLIENT_H
#define SC_API_CLIENT_H

#include <stdbool.h>

#include "api/request.h"
#include "api/sandbox.h"
#include "api/transfer.h"
#include "common/diag.h"
#include "common/kv.h"

/* -v: one line per request and response; never a secret, never a body. */
typedef void (*sc_api_trace_fn)(void *ctx, const char *line);

/*
 * How many sandboxes one list may hold unless configured otherwise: a
 * server paging without end (fresh tokens, huge pages) stops the list
 * with an error instead of exhausting memory. A fleet of this many is far
 * beyond one set; raise it with max_list_items.
 */
#define SC_API_MAX_LIST_ITEMS_DEFAULT 100000

typedef struct sc_api_config {
	const char *base_url; /* e.g. http://127.0.0.1:8080/api/v1/sandbox; trailing '/'
	                         tolerated */
	const char
	    *api_key;  /* SECRET: sent as X-API-Key, never logged or put in a message */
	bool insecure; /* turn TLS verification off (default on) */
	const char *ca_file; /* PEM CA certificates to verify the server with; NULL: the
	                        system's store */
	long request_timeout_ms; /* per request; 0: 30000 */
	long connect_timeout_ms; /* 0: 10000 */
	sc_filter_style filter_style;
	sc_api_trace_fn trace;
	void *trace_ctx;
	unsigned list_attempts; /* per list page, retries included; 0: 8 */
	long list_backoff_ms;   /* first list retry wait, doubling; 0: 200 */
	long list_timeout_ms;  /* bound on one sc_api_list, retries and waits included; 0:
	                          120000 */
	size_t max_list_items; /* most sandboxes one sc_api_list may hold; 0:
	                          SC_API_MAX_LIST_ITEMS_DEFAULT */
	bool (*should_stop)(void *ctx); /* asked between list attempts and during waits */
	void *stop_ctx;
} sc_api_config;

int sc_api_client_new(sc_api_client **out, const sc_api_config *config, sc_diag *diag);
void sc_api_client_free(sc_api_client *client);

/*
 * The most requests the caller keeps in flight at once (0: 16): the
 * client keeps as many connections open for reuse, and opens no more
 * (HTTP/1.1; over HTTP/2 requests share one connection).
 */
void sc_api_client_set_parallel(sc_api_client *client, unsigned parallel);
/* How many connections the client has opened so far (each reuse saves one). */
size_t sc_api_client_connections(const sc_api_client *client);

/* The base URL without a trailing '/' (borrowed). */
const char *sc_api_client_base(const sc_api_client *client);
sc_filter_style sc_api_client_filter_style(const sc_api_client *client);

/*
 * Every sandbox carrying all labels of filter, all pages (limit 100, the
 * X-Next-Token header or a wrapped body's nextToken), appended to out;
 * out->server_now from the Date header. The filter is sent, not trusted:
 * the caller re-checks labels. Retries a page on 408, 429, 5xx and
 * transport errors. Fails, holding nothing more, when the server lists
 * more than the client's max_list_items, sends a token longer than 4096
 * bytes, or sends any token it sent before (a cycle). Sandboxes whose id
 * is not plain are skipped with a warning (sc_api_decode_page). On error
 * out keeps what it held before.
 */
int sc_api_list(sc_api_client *client, const sc_kv *filter, sc_sandbox_list *out,
                sc_diag *diag);

/*
 * The same for several filters at once: up to 8 lists run in parallel on
 * the client's multi handle (each list's pages still one after the
 * other), each with its own retries, time limit, token checks and
 * max_list_items. When every list succeeds, their sandboxes are appended
 * to out in filter order and out->server_now is the earliest Date of
 * them; else out keeps what it held and -1 is returned. failed (count
 * flags, or NULL) says which lists failed. What each list says goes to
 * diag in filter order.
 */
int sc_api_list_many(sc_api_client *client, const sc_kv *const *filters, size_t count,
                     sc_sandbox_list *out, bool *failed, sc_diag *diag);

/*
 * text (malloc'd) with the client's API key replaced by "***" in every
 * form a server may echo it in (common/scrub.h); for messages built from
 * what a server said after decoding (a JSON \u escape hides the key from
 * the scrub of the raw response). Returns the result (malloc'd).
 */
char *sc_api_client_scrub(const sc_api_client *client, char *text);

/* Whether sandbox carries every pair of filter (the client-side re-check). */
bool sc_api_labels_match(const sc_sandbox *sandbox, const sc_kv *filter);

#endif
