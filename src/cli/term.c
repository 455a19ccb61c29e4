#include "cli/private/term.h"

#include <stdlib.h>
#include <unistd.h>

void sc_term_init(sc_term *term, sc_cli_color mode)
{
	const char *no_color = getenv("NO_COLOR");
	bool stdout_tty = isatty(STDOUT_FILENO);

	term->color = mode == SC_COLOR_ALWAYS ||
	              (mode == SC_COLOR_AUTO && stdout_tty && !(no_color && *no_color));
	term->progress = isatty(STDERR_FILENO) && mode != SC_COLOR_NEVER;
	term->progress_shown = false;
}

const char *sc_term_on(const sc_term *term, sc_term_style style)
{
	static const char *const codes[] = {
		[SC_TERM_GREEN] = "\033[32m", [SC_TERM_YELLOW] = "\033[33m",
		[SC_TERM_RED] = "\033[31m",   [SC_TERM_CYAN] = "\033[36m",
		[SC_TERM_BOLD] = "\033[1m",   [SC_TERM_DIM] = "\033[2m",
	};
	return term->color ? codes[style] : "";
}

const char *sc_term_off(const sc_term *term)
{
	return term->color ? "\033[0m" : "";
}

void sc_term_progress(sc_term *term, const char *text)
{
	if (!term->progress)
		return;
	fprintf(stderr, "\r\033[K%s", text);
	fflush(stderr);
	term->progress_shown = true;
}

void sc_term_progress_clear(sc_term *term)
{
	if (!term->progress_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	term->progress_shown = false;
}
