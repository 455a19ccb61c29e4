#include "spec/expand.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

void sc_spec_strlist_push(sc_strlist *list, char *item)
{
	list->items = sc_realloc(list->items, (list->count + 1) * sizeof(*list->items));
	list->items[list->count++] = item;
}

void sc_spec_strlist_release(sc_strlist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

static bool is_name_start(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static const char *look_up(sc_spec_lookup_fn lookup, void *ctx, const char *name)
{
	return lookup ? lookup(ctx, name) : getenv(name);
}

/*
 * Expands one ${...} whose body (between the braces) is body[0..len).
 * Appends the result to out; returns -1 with a message in errors.
 */
static int expand_reference(sc_buf *out, const char *body, size_t len, size_t at,
                            sc_spec_lookup_fn lookup, void *ctx, sc_strlist *errors)
{
	size_t n = 0;

	while (n < len && is_name_char(body[n]))
		n++;
	if (n == 0 || !is_name_start(body[0]) ||
	    (n < len && (len - n < 2 || body[n] != ':' ||
	                 (body[n + 1] != '-' && body[n + 1] != '?')))) {
		sc_spec_strlist_push(
		    errors,
		    /* The text itself is not shown: in envVars it may be a secret. */
		    sc_asprintf(
		        "malformed ${...} at character %zu: expected ${NAME}, "
		        "${NAME:-default} or ${NAME:?message}, where NAME matches "
		        "[A-Za-z_][A-Za-z0-9_]*",
		        at));
		return -1;
	}
	char *name = sc_strndup(body, n);
	const char *value = look_up(lookup, ctx, name);
	int result = 0;

	if (n == len) {
		if (value)
			sc_buf_puts(out, value);
		else
			result = -1,
			sc_spec_strlist_push(errors,
			                     sc_asprintf("variable %s is not set (write "
			                                 "${%s:-default} for a default)",
			                                 name, name));
	} else if (value && *value) {
		sc_buf_puts(out, value);
	} else if (body[n + 1] == '-') {
		sc_buf_put(out, body + n + 2, len - n - 2);
	} else {
		result = -1;
		sc_spec_strlist_push(errors,
		                     sc_asprintf("variable %s is %s: %.*s", name,
		                                 value ? "empty" : "not set",
		                                 (int)(len - n - 2), body + n + 2));
	}
	free(name);
	return result;
}

int sc_spec_expand(sc_buf *out, const char *text, size_t len, sc_spec_lookup_fn lookup,
                   void *lookup_ctx, sc_strlist *errors)
{
	int result = 0;
	size_t i = 0;

	while (i < len) {
		const char *dollar = memchr(text + i, '$', len - i);
		if (!dollar) {
			sc_buf_put(out, text + i, len - i);
			break;
		}
		size_t at = (size_t)(dollar - text);
		sc_buf_put(out, text + i, at - i);
		if (at + 1 < len && text[at + 1] == '$') {
			sc_buf_putc(out, '$');
			i = at + 2;
			continue;
		}
		if (at + 1 >= len || text[at + 1] != '{') {
			sc_buf_putc(out, '$');
			i = at + 1;
			continue;
		}
		const char *close = memchr(text + at + 2, '}', len - at - 2);
		if (!close) {
			sc_spec_strlist_push(
			    errors,
			    sc_asprintf("malformed ${ at character %zu: no closing }",
			                at + 1));
			return -1;
		}
		size_t body = at + 2;
		if (expand_reference(out, text + body, (size_t)(close - text) - body, at + 1,
		                     lookup, lookup_ctx, errors))
			result = -1;
		i = (size_t)(close - text) + 1;
	}
	return result;
}
