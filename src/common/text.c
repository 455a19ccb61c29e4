#include "common/text.h"

#include <string.h>

bool sc_text_is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* The length a lead byte announces and the least code point that needs it. */
static size_t utf8_length(unsigned char c, uint32_t *min)
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

size_t sc_utf8_decode(const char *p, size_t avail, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)p;
	uint32_t min, value;
	size_t n;

	if (!avail || !(n = utf8_length(*s, &min)) || avail < n)
		return 0;
	value = n == 1 ? *s : (uint32_t)(*s & (0x7f >> n));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		value = (value << 6) | (s[i] & 0x3f);
	}
	if (value < min || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
		return 0;
	*cp = value;
	return n;
}

bool sc_text_unsafe_code_point(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* The length of the safe character at p, or 0 when what is there is unsafe. */
static size_t safe_length(const char *p, size_t avail)
{
	uint32_t cp;
	size_t n = sc_utf8_decode(p, avail, &cp);

	return n && !sc_text_unsafe_code_point(cp) ? n : 0;
}

/* How many bytes one unsafe piece at p covers: a whole sequence, or one byte. */
static size_t unsafe_length(const char *p, size_t avail)
{
	uint32_t cp;
	size_t n = sc_utf8_decode(p, avail, &cp);

	return n ? n : 1;
}

bool sc_text_is_printable(const char *text, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = safe_length(text + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

void sc_text_make_printable(char *text)
{
	size_t len = strlen(text), r = 0, w = 0;

	while (r < len) {
		size_t n = safe_length(text + r, len - r);
		if (n) {
			memmove(text + w, text + r, n);
			w += n;
			r += n;
		} else {
			r += unsafe_length(text + r, len - r);
			text[w++] = '?';
		}
	}
	text[w] = '\0';
}

void sc_text_put_printable(sc_buf *out, const char *text, size_t len, char replacement)
{
	len = strnlen(text, len);
	for (size_t i = 0; i < len;) {
		size_t n = safe_length(text + i, len - i);
		if (n) {
			sc_buf_put(out, text + i, n);
			i += n;
		} else {
			sc_buf_putc(out, replacement);
			i += unsafe_length(text + i, len - i);
		}
	}
}
