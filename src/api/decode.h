/*
 * Responses as C structs: tolerant decoding of the service's JSON.
 * Unknown fields are ignored; known fields of the wrong type, truncated or
 * invalid JSON are errors (in diag), never a crash. Pure functions.
 *
 * Ownership: what a decoder appends to its out parameter is owned by it
 * (an sc_sandbox_list or sc_sandbox); strings returned through char **
 * are malloc'd for the caller.
 */
#ifndef SC_API_DECODE_H
#define SC_API_DECODE_H

#include <stddef.h>

#include "api/sandbox.h"
#include "common/diag.h"

/*
 * One sandbox object (a create, connect or detail response) into out,
 * which must be zeroed or released. On error out is left released.
 * Strings shown to a user (status, templateID) are made printable
 * (common/text.h). The id must be plain (sc_api_id_plain), else it is an
 * error. A label is kept only when its key and value are whole, printable
 * text (a NUL, a control or bidi character, bytes that are not UTF-8, or
 * a key sent twice with different values leave it out): ownership is read
 * from the labels, and such a label is never anyone's.
 */
int sc_api_decode_sandbox(sc_sandbox *out, const char *text, size_t len, sc_diag *diag);

/*
 * A list page: a JSON array of sandboxes, or an object wrapping one as
 * "sandboxes" or "items" with an optional "nextToken". Appends to out;
 * *next_token gets the body's token (malloc'd) or NULL. On error nothing
 * is appended.
 */
int sc_api_decode_list(sc_sandbox_list *out, char **next_token, const char *text,
                       size_t len, sc_diag *diag);

/*
 * The same, for a list that may hold at most max_items more: a page with
 * more items than that is an error before any is decoded, and returns
 * SC_API_PAGE_TOO_LARGE (no retry can help). A listed
 * sandbox whose id is not plain (sc_api_id_plain) is skipped, and labels
 * that are not whole are left out (sc_api_decode_sandbox); each with a
 * warning in diag (the first few one by one, then a count).
 */
#define SC_API_PAGE_TOO_LARGE (-2)
int sc_api_decode_page(sc_sandbox_list *out, char **next_token, const char *text,
                       size_t len, size_t max_items, sc_diag *diag);

/*
 * One short line for an error response: "HTTP 400: <message>" from
 * {"code","message"}, {"error":{"code","details"},"request_id"},
 * {"error":"..."}, or the start of a non-JSON body. malloc'd.
 */
char *sc_api_error_message(long status, const char *text, size_t len);

#endif
