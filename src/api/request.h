/*
 * Requests as the SeaCloud API wants them: URLs with escaped ids and
 * filters, and JSON bodies. Pure functions, no I/O.
 *
 * Ownership: every char * returned is malloc'd and the caller frees it.
 * A create body holds envVars values (SECRET): free it with
 * sc_api_secret_free(), never log it.
 */
#ifndef SC_API_REQUEST_H
#define SC_API_REQUEST_H

#include <stddef.h>

#include "common/buf.h"
#include "common/kv.h"
#include "spec/spec.h"

/* How a list request encodes its metadata filter. */
typedef enum {
	SC_FILTER_PAGE, /* metadata[k]=v (the service page's) */
	SC_FILTER_E2B,  /* metadata=<urlencoded k=v&...> (the SDKs') */
} sc_filter_style;

/* Appends text percent-encoded: everything but A-Z a-z 0-9 - . _ ~ escaped. */
void sc_api_escape(sc_buf *out, const char *text);

/* The base URL without trailing slashes, malloc'd. */
char *sc_api_base_trim(const char *base_url);

/*
 * base + "/sandboxes/" + escaped id + suffix (suffix "" or "/connect",
 * "/pause", "/timeout"...). id NULL gives base + "/sandboxes".
 */
char *sc_api_sandbox_url(const char *base, const char *id, const char *suffix);

/*
 * base + "/sandboxes?" + the filter in style + "&limit=N" and, when
 * next_token is not NULL, "&nextToken=...". filter may be NULL or empty.
 */
char *sc_api_list_url(const char *base, const sc_kv *filter, sc_filter_style style,
                      unsigned limit, const char *next_token);

/*
 * The NewSandbox body for spec with metadata (the spec's labels plus the
 * sc-apply/ labels, as the caller assembled them). Holds SECRET values.
 */
char *sc_api_create_body(const sc_spec *spec, const sc_kv *metadata);

/* {"timeout":N}: the body of /connect and /timeout. */
char *sc_api_timeout_body(unsigned timeout);

/* Overwrites a string that held secrets, then frees it. NULL: no-op. */
void sc_api_secret_free(char *text);

#endif
