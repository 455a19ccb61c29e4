/*
 * One HTTP request in flight on the client's shared libcurl multi handle,
 * in the manner of curl's tool_operate.c: each easy handle carries a
 * pointer (CURLOPT_PRIVATE) to its sc_api_transfer; the client drives them
 * all and queues the finished ones for the caller to take back.
 *
 * Ownership: the caller owns a transfer from sc_api_transfer_new() until
 * sc_api_transfer_free(), including while it runs or waits in the client's
 * finished queue (freeing it there removes it). The response belongs to
 * the transfer. The body given to new is copied and wiped on free, since a
 * create body holds secrets.
 */
#ifndef SC_API_TRANSFER_H
#define SC_API_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/diag.h"

typedef struct sc_api_client sc_api_client;
typedef struct sc_api_transfer sc_api_transfer;

typedef struct sc_api_response {
	long status;           /* HTTP status; 0 when none came */
	bool transport_failed; /* no complete response (connect, reset, timeout...) */
	bool maybe_sent;       /* transport failed after the request went out */
	char *error;           /* owned; the transport error, NULL when none */
	sc_buf body;
	int64_t date_ms;   /* the Date header as Unix ms; 0 when absent */
	char *retry_after; /* owned; the Retry-After header, NULL when absent */
	char *next_token;  /* owned; X-Next-Token, NULL when absent */
	int64_t duration_ms;
	unsigned new_connections; /* connections this request opened (0: reused one) */
} sc_api_response;

/* method "GET", "POST" or "DELETE"; url absolute; body NULL or JSON; user: the caller's.
 */
sc_api_transfer *sc_api_transfer_new(sc_api_client *client, const char *method,
                                     const char *url, const char *body, void *user);
/* Removes it from the client (running or queued) and frees it. NULL: no-op. */
void sc_api_transfer_free(sc_api_transfer *transfer);

/*
 * Never lets libcurl send this request a second time on its own (it does
 * so when a reused connection dies before an answer): for requests that
 * are not idempotent, such as a create. Such a transfer still reuses
 * connections; one that failed after any of its body went out reports
 * maybe_sent, and the caller decides what happened.
 */
void sc_api_transfer_set_no_resend(sc_api_transfer *transfer);

/* Starts it; timeout_ms caps it (0: the client's request timeout). */
int sc_api_transfer_start(sc_api_transfer *transfer, long timeout_ms, sc_diag *diag);

/* Starts it and drives the client until it finishes; others finishing meanwhile stay
 * queued. */
int sc_api_transfer_run(sc_api_transfer *transfer, long timeout_ms, sc_diag *diag);

const sc_api_response *sc_api_transfer_response(const sc_api_transfer *transfer);
void *sc_api_transfer_user(const sc_api_transfer *transfer);

/*
 * Drives every started transfer, waiting at most timeout_ms for activity.
 * Finished transfers go to the queue that sc_api_client_next_done() reads.
 */
int sc_api_client_wait(sc_api_client *client, long timeout_ms, sc_diag *diag);
/* The oldest finished transfer, taken off the queue (the caller still owns it), or NULL.
 */
sc_api_transfer *sc_api_client_next_done(sc_api_client *client);
/* How many transfers are started and not yet finished. */
size_t sc_api_client_running(const sc_api_client *client);

#endif
