/*
 * Writing JSON straight into an sc_buf: the hot paths (a sandbox, a page
 * of a list) are printed without building a cJSON tree. Reading request
 * bodies still goes through cJSON.
 */
#ifndef SD_JSON_H
#define SD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/json_string.h"
#include "common/kv.h"

/* Appends an RFC 3339 UTC time as a JSON string. */
void sd_json_time(sc_buf *out, int64_t ms);
/* Appends a string map as a JSON object. */
void sd_json_kv(sc_buf *out, const sc_kv *kv);
/* Appends "true" or "false". */
void sd_json_bool(sc_buf *out, int value);

#endif
