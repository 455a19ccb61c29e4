#include "common/json_string.h"

#include <stdint.h>

#include "common/text.h"

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
			uint32_t cp;
			size_t n = sc_utf8_decode((const char *)p, 4, &cp);
			if (n && !sc_text_unsafe_code_point(cp)) {
				p += n;
				continue;
			}
			if (n) {
				/* A C1 or bidi control: escaped, so a terminal never acts
				 * on it. */
				char esc[7] = {'\\',
				               'u',
				               hex[cp >> 12],
				               hex[(cp >> 8) & 15],
				               hex[(cp >> 4) & 15],
				               hex[cp & 15],
				               0};
				sc_buf_put(out, run, (size_t)(p - run));
				sc_buf_puts(out, esc);
				p += n;
				run = p;
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

bool sc_utf8_valid(const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	while (p < end) {
		uint32_t cp;
		size_t n = sc_utf8_decode((const char *)p, (size_t)(end - p), &cp);
		if (!n)
			return false;
		p += n;
	}
	return true;
}
