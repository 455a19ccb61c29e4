#include "spec/private/scalar.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"
#include "spec/private/expand.h"

/* What a plain scalar means under the typing users expect. */
typedef enum { PLAIN_NULL, PLAIN_BOOL, PLAIN_INT, PLAIN_FLOAT, PLAIN_STRING } plain_type;

/* How far show() quotes a value before "...". */
#define SHOW_MAX 80

int sc_vctx_error(sc_vctx *c, const sc_yaml_node *at, const char *fmt, ...)
{
	va_list ap;

	c->failed = true;
	va_start(ap, fmt);
	sc_diag_addv(c->diag, SC_DIAG_ERROR, c->file, at ? at->line : 0,
	             at ? at->column : 0, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_one_of(const char *text, const char *const *words)
{
	for (; *words; words++) {
		if (!strcmp(text, *words))
			return true;
	}
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_int_text(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!is_digit(*s))
			return false;
	}
	return true;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? and .inf, .nan. */
static bool is_float_text(const char *s)
{
	static const char *const special[] = {".inf", ".Inf", ".INF", ".nan",
	                                      ".NaN", ".NAN", NULL};
	size_t digits = 0;

	if (*s == '-' || *s == '+')
		s++;
	if (is_one_of(s, special))
		return true;
	while (is_digit(*s))
		s++, digits++;
	if (*s == '.') {
		s++;
		while (is_digit(*s))
			s++, digits++;
	}
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!is_digit(*s))
			return false;
		while (is_digit(*s))
			s++;
	}
	return *s == '\0';
}

static plain_type type_of(const sc_yaml_node *node)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};

	if (node->kind != SC_YAML_SCALAR || !node->plain)
		return PLAIN_STRING;
	if (is_one_of(node->text, nulls))
		return PLAIN_NULL;
	if (!strcmp(node->text, "true") || !strcmp(node->text, "false"))
		return PLAIN_BOOL;
	if (is_int_text(node->text))
		return PLAIN_INT;
	if (is_float_text(node->text))
		return PLAIN_FLOAT;
	return PLAIN_STRING;
}

bool sc_spec_is_null(const sc_yaml_node *node)
{
	return node->kind == SC_YAML_SCALAR && type_of(node) == PLAIN_NULL;
}

const char *sc_spec_kind_name(const sc_yaml_node *node)
{
	switch (node->kind) {
	case SC_YAML_MAP:
		return "a mapping";
	case SC_YAML_SEQ:
		return "a sequence";
	case SC_YAML_SCALAR:
		break;
	}
	return "a scalar";
}

void sc_spec_quote(sc_buf *out, const char *text, size_t len)
{
	size_t shown = len > SHOW_MAX ? SHOW_MAX : len;

	/* Do not cut a UTF-8 sequence in half. */
	while (shown < len && shown > 0 && ((unsigned char)text[shown] & 0xC0) == 0x80)
		shown--;
	sc_buf_putc(out, '"');
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '"' || c == '\\')
			sc_buf_printf(out, "\\%c", c);
		else if (c == '\n')
			sc_buf_puts(out, "\\n");
		else if (c == '\t')
			sc_buf_puts(out, "\\t");
		else if (c < 0x20 || c == 0x7F)
			sc_buf_printf(out, "\\x%02X", c);
		else
			sc_buf_putc(out, (char)c);
	}
	sc_buf_putc(out, '"');
	if (shown < len)
		sc_buf_puts(out, "...");
}

char *sc_spec_show(const sc_yaml_node *node)
{
	sc_buf out = SC_BUF_INIT;

	if (node->kind != SC_YAML_SCALAR)
		return sc_strdup(sc_spec_kind_name(node));
	if (type_of(node) == PLAIN_NULL)
		return sc_strdup("null");
	sc_spec_quote(&out, node->text, node->len);
	return sc_buf_detach(&out);
}

/* Reports "path: what, got X" with X shown from node, and an optional hint. */
static void got_error(sc_vctx *c, const char *path, const sc_yaml_node *node,
                      const char *what, const char *hint)
{
	char *shown = sc_spec_show(node);
	sc_vctx_error(c, node, "%s: %s, got %s%s", path, what, shown, hint ? hint : "");
	free(shown);
}

bool sc_spec_read_uint(sc_vctx *c, const char *path, const sc_yaml_node *node,
                       unsigned min, unsigned max, unsigned *out)
{
	char *what = sc_asprintf("must be an integer from %u to %u", min, max);
	plain_type type = type_of(node);
	bool ok = false;

	if (node->kind == SC_YAML_SCALAR && !node->plain && is_int_text(node->text)) {
		got_error(c, path, node, what,
		          " (a quoted string: write the number without quotes)");
	} else if (type != PLAIN_INT) {
		got_error(c, path, node, what, NULL);
	} else if (node->text[0] == '+' || (node->text[0] == '0' && node->text[1])) {
		/* 010 is 10 in YAML 1.2 and 8 in YAML 1.1: say it plainly instead. */
		got_error(c, path, node, what,
		          " (write it without a sign or leading zeros)");
	} else {
		const char *s = node->text;
		bool negative = *s == '-';
		unsigned long long value = 0;
		if (negative)
			s++;
		for (; *s && value <= max; s++)
			value = value * 10 + (unsigned)(*s - '0');
		if (negative || value < min || value > max) {
			got_error(c, path, node, what, NULL);
		} else {
			*out = (unsigned)value;
			ok = true;
		}
	}
	free(what);
	return ok;
}

