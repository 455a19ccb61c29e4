/* GET /sandboxes: filters, pages, the page token. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/kv.h"
#include "common/mem.h"
#include "sandboxd/service.h"
#include "sandboxd/private/token.h"

#define SD_LIST_DEFAULT_LIMIT 100
#define SD_LIST_MAX_LIMIT     100

typedef struct list_query {
	bool want_running, want_paused; /* both false: every state */
	sc_kv metadata;                 /* every pair must match */
	long limit;
	bool has_position;
	int64_t started_at;
	char id[SD_ID_MAX];
} list_query;

static int parse_states(list_query *q, const char *value, sd_response *response)
{
	const char *p = value;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (len == 7 && !strncmp(p, "running", 7))
			q->want_running = true;
		else if (len == 6 && !strncmp(p, "paused", 6))
			q->want_paused = true;
		else if (len) {
			sd_response_error(
			    response, 400,
			    "state: unknown state '%.*s' (expected running or paused)",
			    (int)(len > 64 ? 64 : len), p);
			return -1;
		}
		p += len;
		p += *p == ',';
	}
	return 0;
}

static int hex_value(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Form-decodes n bytes of text: '+' is a space, %XX a byte. */
static char *form_decode(const char *text, size_t n)
{
	char *out = sc_malloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '+') {
			*o++ = ' ';
		} else if (text[i] == '%' && i + 2 < n && hex_value(text[i + 1]) >= 0 &&
		           hex_value(text[i + 2]) >= 0) {
			*o++ =
			    (char)(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
			i += 2;
		} else {
			*o++ = text[i];
		}
	}
	*o = '\0';
	return out;
}

/* E2B's metadata=<urlencoded "k=v&k2=v2">, already decoded once by the server. */
static void parse_e2b_metadata(list_query *q, const char *value)
{
	const char *p = value;
	while (*p) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		if (len) {
			size_t key_len = eq ? (size_t)(eq - p) : len;
			char *key = form_decode(p, key_len);
			char *val =
			    eq ? form_decode(eq + 1, len - key_len - 1) : sc_strdup("");
			sc_kv_set(&q->metadata, key, val);
			free(key);
			free(val);
		}
		p += len;
		p += *p == '&';
	}
}

static int parse_limit(list_query *q, const char *value, sd_response *response)
{
	char *end;
	long limit = strtol(value, &end, 10);
	if (!*value || *end || !isdigit((unsigned char)value[0]) || limit < 1 ||
	    limit > SD_LIST_MAX_LIMIT) {
		sd_response_error(response, 400, "limit: must be an integer from 1 to %d",
		                  SD_LIST_MAX_LIMIT);
		return -1;
	}
	q->limit = limit;
	return 0;
}

static int parse_param(list_query *q, const sd_param *param, sd_response *response)
{
	const char *key = param->key, *value = param->value;
	size_t key_len = strlen(key);

	if (!strcmp(key, "state"))
		return parse_states(q, value, response);
	if (!strcmp(key, "limit"))
		return parse_limit(q, value, response);
	if (!strcmp(key, "nextToken")) {
		if (sd_token_decode(value, &q->started_at, q->id)) {
			sd_response_error(response, 400,
			                  "nextToken: not a valid page token");
			return -1;
		}
		q->has_position = true;
		return 0;
	}
	if (!strcmp(key, "metadata")) {
		parse_e2b_metadata(q, value);
		return 0;
	}
	if (!strcmp(key, "metadata[]")) {
		/* Dropping it would list everything: a filter that filters nothing. */
		sd_response_error(response, 400, "metadata[]: the label key is empty");
		return -1;
	}
	if (key_len > 10 && !strncmp(key, "metadata[", 9) && key[key_len - 1] == ']') {
		char *name = sc_strndup(key + 9, key_len - 10);
		sc_kv_set(&q->metadata, name, value);
		free(name);
	}
	return 0;
}

static bool matches(const list_query *q, const sd_sandbox *sandbox, bool use_metadata)
{
	if ((q->want_running || q->want_paused) &&
	    !(sandbox->paused ? q->want_paused : q->want_running))
		return false;
	if (!use_metadata)
		return true;
	for (size_t i = 0; i < q->metadata.count; i++) {
		const char *value =
		    sc_kv_get(&sandbox->metadata, q->metadata.pairs[i].key);
		if (!value || strcmp(value, q->metadata.pairs[i].value))
			return false;
	}
	return true;
}

static void write_page(sd_call *call, const list_query *q)
{
	const sd_store *store = &call->service->store;
	bool use_metadata = !call->settings.ignore_metadata_filter;
	size_t i =
	    sd_store_list_from(store, q->started_at, q->has_position ? q->id : NULL);
	const sd_sandbox *last = NULL;
	long n = 0;
	sc_buf *out = &call->response->body;

	sc_buf_putc(out, '[');
	while (i-- > 0) {
		const sd_sandbox *sandbox = store->order[i];
		if (!matches(q, sandbox, use_metadata))
			continue;
		if (n == q->limit) {
			call->response->next_token =
			    sd_token_encode(last->started_at, last->id);
			break;
		}
		if (n)
			sc_buf_putc(out, ',');
		sd_sandbox_write_json(out, sandbox, SD_VIEW_LIST, call->mono_now);
		last = sandbox;
		n++;
	}
	sc_buf_putc(out, ']');
}

void sd_api_list(sd_call *call)
{
	list_query q;
	memset(&q, 0, sizeof(q));
	q.limit = SD_LIST_DEFAULT_LIMIT;
	for (size_t i = 0; i < call->request->query_count; i++) {
		if (parse_param(&q, &call->request->query[i], call->response))
			goto done;
	}
	call->response->status = 200;
	sc_buf_reset(&call->response->body);
	write_page(call, &q);
done:
	sc_kv_release(&q.metadata);
}
