/*
 * libFuzzer harness: the list loop at the HTTP level. The input is a
 * script of answers, split at "\n--\n"; request N gets answer N (cycling).
 * Each answer: byte 0 picks the status, byte 1 flags what goes with it
 * (an X-Next-Token header from the next line, a Retry-After, a Date, an
 * extra raw header line, or no answer at all), the rest is the body. A
 * loopback server thread (tests/support/script_server) plays it to
 * sc_api_list. Besides ASan/UBSan/LSan, the harness checks the promises:
 * the list ends (bounded by its time limit, item limit and cycle check),
 * holds only plain ids and printable labels, never more than its limit,
 * and no message carries the key or a terminal control.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/client.h"
#include "common/text.h"
#include "support/script_server.h"

#define KEY       "fz-\"key\"\\/ 9"
#define MAX_ITEMS 300
#define SEPARATOR "\n--\n"

enum {
	FLAG_TOKEN = 1,       /* X-Next-Token: the next line */
	FLAG_RETRY_AFTER = 2, /* Retry-After: 0 */
	FLAG_DATE = 4,        /* a Date header */
	FLAG_RAW_HEADER = 8,  /* the next line as a header line, as it is */
	FLAG_NO_ANSWER = 16,  /* close the connection without an answer */
	FLAG_KEY_TOKEN = 32,  /* X-Next-Token: the key */
};

typedef struct answer {
	const char *data;
	size_t len;
} answer;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static answer answers[64];
static size_t answer_count;
static unsigned served;

static const int statuses[] = {200, 200, 200, 200, 201, 204, 301, 400,
                               401, 404, 408, 429, 500, 502, 503, 200};

/* The next line of a (up to '\n'), taken off the front; malloc'd, CR and LF out. */
static char *take_line(answer *a)
{
	const char *nl = memchr(a->data, '\n', a->len);
	size_t n = nl ? (size_t)(nl - a->data) : a->len;
	char *line = malloc(n + 1);
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (a->data[i] != '\r' && a->data[i] != '\0')
			line[w++] = a->data[i];
	}
	line[w] = '\0';
	a->data += nl ? n + 1 : n;
	a->len -= nl ? n + 1 : n;
	return line;
}

static void play(void *ctx, const test_script_request *request, test_script_reply *reply)
{
	(void)ctx;
	(void)request;
	pthread_mutex_lock(&lock);
	answer a = answer_count ? answers[served++ % answer_count] : (answer){"", 0};
	pthread_mutex_unlock(&lock);
	unsigned char status = a.len ? (unsigned char)a.data[0] : 0;
	unsigned char flags = a.len > 1 ? (unsigned char)a.data[1] : 0;
	a.data += a.len > 2 ? 2 : a.len;
	a.len -= a.len > 2 ? 2 : a.len;
	if (flags & FLAG_NO_ANSWER)
		return;
	reply->status = statuses[status % 16];
	if (flags & FLAG_TOKEN) {
		char *token = take_line(&a), *line = malloc(strlen(token) + 16);
		sprintf(line, "X-Next-Token: %s", token);
		test_script_reply_header(reply, line);
		free(line);
		free(token);
	}
	if (flags & FLAG_KEY_TOKEN)
		test_script_reply_header(reply, "X-Next-Token: " KEY);
	if (flags & FLAG_RETRY_AFTER)
		test_script_reply_header(reply, "Retry-After: 0");
	if (flags & FLAG_DATE)
		test_script_reply_header(reply, "Date: Tue, 01 Dec 2026 12:00:00 GMT");
	if (flags & FLAG_RAW_HEADER) {
		char *line = take_line(&a);
		if (line[0] && strchr(line, ':'))
			test_script_reply_header(reply, line);
		free(line);
	}
	reply->body = malloc(a.len + 1);
	memcpy(reply->body, a.data, a.len);
	reply->body_len = a.len;
}

static void split(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	answer_count = 0;
	while (answer_count < 64) {
		const char *sep = NULL;
		for (const char *q = p; q + 4 <= end; q++) {
			if (!memcmp(q, SEPARATOR, 4)) {
				sep = q;
				break;
			}
		}
		answers[answer_count++] = (answer){p, (size_t)((sep ? sep : end) - p)};
		if (!sep)
			break;
		p = sep + 4;
	}
}

/* The key in each form a server may echo it in (a cut-off prefix is not the key). */
static const char *const key_forms[] = {KEY, "fz-\\\"key\\\"\\\\/ 9",
                                        "fz-\\\"key\\\"\\\\\\/ 9",
                                        "fz-%22key%22%5C%2F%209", NULL};

static void check_message(const char *message)
{
	if (!sc_text_is_printable(message, strlen(message)))
		__builtin_trap();
	for (int i = 0; key_forms[i]; i++) {
		if (strstr(message, key_forms[i]))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static test_script_server server;
	static int started;
	sc_api_client *client;
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};

	if (!started) {
		if (test_script_server_start(&server, play, NULL))
			abort();
		started = 1;
	}
	pthread_mutex_lock(&lock);
	split(data, size);
	served = 0;
	pthread_mutex_unlock(&lock);
	sc_api_config config = {.base_url = server.base_url,
	                        .api_key = KEY,
	                        .request_timeout_ms = 1000,
	                        .list_attempts = 2,
	                        .list_backoff_ms = 1,
	                        .list_timeout_ms = 300,
	                        .max_list_items = MAX_ITEMS};
	if (sc_api_client_new(&client, &config, &diag))
		abort();
	int rc = sc_api_list(client, NULL, &list, &diag);
	if (rc == 0 && list.count > MAX_ITEMS)
		__builtin_trap();
	for (size_t i = 0; i < list.count; i++) {
		const sc_sandbox *sb = &list.items[i];
		if (!sc_api_id_plain(sb->id))
			__builtin_trap();
		for (size_t j = 0; j < sb->metadata.count; j++) {
			const sc_kv_pair *pair = &sb->metadata.pairs[j];
			if (!sc_text_is_printable(pair->key, strlen(pair->key)) ||
			    !sc_text_is_printable(pair->value, strlen(pair->value)))
				__builtin_trap();
		}
		if (sb->status && !sc_text_is_printable(sb->status, strlen(sb->status)))
			__builtin_trap();
	}
	for (size_t i = 0; i < diag.count; i++)
		check_message(diag.entries[i].message);
	sc_sandbox_list_release(&list);
	sc_diag_release(&diag);
	sc_api_client_free(client);
	return 0;
}
