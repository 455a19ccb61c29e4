#include "sandboxd/private/json.h"

#include <string.h>

#include "common/json_string.h"
#include "common/timeutil.h"


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
		sc_json_quote(out, kv->pairs[i].key);
		sc_buf_putc(out, ':');
		sc_json_quote(out, kv->pairs[i].value);
	}
	sc_buf_putc(out, '}');
}

void sd_json_bool(sc_buf *out, int value)
{
	sc_buf_puts(out, value ? "true" : "false");
}
