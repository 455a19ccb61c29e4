#include "common/json_string.h"

#include <stdint.h>

static size_t utf8_sequence(const unsigned char *p);

void sc_json_quote(sc_buf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run;

	if (!s) {
		sc_buf_puts(out, "null");
		return;
	}
	sc_buf_putc(out, '"');
	for (run = p; *p;) {
		if (*p >= 0x80) {
			size_t n = utf8_sequence(p);
			if (n) {
				p += n;
				continue;
			}
			/* Not UTF-8: never let it make the document invalid. */
			sc_buf_put(out, run, (size_t)(p - run));
			sc_buf_puts(out, "\\ufffd");
			run = ++p;
			continue;
		}
		if (*p >= 0x20 && *p != '"' && *p != '\\') {
			p++;
			continue;
		}
		sc_buf_put(out, run, (size_t)(p - run));
		switch (*p) {
		case '"':
			sc_buf_puts(out, "\\\"");
			break;
		case '\\':
			sc_buf_puts(out, "\\\\");
			break;
		case '\n':
			sc_buf_puts(out, "\\n");
			break;
		case '\r':
			sc_buf_puts(out, "\\r");
			break;
		case '\t':
			sc_buf_puts(out, "\\t");
			break;
		default: {
			char esc[7] = {'\\',         'u',          '0', '0',
			               hex[*p >> 4], hex[*p & 15], 0};
			sc_buf_puts(out, esc);
		}
		}
		run = ++p;
	}
	sc_buf_put(out, run, (size_t)(p - run));
	sc_buf_putc(out, '"');
}

/* The length of the sequence a lead byte starts, and its minimum code point. */
static int utf8_length(unsigned char c, uint32_t *min)
{
	if (c < 0x80)
		return *min = 0, 1;
	if ((c & 0xe0) == 0xc0)
		return *min = 0x80, 2;
	if ((c & 0xf0) == 0xe0)
		return *min = 0x800, 3;
	if ((c & 0xf8) == 0xf0)
		return *min = 0x10000, 4;
	return 0;
}

/* The length of the well-formed sequence at p (at most avail bytes), or 0. */
static size_t utf8_check(const unsigned char *p, size_t avail)
{
	uint32_t min, cp;
	int n = utf8_length(*p, &min);
	if (!n || avail < (size_t)n)
		return 0;
	cp = n == 1 ? *p : (uint32_t)(*p & (0x7f >> n));
	for (int i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return (size_t)n;
}

/* For NUL-terminated text: a NUL is never a continuation byte, so 4 is safe. */
static size_t utf8_sequence(const unsigned char *p)
{
	return utf8_check(p, 4);
}

bool sc_utf8_valid(const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	while (p < end) {
		size_t n = utf8_check(p, (size_t)(end - p));
		if (!n)
			return false;
		p += n;
	}
	return true;
}
