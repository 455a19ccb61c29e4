/*
 * A recursive-descent JSON reader in the manner of cJSON's parse_value:
 * the same grammar (any byte up to a space is white space, numbers are
 * what strtod takes of a run of [0-9+-.eE], nesting at most
 * CJSON_NESTING_LIMIT deep, text after the value ignored), the nodes
 * linked as cJSON links them, allocated from the pool.
 */
#include "api/private/page_json.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

#define BLOCK_SIZE (64 * 1024)
#define NUMBER_MAX 63 /* cJSON reads at most this many characters of a number */

struct page_json_block {
	struct page_json_block *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

typedef struct reader {
	sc_api_page_json *pool;
	const unsigned char *p, *end;
	size_t depth;
} reader;

static void *take(sc_api_page_json *pool, size_t len, size_t align)
{
	struct page_json_block *b = pool->blocks;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;

	if (!b || at + len > b->size) {
		size_t size = len > BLOCK_SIZE / 4 ? len : BLOCK_SIZE;
		struct page_json_block *fresh = sc_malloc(sizeof(*fresh) + size);
		fresh->size = size;
		fresh->used = 0;
		if (size > BLOCK_SIZE && b) {
			/* Behind the current block, so that it keeps filling. */
			fresh->next = b->next;
			b->next = fresh;
			fresh->used = len;
			return fresh->data;
		}
		fresh->next = b;
		pool->blocks = b = fresh;
		at = 0;
	}
	b->used = at + len;
	return b->data + at;
}

static cJSON *new_item(reader *r, int type)
{
	cJSON *item = take(r->pool, sizeof(*item), _Alignof(cJSON));

	memset(item, 0, sizeof(*item));
	item->type = type;
	return item;
}

static void skip_space(reader *r)
{
	while (r->p < r->end && *r->p <= 32)
		r->p++;
}

static bool literal(reader *r, const char *word)
{
	size_t len = strlen(word);

	if ((size_t)(r->end - r->p) < len || memcmp(r->p, word, len))
		return false;
	r->p += len;
	return true;
}

/* Four hex digits; 0 when one is not hex, as cJSON's parse_hex4 reads them. */
static unsigned hex4(const unsigned char *in)
{
	unsigned h = 0;

	for (int i = 0; i < 4; i++) {
		unsigned c = in[i], digit;
		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else if (c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else
			return 0;
		h = h << 4 | digit;
	}
	return h;
}

static unsigned char *put_utf8(unsigned char *out, uint32_t cp)
{
	if (cp == 0) {
		*out++ = 0x01; /* never a NUL: see page_json.h */
	} else if (cp < 0x80) {
		*out++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*out++ = (unsigned char)(0xC0 | cp >> 6);
		*out++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*out++ = (unsigned char)(0xE0 | cp >> 12);
		*out++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*out++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		*out++ = (unsigned char)(0xF0 | cp >> 18);
		*out++ = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		*out++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*out++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	return out;
}

/* A \u escape at in (before end) into out; the bytes it took, 0 when invalid. */
static size_t unicode_escape(const unsigned char *in, const unsigned char *end,
                             unsigned char **out)
{
	unsigned first, second;

	if (end - in < 6)
		return 0;
	first = hex4(in + 2);
	if (first >= 0xDC00 && first <= 0xDFFF)
		return 0;
	if (first < 0xD800 || first > 0xDBFF) {
		*out = put_utf8(*out, first);
		return 6;
	}
	if (end - in < 12 || in[6] != '\\' || in[7] != 'u')
		return 0;
	second = hex4(in + 8);
	if (second < 0xDC00 || second > 0xDFFF)
		return 0;
	*out = put_utf8(*out, 0x10000 + ((first & 0x3FF) << 10 | (second & 0x3FF)));
	return 12;
}

/* A string at r->p (a '"'), unescaped into the pool; NULL when invalid. */
static char *read_string(reader *r)
{
	const unsigned char *in = r->p + 1, *close = in;
	unsigned char *text, *out;

	if (r->p >= r->end || *r->p != '"')
		return NULL;
	for (;;) {
		/* To the next quote or backslash, a word at a time in libc. */
		const unsigned char *quote = memchr(close, '"', (size_t)(r->end - close));
		const unsigned char *slash =
		    quote ? memchr(close, '\\', (size_t)(quote - close)) : NULL;
		if (!quote)
			return NULL;
		if (!slash) {
			close = quote;
			break;
		}
		if (slash + 1 >= r->end)
			return NULL;
		close = slash + 2;
	}
	/* An escape never yields more bytes than it takes. */
	out = text = take(r->pool, (size_t)(close - in) + 1, 1);
	if (!memchr(in, '\\', (size_t)(close - in))) {
		memcpy(out, in, (size_t)(close - in));
		for (unsigned char *nul = out; (nul = memchr(nul, '\0', (size_t)(close - in) -
		                                                           (size_t)(nul - out)));)
			*nul = 0x01;
		out[close - in] = '\0';
		r->p = close + 1;
		return (char *)text;
	}
	while (in < close) {
		if (*in != '\\') {
			*out++ = *in ? *in : 0x01;
			in++;
			continue;
		}
		size_t used = 2;
		switch (in[1]) {
		case 'b':
			*out++ = '\b';
			break;
		case 'f':
			*out++ = '\f';
			break;
		case 'n':
			*out++ = '\n';
			break;
		case 'r':
			*out++ = '\r';
			break;
		case 't':
			*out++ = '\t';
			break;
		case '"':
		case '\\':
		case '/':
			*out++ = in[1];
			break;
		case 'u':
			used = unicode_escape(in, close, &out);
			if (!used)
				return NULL;
			break;
		default:
			return NULL;
		}
		in += used;
	}
	*out = '\0';
	r->p = close + 1;
	return (char *)text;
}

/* What strtod takes of the run of number characters must be all of it. */
static bool read_number(reader *r, cJSON *item)
{
	char run[NUMBER_MAX + 1], *after;
	size_t len = 0;

	while (r->p + len < r->end && len < NUMBER_MAX && r->p[len] &&
	       strchr("0123456789+-eE.", r->p[len]))
		len++;
	memcpy(run, r->p, len);
	run[len] = '\0';
	item->valuedouble = strtod(run, &after);
	if (after == run)
		return false;
	item->valueint = item->valuedouble >= INT32_MAX   ? INT32_MAX
	                 : item->valuedouble <= INT32_MIN ? INT32_MIN
	                                                  : (int)item->valuedouble;
	r->p += after - run;
	return true;
}

static cJSON *read_value(reader *r);

/* Links item after *last under parent, as cJSON does (child->prev is the last). */
static void append(cJSON *parent, cJSON **last, cJSON *item)
{
	if (!*last) {
		parent->child = item;
	} else {
		(*last)->next = item;
		item->prev = *last;
	}
	*last = item;
	parent->child->prev = item;
}

static cJSON *read_array(reader *r)
{
	cJSON *array = new_item(r, cJSON_Array), *last = NULL;

	if (r->depth >= CJSON_NESTING_LIMIT)
		return NULL;
	r->depth++;
	r->p++;
	skip_space(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		r->depth--;
		return array;
	}
	for (;;) {
		cJSON *item;
		skip_space(r);
		if (!(item = read_value(r)))
			return NULL;
		append(array, &last, item);
		skip_space(r);
		if (r->p >= r->end)
			return NULL;
		if (*r->p == ']')
			break;
		if (*r->p++ != ',')
			return NULL;
	}
	r->p++;
	r->depth--;
	return array;
}

static cJSON *read_object(reader *r)
{
	cJSON *object = new_item(r, cJSON_Object), *last = NULL;

	if (r->depth >= CJSON_NESTING_LIMIT)
		return NULL;
	r->depth++;
	r->p++;
	skip_space(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		r->depth--;
		return object;
	}
	for (;;) {
		char *key;
		cJSON *item;
		skip_space(r);
		if (!(key = read_string(r)))
			return NULL;
		skip_space(r);
		if (r->p >= r->end || *r->p++ != ':')
			return NULL;
		skip_space(r);
		if (!(item = read_value(r)))
			return NULL;
		item->string = key;
		append(object, &last, item);
		skip_space(r);
		if (r->p >= r->end)
			return NULL;
		if (*r->p == '}')
			break;
		if (*r->p++ != ',')
			return NULL;
	}
	r->p++;
	r->depth--;
	return object;
}

static cJSON *read_value(reader *r)
{
	cJSON *item;

	if (r->p >= r->end)
		return NULL;
	if (literal(r, "null"))
		return new_item(r, cJSON_NULL);
	if (literal(r, "false"))
		return new_item(r, cJSON_False);
	if (literal(r, "true")) {
		item = new_item(r, cJSON_True);
		item->valueint = 1;
		return item;
	}
	switch (*r->p) {
	case '"': {
		char *text = read_string(r);
		if (!text)
			return NULL;
		item = new_item(r, cJSON_String);
		item->valuestring = text;
		return item;
	}
	case '[':
		return read_array(r);
	case '{':
		return read_object(r);
	default:
		if (*r->p != '-' && (*r->p < '0' || *r->p > '9'))
			return NULL;
		item = new_item(r, cJSON_Number);
		return read_number(r, item) ? item : NULL;
	}
}

const cJSON *sc_api_page_json_parse(sc_api_page_json *pool, const char *text, size_t len)
{
	reader r = {pool, NULL, NULL, 0};

	if (!text || !len)
		return NULL;
	r.p = (const unsigned char *)text;
	r.end = r.p + len;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		r.p += 3;
	skip_space(&r);
	return read_value(&r);
}

void sc_api_page_json_release(sc_api_page_json *pool)
{
	for (struct page_json_block *b = pool->blocks, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	pool->blocks = NULL;
}
