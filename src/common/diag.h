/*
 * Diagnostics: the list of errors and warnings a function reports to its
 * caller instead of printing them. Only src/cli/ prints a diagnostics list.
 *
 * Ownership: an sc_diag owns every entry and every string in it.
 * sc_diag_release() frees them; a zeroed sc_diag (SC_DIAG_INIT) is empty.
 */
#ifndef SC_COMMON_DIAG_H
#define SC_COMMON_DIAG_H

#include <stdarg.h>
#include <stddef.h>

/* A hint follows the error it helps with: what to check ("hint: check the API key"). */
typedef enum { SC_DIAG_ERROR, SC_DIAG_WARNING, SC_DIAG_NOTE, SC_DIAG_HINT } sc_diag_level;

typedef struct sc_diag_entry {
	sc_diag_level level;
	char *file;        /* NULL when the message has no place */
	unsigned line;     /* 1-based; 0 when unknown */
	unsigned column;   /* 1-based; 0 when unknown */
	char *message;     /* "spec.timeout: must be ..., got \"30m\"" */
} sc_diag_entry;

typedef struct sc_diag {
	sc_diag_entry *entries;
	size_t count;
	size_t alloc;
} sc_diag;

#define SC_DIAG_INIT {NULL, 0, 0}

void sc_diag_init(sc_diag *diag);
void sc_diag_release(sc_diag *diag);

/*
 * Appends an entry. Returns -1 for SC_DIAG_ERROR and 0 otherwise, so that
 * "return sc_diag_error(...)" reads naturally. file may be NULL.
 */
int sc_diag_add(sc_diag *diag, sc_diag_level level, const char *file,
                unsigned line, unsigned column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
int sc_diag_addv(sc_diag *diag, sc_diag_level level, const char *file,
                 unsigned line, unsigned column, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

/* Shorthands for an error or a warning with a place. */
int sc_diag_error(sc_diag *diag, const char *file, unsigned line,
                  unsigned column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int sc_diag_warning(sc_diag *diag, const char *file, unsigned line,
                    unsigned column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

size_t sc_diag_error_count(const sc_diag *diag);

/* Moves every entry of from to the end of into; from is left empty. */
void sc_diag_take(sc_diag *into, sc_diag *from);

/*
 * Formats one entry as the user sees it:
 * "file:line:column: error: message" (the place parts that are known).
 * Returns a malloc'd string the caller frees.
 */
char *sc_diag_format(const sc_diag_entry *entry);

#endif
