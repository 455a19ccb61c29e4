/*
 * Allocation that never returns NULL: out of memory ends the process with
 * a message, as git's xmalloc does. Every part uses these, so no caller
 * carries an out-of-memory path that no test can reach.
 */
#ifndef SC_COMMON_MEM_H
#define SC_COMMON_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *sc_malloc(size_t size);
void *sc_calloc(size_t count, size_t size);
void *sc_realloc(void *ptr, size_t size);
char *sc_strdup(const char *s);
char *sc_strndup(const char *s, size_t n);
char *sc_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *sc_vasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Grows array so that it holds at least need elements; alloc tracks capacity. */
#define SC_GROW(array, need, alloc)                                            \
	do {                                                                   \
		if ((need) > (alloc)) {                                        \
			size_t sc_grow_n = (alloc) ? (alloc) * 2 : 8;          \
			while (sc_grow_n < (need))                             \
				sc_grow_n *= 2;                                \
			(array) = sc_realloc((array), sc_grow_n * sizeof(*(array))); \
			(alloc) = sc_grow_n;                                   \
		}                                                              \
	} while (0)

#endif
