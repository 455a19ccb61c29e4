/*
 * Text that reaches a terminal: a server's strings and messages quoting
 * them must not carry escape sequences or other control characters.
 */
#ifndef SC_COMMON_TEXT_H
#define SC_COMMON_TEXT_H

#include <stdbool.h>

/* Whether c is a control character (C0 or DEL). */
bool sc_text_is_control(unsigned char c);
/* Replaces every control character of text, in place, with '?'. */
void sc_text_make_printable(char *text);

#endif
