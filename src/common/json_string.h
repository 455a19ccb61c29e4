/*
 * JSON strings, written by hand: every part that prints JSON without a
 * cJSON tree (sc-sandboxd's answers, the agent's log lines, sc-apply's
 * -o json) quotes strings here, so none of them can emit an invalid
 * document, whatever bytes a string holds.
 */
#ifndef SC_COMMON_JSON_STRING_H
#define SC_COMMON_JSON_STRING_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"

/*
 * Appends s as a quoted, escaped JSON string ("null" for NULL). Control
 * characters, C1 and bidi controls (common/text.h) are escaped; bytes
 * that are not UTF-8 become U+FFFD.
 */
void sc_json_quote(sc_buf *out, const char *s);
/* Whether len bytes of text are well-formed UTF-8 (no overlongs, no surrogates). */
bool sc_utf8_valid(const char *text, size_t len);

#endif
