/*
 * A growable byte buffer, always NUL-terminated (git's strbuf, smaller).
 *
 * Ownership: the buffer owns data. sc_buf_release() frees it;
 * sc_buf_detach() hands it to the caller and leaves the buffer empty.
 */
#ifndef SC_COMMON_BUF_H
#define SC_COMMON_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sc_buf {
	char *data;   /* NULL until the first write; sc_buf_cstr() never is */
	size_t len;
	size_t alloc;
} sc_buf;

#define SC_BUF_INIT {NULL, 0, 0}

void sc_buf_init(sc_buf *buf);
void sc_buf_release(sc_buf *buf);
void sc_buf_reset(sc_buf *buf);
char *sc_buf_detach(sc_buf *buf);
const char *sc_buf_cstr(const sc_buf *buf);

void sc_buf_put(sc_buf *buf, const void *data, size_t len);
void sc_buf_puts(sc_buf *buf, const char *s);
void sc_buf_putc(sc_buf *buf, char c);
void sc_buf_printf(sc_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sc_buf_vprintf(sc_buf *buf, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
