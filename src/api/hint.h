/*
 * What to check when the service's answer says the connection settings
 * are wrong: a base URL without the API prefix (404, "no such route"), a
 * URL that serves a web page or something else than the API (a body that
 * is not the JSON asked for), a wrong key (401, 403). Pure functions.
 */
#ifndef SC_API_HINT_H
#define SC_API_HINT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The hint for an answer to a request of the API, as a static string
 * without the "hint: " prefix, or NULL when the answer points at nothing
 * the user can check. status is the HTTP status; body (len bytes, may be
 * NULL) its body, which is only looked at, never quoted: a hint names
 * what was received ("an HTML page"), never the key or the body.
 * expected_json: a 200 answer was to be JSON of the API's shape and was
 * not (the caller could not decode it); a 2xx answer otherwise gets none.
 */
const char *sc_api_hint(long status, const char *body, size_t len, bool expected_json);

#endif
