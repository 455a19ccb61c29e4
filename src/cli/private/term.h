/*
 * The terminal: whether to colour, and the live progress line. Colour and
 * progress only where a person is looking (a tty), never in a pipe or a
 * log, and never when NO_COLOR is set.
 */
#ifndef SC_CLI_TERM_H
#define SC_CLI_TERM_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"

typedef struct sc_term {
	bool color;           /* escape codes on stdout */
	bool progress;        /* a live line on stderr */
	bool progress_shown;  /* a progress line is on screen and must be erased */
} sc_term;

void sc_term_init(sc_term *term, sc_cli_color mode);

typedef enum { SC_TERM_GREEN, SC_TERM_YELLOW, SC_TERM_RED, SC_TERM_CYAN,
	       SC_TERM_BOLD, SC_TERM_DIM } sc_term_style;

/* The escape sequence that starts style, and the one that ends it; "" without colour. */
const char *sc_term_on(const sc_term *term, sc_term_style style);
const char *sc_term_off(const sc_term *term);

/* Replaces the progress line on stderr with text; no-op off a tty. */
void sc_term_progress(sc_term *term, const char *text);
void sc_term_progress_clear(sc_term *term);

#endif
