#include "spec/private/expand.h"

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

/* ${...} inside a default nests at most this deep: a bound on recursion. */
#define MAX_NESTING 16

/* One expansion: where it reports, and how deep in defaults it is. */
typedef struct expansion {
	sc_spec_lookup_fn lookup;
	void *ctx;
	sc_strlist *errors;
	unsigned depth;
} expansion;

static int expand_text(expansion *x, sc_buf *out, const char *text, size_t len,
                       size_t base);

static int malformed(expansion *x, size_t at)
{
	sc_spec_strlist_push(
	    x->errors,
	    /* The text itself is not shown: in envVars it may be a secret. */
	    sc_asprintf("malformed ${...} at character %zu: expected ${NAME}, "
	                "${NAME:-default} or ${NAME:?message}, where NAME matches "
	                "[A-Za-z_][A-Za-z0-9_]*",
	                at));
	return -1;
}

/*
 * Expands one ${...} whose body (between the braces) is body[0..len),
 * found at character at. A default is expanded in turn, as strictly; a
 * message is the user's text and is not. Appends the result to out;
 * returns -1 with a message in errors.
 */
static int expand_reference(expansion *x, sc_buf *out, const char *body, size_t len,
                            size_t at)
{
	size_t n = 0;

	while (n < len && is_name_char(body[n]))
		n++;
	if (n == 0 || !is_name_start(body[0]) ||
	    (n < len && (len - n < 2 || body[n] != ':' ||
	                 (body[n + 1] != '-' && body[n + 1] != '?'))))
		return malformed(x, at);
	char *name = sc_strndup(body, n);
	const char *value = look_up(x->lookup, x->ctx, name);
	int result = 0;

	if (n == len) {
		if (value)
			sc_buf_puts(out, value);
		else
			result = -1,
			sc_spec_strlist_push(x->errors,
			                     sc_asprintf("variable %s is not set (write "
			                                 "${%s:-default} for a default)",
			                                 name, name));
	} else if (value && *value) {
		sc_buf_puts(out, value);
	} else if (body[n + 1] == '-') {
		if (x->depth >= MAX_NESTING) {
			result = -1;
			sc_spec_strlist_push(
			    x->errors, sc_asprintf("${...} at character %zu: defaults "
			                           "nest more than %d deep",
			                           at, MAX_NESTING));
		} else {
			x->depth++;
			result =
			    expand_text(x, out, body + n + 2, len - n - 2, at + n + 3);
			x->depth--;
		}
	} else {
		result = -1;
		int message_len = (int)(len - n - 2);

		sc_spec_strlist_push(x->errors,
		                     sc_asprintf("variable %s is %s%s%.*s", name,
		                                 value ? "empty" : "not set",
		                                 message_len ? ": " : "", message_len,
		                                 body + n + 2));
	}
	free(name);
	return result;
}

/*
 * The } that closes the ${ whose body starts at text[from], counting the
 * ${ nested in it ($$ is an escaped $); NULL when there is none.
 */
static const char *closing_brace(const char *text, size_t len, size_t from)
{
	size_t depth = 1;

	for (size_t i = from; i < len; i++) {
		if (text[i] == '$' && i + 1 < len &&
		    (text[i + 1] == '$' || text[i + 1] == '{')) {
			depth += text[i + 1] == '{';
			i++;
		} else if (text[i] == '}' && --depth == 0) {
			return text + i;
		}
	}
	return NULL;
}

/* Expands text[0..len); base is its character offset in the whole value. */
static int expand_text(expansion *x, sc_buf *out, const char *text, size_t len,
                       size_t base)
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
		const char *close = closing_brace(text, len, at + 2);
		if (!close) {
			sc_spec_strlist_push(
			    x->errors,
			    sc_asprintf("malformed ${ at character %zu: no closing }",
			                base + at + 1));
			return -1;
		}
		size_t body = at + 2;
		if (expand_reference(x, out, text + body, (size_t)(close - text) - body,
		                     base + at + 1))
			result = -1;
		i = (size_t)(close - text) + 1;
	}
	return result;
}

int sc_spec_expand(sc_buf *out, const char *text, size_t len, sc_spec_lookup_fn lookup,
                   void *lookup_ctx, sc_strlist *errors)
{
	expansion x = {lookup, lookup_ctx, errors, 0};
	return expand_text(&x, out, text, len, 0);
}

bool sc_spec_has_reference(const char *text, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (text[i] != '$')
			continue;
		if (text[i + 1] == '{')
			return true;
		i += text[i + 1] == '$';
	}
	return false;
}
