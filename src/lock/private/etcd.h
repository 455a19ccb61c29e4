/*
 * The etcd backend's pieces, private to the lock part: what an
 * "etcd://HOST:PORT[,HOST:PORT...]/KEY[?ttl=SECONDS]" names, and a small
 * client of etcd's v3 JSON gateway (grpc-gateway: POST /v3/..., keys and
 * values base64, 64-bit numbers as strings) on a libcurl easy handle.
 *
 * Ownership: a target owns its strings (sc_etcd_target_release). A client
 * borrows its target and owns its easy handle; one client is used by one
 * thread at a time (the keep-alive thread has its own).
 */
#ifndef SC_LOCK_ETCD_H
#define SC_LOCK_ETCD_H

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/diag.h"

/* The lease's TTL when the URL names none, and the range a URL may ask for. */
#define SC_ETCD_TTL_DEFAULT_S 10
#define SC_ETCD_TTL_MIN_S     2
#define SC_ETCD_TTL_MAX_S     300

typedef struct sc_etcd_target {
	char **endpoints; /* "http://HOST:PORT", in the URL's order */
	size_t count;
	char *key;     /* the lock key, as given (printable ASCII) */
	int64_t ttl_s; /* the lease's TTL asked for */
} sc_etcd_target;

/* Parses where; errors name it. */
int sc_etcd_target_parse(sc_etcd_target *out, const char *where, sc_diag *diag);
void sc_etcd_target_release(sc_etcd_target *target);

typedef struct sc_etcd_client {
	const sc_etcd_target *target;
	CURL *easy;
	size_t current;  /* the endpoint that answered last: tried first */
	long timeout_ms; /* per request, per endpoint */
} sc_etcd_client;

int sc_etcd_client_init(sc_etcd_client *client, const sc_etcd_target *target,
                        long timeout_ms, sc_diag *diag);
void sc_etcd_client_release(sc_etcd_client *client);

/*
 * POSTs the JSON body to path ("/v3/kv/txn") on the endpoint that answered
 * last, then on each other in turn while one cannot be reached or answers
 * 5xx; *out is the parsed answer of the first that answers 200 (the
 * caller frees it). An error says what the last endpoint said, printable.
 */
int sc_etcd_call(sc_etcd_client *client, const char *path, const char *body, cJSON **out,
                 sc_diag *diag);

/* Base64 of len bytes, malloc'd. */
char *sc_etcd_base64(const char *data, size_t len);
/* Decodes base64 text into a malloc'd NUL-terminated buffer; NULL when malformed. */
char *sc_etcd_unbase64(const char *text, size_t *len);
/* A number the gateway sends as a string ("123") or a number; 0 when absent. */
int64_t sc_etcd_int(const cJSON *object, const char *name);

#endif
