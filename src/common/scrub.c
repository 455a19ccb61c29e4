#include "common/scrub.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_string.h"
#include "common/mem.h"

#define MASK "***"

void sc_wipe_free(char *text, size_t len)
{
	if (!text)
		return;
	volatile char *p = text;
	while (len--)
		*p++ = '\0';
	free(text);
}

static bool unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

/* secret percent-encoded, hex digits from digits, space as space_form. */
static char *percent_form(const char *secret, const char *digits, const char *space_form)
{
	sc_buf out = SC_BUF_INIT;

	for (const unsigned char *p = (const unsigned char *)secret; *p; p++) {
		if (unreserved(*p)) {
			sc_buf_putc(&out, (char)*p);
		} else if (*p == ' ') {
			sc_buf_puts(&out, space_form);
		} else {
			sc_buf_putc(&out, '%');
			sc_buf_putc(&out, digits[*p >> 4]);
			sc_buf_putc(&out, digits[*p & 15]);
		}
	}
	return sc_buf_detach(&out);
}

/* secret as a JSON writer escapes it, without the quotes; slash_escaped: "/" as "\/". */
static char *json_form(const char *secret, bool slash_escaped)
{
	sc_buf quoted = SC_BUF_INIT, out = SC_BUF_INIT;

	sc_json_quote(&quoted, secret);
	for (size_t i = 1; i + 1 < quoted.len; i++) {
		if (slash_escaped && quoted.data[i] == '/')
			sc_buf_putc(&out, '\\');
		sc_buf_putc(&out, quoted.data[i]);
	}
	size_t quoted_len = quoted.len;
	sc_wipe_free(sc_buf_detach(&quoted), quoted_len);
	return sc_buf_detach(&out);
}

static void add_form(sc_scrub *scrub, char *form)
{
	size_t len = strlen(form), at;

	for (size_t i = 0; i < scrub->count; i++) {
		if (!strcmp(scrub->forms[i], form)) {
			sc_wipe_free(form, len);
			return;
		}
	}
	/* Longest first: a form that holds a shorter one is replaced whole. */
	for (at = 0; at < scrub->count && strlen(scrub->forms[at]) >= len; at++)
		;
	SC_GROW(scrub->forms, scrub->count + 1, scrub->alloc);
	memmove(scrub->forms + at + 1, scrub->forms + at,
	        (scrub->count - at) * sizeof(*scrub->forms));
	scrub->forms[at] = form;
	scrub->count++;
}

void sc_scrub_add(sc_scrub *scrub, const char *secret)
{
	if (!secret || strlen(secret) < SC_SCRUB_MIN_LEN)
		return;
	add_form(scrub, sc_strdup(secret));
	add_form(scrub, json_form(secret, false));
	add_form(scrub, json_form(secret, true));
	add_form(scrub, percent_form(secret, "0123456789ABCDEF", "%20"));
	add_form(scrub, percent_form(secret, "0123456789abcdef", "%20"));
	add_form(scrub, percent_form(secret, "0123456789ABCDEF", "+"));
	add_form(scrub, percent_form(secret, "0123456789abcdef", "+"));
}

void sc_scrub_release(sc_scrub *scrub)
{
	for (size_t i = 0; i < scrub->count; i++)
		sc_wipe_free(scrub->forms[i], strlen(scrub->forms[i]));
	free(scrub->forms);
	memset(scrub, 0, sizeof(*scrub));
}

/* The first occurrence of needle in len bytes of data, or NULL. */
static const char *find(const char *data, size_t len, const char *needle,
                        size_t needle_len)
{
	const char *p = data, *end = data + len;

	while (needle_len <= (size_t)(end - p) &&
	       (p = memchr(p, needle[0], (size_t)(end - p) - needle_len + 1))) {
		if (!memcmp(p, needle, needle_len))
			return p;
		p++;
	}
	return NULL;
}

/* Replaces every occurrence of form in buf; whether any was. */
static bool replace_form(sc_buf *buf, const char *form)
{
	size_t form_len = strlen(form);
	const char *at, *p;
	sc_buf out = SC_BUF_INIT;

	if (!buf->len || !find(buf->data, buf->len, form, form_len))
		return false;
	p = buf->data;
	while ((at = find(p, buf->len - (size_t)(p - buf->data), form, form_len))) {
		sc_buf_put(&out, p, (size_t)(at - p));
		sc_buf_puts(&out, MASK);
		p = at + form_len;
	}
	sc_buf_put(&out, p, buf->len - (size_t)(p - buf->data));
	sc_wipe_free(buf->data, buf->len);
	*buf = out;
	return true;
}

void sc_scrub_buf(const sc_scrub *scrub, sc_buf *buf)
{
	for (size_t i = 0; scrub && i < scrub->count; i++)
		replace_form(buf, scrub->forms[i]);
}

char *sc_scrub_text(const sc_scrub *scrub, char *text)
{
	sc_buf buf = SC_BUF_INIT;
	bool changed = false;

	if (!text || !scrub || !scrub->count)
		return text;
	buf.data = text;
	buf.len = strlen(text);
	buf.alloc = buf.len + 1;
	for (size_t i = 0; i < scrub->count; i++)
		changed |= replace_form(&buf, scrub->forms[i]);
	return changed ? sc_buf_detach(&buf) : text;
}
