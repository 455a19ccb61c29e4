#include "common/json_writer.h"

#include "common/json_string.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void sc_json_init(sc_json *json)
{
	memset(json, 0, sizeof(*json));
}

void sc_json_release(sc_json *json)
{
	sc_buf_release(&json->buf);
}

/* Writes the comma an item needs before it, unless it follows its key. */
static void item(sc_json *json)
{
	if (json->after_key) {
		json->after_key = false;
		return;
	}
	if (json->has_items[json->depth])
		sc_buf_putc(&json->buf, ',');
	json->has_items[json->depth] = true;
}

static void open_scope(sc_json *json, char c)
{
	item(json);
	sc_buf_putc(&json->buf, c);
	if (json->depth < SC_JSON_MAX_DEPTH - 1)
		json->depth++;
	json->has_items[json->depth] = false;
}

static void close_scope(sc_json *json, char c)
{
	sc_buf_putc(&json->buf, c);
	if (json->depth > 0)
		json->depth--;
}

void sc_json_object_begin(sc_json *json)
{
	open_scope(json, '{');
}

void sc_json_object_end(sc_json *json)
{
	close_scope(json, '}');
}

void sc_json_array_begin(sc_json *json)
{
	open_scope(json, '[');
}

void sc_json_array_end(sc_json *json)
{
	close_scope(json, ']');
}

void sc_json_key(sc_json *json, const char *key)
{
	item(json);
	sc_json_quote(&json->buf, key);
	sc_buf_putc(&json->buf, ':');
	json->after_key = true;
}

void sc_json_string(sc_json *json, const char *value)
{
	if (!value) {
		sc_json_null(json);
		return;
	}
	item(json);
	sc_json_quote(&json->buf, value);
}

void sc_json_int(sc_json *json, int64_t value)
{
	item(json);
	sc_buf_printf(&json->buf, "%" PRId64, value);
}

void sc_json_bool(sc_json *json, bool value)
{
	item(json);
	sc_buf_puts(&json->buf, value ? "true" : "false");
}

void sc_json_null(sc_json *json)
{
	item(json);
	sc_buf_puts(&json->buf, "null");
}

void sc_json_field_string(sc_json *json, const char *key, const char *value)
{
	sc_json_key(json, key);
	sc_json_string(json, value);
}

void sc_json_field_int(sc_json *json, const char *key, int64_t value)
{
	sc_json_key(json, key);
	sc_json_int(json, value);
}

void sc_json_field_bool(sc_json *json, const char *key, bool value)
{
	sc_json_key(json, key);
	sc_json_bool(json, value);
}
