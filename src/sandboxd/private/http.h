/*
 * A request and a response as the handlers see them, apart from
 * libmicrohttpd: the server layer (server.c) fills an sd_request and sends
 * back what an sd_response holds.
 *
 * Ownership: an sd_request borrows everything it points to (from the
 * connection, valid for the request). An sd_response owns its body and
 * strings; sd_response_release() frees them.
 */
#ifndef SD_HTTP_H
#define SD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define SD_BODY_LIMIT (1024 * 1024)

typedef struct sd_param {
	const char *key;
	const char *value; /* "" when the argument had no '=' */
} sd_param;

typedef struct sd_request {
	const char *method;
	const char *path;
	const sd_param *query;
	size_t query_count;
	const char *api_key;       /* X-API-Key, or NULL */
	const char *authorization; /* Authorization, or NULL */
	const char *body;          /* NULL when the request had none */
	size_t body_len;
	bool body_too_large;
	const char *malformed; /* why the request cannot be trusted (400), or NULL */
} sd_request;

/* What the server layer does to a response instead of sending it plainly. */
typedef enum {
	SD_SEND_NORMAL,
	SD_SEND_DROP,     /* close the connection without a response */
	SD_SEND_TRUNCATE, /* the status as is, the body cut in half */
} sd_send_mode;

typedef struct sd_response {
	int status;
	sc_buf body;      /* JSON; empty for 204 */
	char *allow;      /* Allow header of a 405 */
	char *next_token; /* X-Next-Token */
	int retry_after;  /* Retry-After seconds; 0: none */
	int delay_ms;     /* hold the response this long before sending it */
	bool log;         /* log this request (logRequests) */
	sd_send_mode mode;
	bool faulted;            /* an injected fault changed this answer (stats) */
	bool close;              /* close the connection after it (Connection: close) */
	char request_id[40];
} sd_response;

void sd_response_init(sd_response *response);
void sd_response_release(sd_response *response);
/* Sets the status and the error body {"code","message","error","request_id"}. */
void sd_response_error(sd_response *response, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets a status with an empty body (204). */
void sd_response_empty(sd_response *response, int status);

/* The first query value for key, or NULL. */
const char *sd_request_param(const sd_request *request, const char *key);

#endif
