/*
 * Text that reaches a terminal: a server's strings and messages quoting
 * them must not carry escape sequences, other control characters, bidi
 * overrides that reorder what the reader sees, or bytes that are not
 * UTF-8 (a terminal may take a lone 0x9b for a CSI).
 *
 * "Unsafe" below means: a byte that does not start a well-formed UTF-8
 * sequence, or the code point of one that is a C0 control, DEL, a C1
 * control (U+0080..U+009F), a bidi control (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069) or a line or paragraph separator
 * (U+2028, U+2029). Every other character is kept as it is.
 */
#ifndef SC_COMMON_TEXT_H
#define SC_COMMON_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* Whether c is a C0 control character or DEL. */
bool sc_text_is_control(unsigned char c);

/*
 * The length of the well-formed UTF-8 sequence at p (at most avail bytes;
 * no overlongs, no surrogates) with its code point in *cp, or 0.
 */
size_t sc_utf8_decode(const char *p, size_t avail, uint32_t *cp);

/* Whether code point cp is unsafe on a terminal (see above). */
bool sc_text_unsafe_code_point(uint32_t cp);

/* Whether len bytes of text hold nothing unsafe (and no NUL). */
bool sc_text_is_printable(const char *text, size_t len);

/* Replaces, in place, each unsafe character or byte of text with one '?'. */
void sc_text_make_printable(char *text);

/*
 * Appends at most len bytes of text (stopping at a NUL), each unsafe
 * character or byte as replacement. A sequence cut by len is unsafe.
 */
void sc_text_put_printable(sc_buf *out, const char *text, size_t len, char replacement);

#endif
