/*
 * A response (a list page above all) parsed into a cJSON tree whose
 * nodes and strings all live in one pool: a few large blocks per page
 * instead of a malloc and a free for every value, key and string. The tree is read with cJSON's own
 * functions (cJSON_GetObjectItemCaseSensitive, cJSON_ArrayForEach...)
 * and is never given to cJSON_Delete.
 *
 * It reads what cJSON_ParseWithLength reads, with one difference: a NUL
 * inside a string (a raw 0 byte, or an escape \u0000 or a \u escape whose
 * digits are not hex, which cJSON reads as 0) becomes U+0001, so that a
 * string is never cut short ("s1\u0000evil" reads as "s1\x01evil": whole,
 * and holding a control character, never taken for a label or an id).
 *
 * Ownership: the pool owns the tree; sc_api_page_json_release() frees it.
 */
#ifndef SC_API_PAGE_JSON_H
#define SC_API_PAGE_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct sc_api_page_json {
	struct page_json_block *blocks;
} sc_api_page_json;

#define SC_API_PAGE_JSON_INIT {NULL}

/* The root of len bytes of text, or NULL when they are not JSON. */
const cJSON *sc_api_page_json_parse(sc_api_page_json *pool, const char *text, size_t len);
void sc_api_page_json_release(sc_api_page_json *pool);

#endif
