#include "sandboxd/json.h"

#include <string.h>

#include "common/timeutil.h"

void sd_json_string(sc_buf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run;

	if (!s) {
		sc_buf_puts(out, "null");
		return;
	}
	sc_buf_putc(out, '"');
	for (run = p; *p; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		sc_buf_put(out, run, (size_t)(p - run));
		run = p + 1;
		switch (*p) {
		case '"': sc_buf_puts(out, "\\\""); break;
		case '\\': sc_buf_puts(out, "\\\\"); break;
		case '\n': sc_buf_puts(out, "\\n"); break;
		case '\r': sc_buf_puts(out, "\\r"); break;
		case '\t': sc_buf_puts(out, "\\t"); break;
		default: {
			char esc[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0};
			sc_buf_puts(out, esc);
		}
		}
	}
	sc_buf_put(out, run, (size_t)(p - run));
	sc_buf_putc(out, '"');
}

void sd_json_key(sc_buf *out, const char *key)
{
	sc_buf_putc(out, '"');
	sc_buf_puts(out, key);
	sc_buf_puts(out, "\":");
}

void sd_json_time(sc_buf *out, int64_t ms)
{
	char text[32];
	sc_time_format_rfc3339(text, ms);
	sc_buf_putc(out, '"');
	sc_buf_puts(out, text);
	sc_buf_putc(out, '"');
}

void sd_json_kv(sc_buf *out, const sc_kv *kv)
{
	sc_buf_putc(out, '{');
	for (size_t i = 0; i < kv->count; i++) {
		if (i)
			sc_buf_putc(out, ',');
		sd_json_string(out, kv->pairs[i].key);
		sc_buf_putc(out, ':');
		sd_json_string(out, kv->pairs[i].value);
	}
	sc_buf_putc(out, '}');
}

void sd_json_bool(sc_buf *out, int value)
{
	sc_buf_puts(out, value ? "true" : "false");
}
