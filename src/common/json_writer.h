/*
 * A small streaming JSON writer: -o json, the agent's status and saved
 * plans are written with it, so that their shape reads in the code.
 *
 * Ownership: the writer owns its buffer; sc_json_release() frees it.
 */
#ifndef SC_COMMON_JSON_WRITER_H
#define SC_COMMON_JSON_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "common/buf.h"

#define SC_JSON_MAX_DEPTH 32

typedef struct sc_json {
	sc_buf buf;
	int depth;
	bool has_items[SC_JSON_MAX_DEPTH];  /* a comma is due before the next item */
	bool after_key;
} sc_json;

void sc_json_init(sc_json *json);
void sc_json_release(sc_json *json);

void sc_json_object_begin(sc_json *json);
void sc_json_object_end(sc_json *json);
void sc_json_array_begin(sc_json *json);
void sc_json_array_end(sc_json *json);
void sc_json_key(sc_json *json, const char *key);
void sc_json_string(sc_json *json, const char *value);  /* NULL writes null */
void sc_json_int(sc_json *json, int64_t value);
void sc_json_bool(sc_json *json, bool value);
void sc_json_null(sc_json *json);

/* key and value in one call. */
void sc_json_field_string(sc_json *json, const char *key, const char *value);
void sc_json_field_int(sc_json *json, const char *key, int64_t value);
void sc_json_field_bool(sc_json *json, const char *key, bool value);

#endif
