#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

void sc_buf_init(sc_buf *buf)
{
	memset(buf, 0, sizeof(*buf));
}

void sc_buf_release(sc_buf *buf)
{
	free(buf->data);
	sc_buf_init(buf);
}

void sc_buf_reset(sc_buf *buf)
{
	buf->len = 0;
	if (buf->data)
		buf->data[0] = '\0';
}

char *sc_buf_detach(sc_buf *buf)
{
	char *data = buf->data ? buf->data : sc_strdup("");
	sc_buf_init(buf);
	return data;
}

const char *sc_buf_cstr(const sc_buf *buf)
{
	return buf->data ? buf->data : "";
}

static void reserve(sc_buf *buf, size_t extra)
{
	SC_GROW(buf->data, buf->len + extra + 1, buf->alloc);
}

void sc_buf_put(sc_buf *buf, const void *data, size_t len)
{
	reserve(buf, len);
	memcpy(buf->data + buf->len, data, len);
	buf->len += len;
	buf->data[buf->len] = '\0';
}

void sc_buf_puts(sc_buf *buf, const char *s)
{
	sc_buf_put(buf, s, strlen(s));
}

void sc_buf_putc(sc_buf *buf, char c)
{
	sc_buf_put(buf, &c, 1);
}

void sc_buf_vprintf(sc_buf *buf, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int len = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (len <= 0)
		return;
	reserve(buf, (size_t)len);
	vsnprintf(buf->data + buf->len, (size_t)len + 1, fmt, ap);
	buf->len += (size_t)len;
}

void sc_buf_printf(sc_buf *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sc_buf_vprintf(buf, fmt, ap);
	va_end(ap);
}
