/*
 * A client of etcd's v3 JSON gateway: one POST at a time on an easy
 * handle, failing over between the cluster's members. A member that
 * cannot be reached, times out or answers 5xx (no leader, a partition)
 * is passed over for the next; an answer of any member that is part of
 * the quorum is as good as another's, since etcd makes reads and writes
 * linearizable through the leader.
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/mem.h"
#include "lock/lock.h"
#include "lock/private/etcd.h"

/* The most an answer may hold: a lock's range is small. */
#define SC_ETCD_MAX_ANSWER (1024 * 1024)

static size_t on_data(char *data, size_t size, size_t count, void *ctx)
{
	sc_buf *buf = ctx;
	if (buf->len + size * count > SC_ETCD_MAX_ANSWER)
		return 0;
	sc_buf_put(buf, data, size * count);
	return size * count;
}

int sc_etcd_client_init(sc_etcd_client *client, const sc_etcd_target *target,
                        long timeout_ms, sc_diag *diag)
{
	memset(client, 0, sizeof(*client));
	client->target = target;
	client->timeout_ms = timeout_ms;
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return sc_diag_error(diag, NULL, 0, 0, "etcd: cannot start libcurl");
	client->easy = curl_easy_init();
	if (!client->easy)
		return sc_diag_error(diag, NULL, 0, 0, "etcd: cannot start libcurl");
	return 0;
}

void sc_etcd_client_release(sc_etcd_client *client)
{
	if (client->easy)
		curl_easy_cleanup(client->easy);
	memset(client, 0, sizeof(*client));
}

/* What etcd said in an error answer ({"error": ..., "message": ...}), printable. */
static char *error_text(const sc_buf *answer)
{
	cJSON *json = cJSON_ParseWithLength(sc_buf_cstr(answer), answer->len);
	const cJSON *message = cJSON_GetObjectItemCaseSensitive(json, "message");
	if (!cJSON_IsString(message))
		message = cJSON_GetObjectItemCaseSensitive(json, "error");
	const char *text = cJSON_IsString(message) ? message->valuestring : "";
	char *printable = sc_lock_holder_printable(text, strlen(text));
	cJSON_Delete(json);
	return printable;
}

typedef enum { ANSWERED, TRY_NEXT, FAILED } call_outcome;

/* One POST to one member; *problem says what went wrong (malloc'd) unless ANSWERED. */
static call_outcome post_once(sc_etcd_client *client, const char *endpoint,
                              const char *path, const char *body, cJSON **out,
                              char **problem)
{
	CURL *easy = client->easy;
	sc_buf answer = SC_BUF_INIT;
	struct curl_slist *headers =
	    curl_slist_append(NULL, "Content-Type: application/json");
	char *url = sc_asprintf("%s%s", endpoint, path);
	long status = 0;
	call_outcome outcome = FAILED;

	curl_easy_reset(easy);
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, client->timeout_ms);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, client->timeout_ms);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &answer);
	CURLcode code = curl_easy_perform(easy);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	if (code != CURLE_OK) {
		*problem = sc_asprintf("%s: %s", endpoint, curl_easy_strerror(code));
		outcome = TRY_NEXT;
	} else if (status != 200) {
		char *text = error_text(&answer);
		*problem = sc_asprintf("%s: HTTP %ld%s%s", endpoint, status,
		                       *text ? ": " : "", text);
		free(text);
		outcome = status >= 500 ? TRY_NEXT : FAILED;
	} else if (!(*out = cJSON_ParseWithLength(sc_buf_cstr(&answer), answer.len)) ||
	           !cJSON_IsObject(*out)) {
		cJSON_Delete(*out);
		*out = NULL;
		*problem = sc_asprintf("%s: the answer is not a JSON object", endpoint);
		outcome = TRY_NEXT;
	} else {
		outcome = ANSWERED;
	}
	curl_slist_free_all(headers);
	free(url);
	sc_buf_release(&answer);
	return outcome;
}

int sc_etcd_call(sc_etcd_client *client, const char *path, const char *body, cJSON **out,
                 sc_diag *diag)
{
	const sc_etcd_target *target = client->target;
	char *problem = NULL;

	*out = NULL;
	for (size_t tried = 0; tried < target->count; tried++) {
		size_t index = (client->current + tried) % target->count;
		free(problem);
		problem = NULL;
		call_outcome outcome = post_once(client, target->endpoints[index], path,
		                                 body, out, &problem);
		if (outcome == ANSWERED) {
			client->current = index;
			return 0;
		}
		if (outcome == FAILED)
			break;
	}
	sc_diag_error(diag, NULL, 0, 0, "etcd %s: %s", path,
	              problem ? problem : "no member");
	free(problem);
	return -1;
}

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *sc_etcd_base64(const char *data, size_t len)
{
	const unsigned char *in = (const unsigned char *)data;
	char *out = sc_malloc((len + 2) / 3 * 4 + 1);
	size_t o = 0;

	for (size_t i = 0; i < len; i += 3) {
		unsigned long group = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			group |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < len)
			group |= in[i + 2];
		out[o++] = base64_alphabet[(group >> 18) & 63];
		out[o++] = base64_alphabet[(group >> 12) & 63];
		out[o++] = i + 1 < len ? base64_alphabet[(group >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? base64_alphabet[group & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

static int base64_value(char c)
{
	const char *at = c ? strchr(base64_alphabet, c) : NULL;
	return at ? (int)(at - base64_alphabet) : -1;
}

char *sc_etcd_unbase64(const char *text, size_t *len)
{
	size_t n = strlen(text);
	char *out;
	size_t o = 0;

	if (n % 4)
		return NULL;
	out = sc_malloc(n / 4 * 3 + 1);
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;
		for (int j = 0; j < 4; j++) {
			bool last_group = i + 4 == n;
			if (text[i + j] == '=' && last_group && j >= 2 &&
			    (j == 3 || text[i + 3] == '=')) {
				v[j] = 0;
				pad++;
				continue;
			}
			v[j] = base64_value(text[i + j]);
			if (v[j] < 0 || pad) {
				free(out);
				return NULL;
			}
		}
		unsigned long group = (unsigned long)v[0] << 18 |
		                      (unsigned long)v[1] << 12 |
		                      (unsigned long)v[2] << 6 | (unsigned long)v[3];
		out[o++] = (char)(group >> 16);
		if (pad < 2)
			out[o++] = (char)(group >> 8 & 0xff);
		if (pad < 1)
			out[o++] = (char)(group & 0xff);
	}
	out[o] = '\0';
	if (len)
		*len = o;
	return out;
}

int64_t sc_etcd_int(const cJSON *object, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, name);

	if (cJSON_IsString(item))
		return strtoll(item->valuestring, NULL, 10);
	if (cJSON_IsNumber(item))
		return (int64_t)item->valuedouble;
	return 0;
}