bool sc_spec_is_percent(const sc_yaml_node *node)
{
	if (node->kind != SC_YAML_SCALAR)
		return false;
	size_t len = strlen(node->text);
	return len && node->text[len - 1] == '%';
}

bool sc_spec_read_percent(sc_vctx *c, const char *path, const sc_yaml_node *node,
                          unsigned *out)
{
	const char *s = node->text;
	size_t len = strlen(s);
	unsigned value = 0;
	bool ok = len >= 2 && len <= 4 && (s[0] != '0' || len == 2);

	for (size_t i = 0; ok && i + 1 < len; i++) {
		ok = s[i] >= '0' && s[i] <= '9';
		value = value * 10 + (unsigned)(s[i] - '0');
	}
	if (!ok || value > 100) {
		got_error(c, path, node, "must be a percentage from 0% to 100% (no leading zeros)",
		          NULL);
		return false;
	}
	*out = value;
	return true;
}

bool sc_spec_read_bool(sc_vctx *c, const char *path, const sc_yaml_node *node, bool *out)
{
	static const char *const yaml11[] = {
	    "y",  "Y",  "yes", "Yes", "YES", "n",    "N",    "no",    "No",    "NO", "on",
	    "On", "ON", "off", "Off", "OFF", "True", "TRUE", "False", "FALSE", NULL};

	if (type_of(node) == PLAIN_BOOL) {
		*out = !strcmp(node->text, "true");
		return true;
	}
	bool word = node->kind == SC_YAML_SCALAR && is_one_of(node->text, yaml11);
	got_error(c, path, node, "must be true or false",
	          word ? " (only true and false are booleans here, not yes/no/on/off)"
	               : NULL);
	return false;
}

int sc_spec_read_enum(sc_vctx *c, const char *path, const sc_yaml_node *node,
                      const char *const *words, size_t count)
{
	sc_buf what = SC_BUF_INIT;

	if (node->kind == SC_YAML_SCALAR && strlen(node->text) == node->len) {
		for (size_t i = 0; i < count; i++) {
			if (!strcmp(node->text, words[i]))
				return (int)i;
		}
	}
	sc_buf_puts(&what, "must be one of ");
	for (size_t i = 0; i < count; i++)
		sc_buf_printf(&what, "%s%s", i ? ", " : "", words[i]);
	got_error(c, path, node, sc_buf_cstr(&what), NULL);
	sc_buf_release(&what);
	return -1;
}

/* Whether node may be read as a string; reports why not. */
static bool check_string(sc_vctx *c, const char *path, const sc_yaml_node *node,
                         unsigned flags)
{
	if (node->kind != SC_YAML_SCALAR) {
		sc_vctx_error(c, node, "%s: must be a string, got %s", path,
		              sc_spec_kind_name(node));
		return false;
	}
	switch (type_of(node)) {
	case PLAIN_NULL:
		sc_vctx_error(c, node, "%s: must be a string, got null%s", path,
		              flags & SC_STR_LOOSE ? " (write \"\" for an empty value)"
		                                   : "");
		return false;
	case PLAIN_BOOL:
	case PLAIN_INT:
	case PLAIN_FLOAT:
		if (flags & SC_STR_LOOSE)
			break;
		sc_vctx_error(c, node, "%s: must be a string, got the %s %s (quote it)",
		              path, type_of(node) == PLAIN_BOOL ? "boolean" : "number",
		              node->text);
		return false;
	case PLAIN_STRING:
		break;
	}
	if (strlen(node->text) != node->len) {
		sc_vctx_error(c, node, "%s: must not contain a NUL character", path);
		return false;
	}
	return true;
}

char *sc_spec_read_string(sc_vctx *c, const char *path, const sc_yaml_node *node,
                          unsigned flags)
{
	sc_buf out = SC_BUF_INIT;
	sc_strlist errors = {NULL, 0};

	if (!check_string(c, path, node, flags))
		return NULL;
	if (sc_spec_expand(&out, node->text, node->len, c->options->lookup,
	                   c->options->lookup_ctx, &errors) == 0) {
		if (memchr(sc_buf_cstr(&out), '\0', out.len)) {
			sc_vctx_error(c, node, "%s: must not contain a NUL character",
			              path);
			sc_buf_release(&out);
			return NULL;
		}
		return sc_buf_detach(&out);
	}
	for (size_t i = 0; i < errors.count; i++)
		sc_vctx_error(c, node, "%s: %s", path, errors.items[i]);
	sc_spec_strlist_release(&errors);
	sc_buf_release(&out);
	return NULL;
}
