#include "api/private/client_impl.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/request.h"
#include "common/mem.h"
#include "common/text.h"
#include "common/timeutil.h"
#include "common/version.h"

/* A response body larger than this is cut off as an error. */
#define BODY_MAX (64u << 20)

static size_t on_body(char *data, size_t size, size_t count, void *ctx)
{
	sc_api_transfer *transfer = ctx;
	size_t len = size * count;

	if (transfer->response.body.len + len > BODY_MAX)
		return 0;
	sc_buf_put(&transfer->response.body, data, len);
	return len;
}

/* The value of a "Name: value\r\n" line when it names name, malloc'd; else NULL. */
static char *header_value(const char *line, size_t len, const char *name)
{
	size_t name_len = strlen(name);
	const char *value, *end = line + len;

	if (len <= name_len || line[name_len] != ':' || strncasecmp(line, name, name_len))
		return NULL;
	value = line + name_len + 1;
	while (value < end && (*value == ' ' || *value == '\t'))
		value++;
	while (end > value && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	return sc_strndup(value, (size_t)(end - value));
}

static void replace(char **slot, char *value)
{
	free(*slot);
	*slot = value;
}

/* Keeps Date, Retry-After and X-Next-Token of the final response. */
static size_t on_header(char *data, size_t size, size_t count, void *ctx)
{
	sc_api_transfer *transfer = ctx;
	sc_api_response *response = &transfer->response;
	size_t len = size * count;
	char *value;

	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
		/* A new response (after a 1xx): forget the previous one's headers. */
		replace(&response->retry_after, NULL);
		replace(&response->next_token, NULL);
		response->date_ms = 0;
		return len;
	}
	if ((value = header_value(data, len, "Date"))) {
		int64_t ms;
		if (!sc_time_parse_http(value, &ms))
			response->date_ms = ms;
		free(value);
	} else if ((value = header_value(data, len, "Retry-After"))) {
		replace(&response->retry_after, value);
	} else if ((value = header_value(data, len, "X-Next-Token"))) {
		replace(&response->next_token, value[0] ? value : NULL);
		if (!response->next_token)
			free(value);
	}
	return len;
}

sc_api_transfer *sc_api_transfer_new(sc_api_client *client, const char *method,
                                     const char *url, const char *body, void *user)
{
	sc_api_transfer *transfer = sc_calloc(1, sizeof(*transfer));

	transfer->client = client;
	transfer->method = sc_strdup(method);
	transfer->url = sc_strdup(url);
	transfer->body = body ? sc_strdup(body) : NULL;
	transfer->user = user;
	return transfer;
}

static void response_release(sc_api_response *response)
{
	free(response->error);
	free(response->retry_after);
	free(response->next_token);
	sc_buf_release(&response->body);
	memset(response, 0, sizeof(*response));
}

static void detach(sc_api_transfer *transfer)
{
	if (transfer->running) {
		curl_multi_remove_handle(transfer->client->multi, transfer->easy);
		transfer->client->running--;
		transfer->running = false;
	}
	if (transfer->queued)
		sc_api_client_unqueue(transfer->client, transfer);
	if (transfer->easy)
		curl_easy_cleanup(transfer->easy);
	transfer->easy = NULL;
	curl_slist_free_all(transfer->headers);
	transfer->headers = NULL;
}

void sc_api_transfer_free(sc_api_transfer *transfer)
{
	if (!transfer)
		return;
	detach(transfer);
	free(transfer->method);
	free(transfer->url);
	sc_api_secret_free(transfer->body);
	response_release(&transfer->response);
	free(transfer);
}

void sc_api_transfer_set_no_resend(sc_api_transfer *transfer)
{
	transfer->no_resend = true;
}

/* The body of a no-resend request, read by libcurl as it sends. */
static size_t on_read(char *buffer, size_t size, size_t count, void *ctx)
{
	sc_api_transfer *transfer = ctx;
	size_t room = size * count, left = transfer->body_len - transfer->body_sent;

	if (left > room)
		left = room;
	memcpy(buffer, transfer->body + transfer->body_sent, left);
	transfer->body_sent += left;
	return left;
}

/*
 * libcurl rewinds the body only to send it again: on a reused connection
 * that died before any answer came (HTTP/1.1), or a stream the server
 * refused or cut off (HTTP/2). The server may have acted on the first
 * copy, so once any of it went out the rewind is refused: the transfer
 * fails (CURLE_SEND_FAIL_REWIND) and the caller resolves the outcome
 * itself, as for any create that may have been sent.
 */
static int on_seek(void *ctx, curl_off_t offset, int origin)
{
	sc_api_transfer *transfer = ctx;

	if (origin != SEEK_SET || offset != 0)
		return CURL_SEEKFUNC_CANTSEEK;
	if (transfer->body_sent) {
		transfer->resend_refused = true;
		return CURL_SEEKFUNC_FAIL;
	}
	return CURL_SEEKFUNC_OK;
}

static struct curl_slist *request_headers(const sc_api_transfer *transfer)
{
	struct curl_slist *list = NULL;

	list = curl_slist_append(list, transfer->client->key_header);
	list = curl_slist_append(list, "Accept: application/json");
	list = curl_slist_append(list, "Expect:");
	if (transfer->body)
		list = curl_slist_append(list, "Content-Type: application/json");
	return list;
}

static void set_method(sc_api_transfer *transfer)
{
	CURL *easy = transfer->easy;

	if (transfer->body && transfer->no_resend) {
		transfer->body_len = strlen(transfer->body);
		transfer->body_sent = 0;
		curl_easy_setopt(easy, CURLOPT_POST, 1L);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)transfer->body_len);
		curl_easy_setopt(easy, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(easy, CURLOPT_READDATA, transfer);
		curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(easy, CURLOPT_SEEKDATA, transfer);
	} else if (transfer->body) {
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->body);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE,
		                 (long)strlen(transfer->body));
	} else if (!strcmp(transfer->method, "POST")) {
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, 0L);
	}
	if (strcmp(transfer->method, "GET") && strcmp(transfer->method, "POST"))
		curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, transfer->method);
}

static void set_options(sc_api_transfer *transfer, long timeout_ms)
{
	const sc_api_client *client = transfer->client;
	CURL *easy = transfer->easy;

	curl_easy_setopt(easy, CURLOPT_URL, transfer->url);
	curl_easy_setopt(easy, CURLOPT_PRIVATE, (char *)transfer);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, client->connect_timeout_ms);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, transfer);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer->error_buffer);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, "sc-apply/" SC_VERSION);
	if (client->insecure) {
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (client->ca_file)
		curl_easy_setopt(easy, CURLOPT_CAINFO, client->ca_file);
	/*
	 * Connections outlive transfers in the multi handle's cache: every
	 * request reuses one when it can. Over TLS (where ALPN may offer
	 * HTTP/2) a new transfer waits for a connection being set up rather
	 * than opening its own, so that they all share it, multiplexed. Plain
	 * http:// is never HTTP/2 here: waiting there would hold every other
	 * transfer until the first one's answer (parallel lists, one per set).
	 */
	if (!strncasecmp(transfer->url, "https://", 8))
		curl_easy_setopt(easy, CURLOPT_PIPEWAIT, 1L);
	if (client->share)
		curl_easy_setopt(easy, CURLOPT_SHARE, client->share);
	set_method(transfer);
}

int sc_api_transfer_start(sc_api_transfer *transfer, long timeout_ms, sc_diag *diag)
{
	sc_api_client *client = transfer->client;

	detach(transfer);
	response_release(&transfer->response);
	transfer->finished = false;
	transfer->resend_refused = false;
	transfer->error_buffer[0] = '\0';
	transfer->easy = curl_easy_init();
	if (!transfer->easy)
		return sc_diag_error(diag, NULL, 0, 0,
		                     "api: libcurl failed to make a handle");
	transfer->headers = request_headers(transfer);
	if (timeout_ms <= 0 || timeout_ms > client->request_timeout_ms)
		timeout_ms = client->request_timeout_ms;
	set_options(transfer, timeout_ms);
	if (curl_multi_add_handle(client->multi, transfer->easy) != CURLM_OK) {
		detach(transfer);
		return sc_diag_error(diag, NULL, 0, 0, "api: libcurl refused a transfer");
	}
	transfer->running = true;
	transfer->started_ms = sc_time_monotonic_ms();
	client->running++;
	return 0;
}

/*
 * Takes the API key out of everything the server sent back before anyone
 * reads it: a server that echoes the request must not get the key printed
 * in an error, a -v line (a page token becomes a URL) or a log. The
 * transport error is made printable too: it may quote the server.
 */
static void scrub_response(const sc_api_client *client, sc_api_response *response)
{
	sc_scrub_buf(&client->scrub, &response->body);
	response->error = sc_scrub_text(&client->scrub, response->error);
	response->retry_after = sc_scrub_text(&client->scrub, response->retry_after);
	response->next_token = sc_scrub_text(&client->scrub, response->next_token);
	if (response->error)
		sc_text_make_printable(response->error);
}

/*
 * One -v line: method, URL, status or error, time, and whether it opened a
 * connection. Never a header or a body.
 */
static void trace(const sc_api_transfer *transfer)
{
	const sc_api_client *client = transfer->client;
	const sc_api_response *response = &transfer->response;
	const char *fresh = response->new_connections ? ", new connection" : "";
	char *line;

	if (!client->trace)
		return;
	if (response->transport_failed)
		line = sc_asprintf("%s %s -> error: %s (%lld ms%s)", transfer->method,
		                   transfer->url, response->error,
		                   (long long)response->duration_ms, fresh);
	else
		line = sc_asprintf("%s %s -> %ld (%lld ms%s)", transfer->method,
		                   transfer->url, response->status,
		                   (long long)response->duration_ms, fresh);
	client->trace(client->trace_ctx, line);
	free(line);
}

void sc_api_transfer_finish(sc_api_transfer *transfer, CURLcode code)
{
	sc_api_response *response = &transfer->response;
	long status = 0, request_size = 0, connects = 0;

	curl_easy_getinfo(transfer->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(transfer->easy, CURLINFO_REQUEST_SIZE, &request_size);
	curl_easy_getinfo(transfer->easy, CURLINFO_NUM_CONNECTS, &connects);
	response->new_connections = connects > 0 ? (unsigned)connects : 0;
	transfer->client->connections += response->new_connections;
	response->duration_ms = sc_time_monotonic_ms() - transfer->started_ms;
	if (code != CURLE_OK) {
		const char *text = transfer->error_buffer[0] ? transfer->error_buffer
		                                             : curl_easy_strerror(code);
		if (transfer->resend_refused)
			text = "the connection closed before an answer (not sent again: "
			       "the server may have acted on it)";
		response->transport_failed = true;
		response->maybe_sent = request_size > 0 || status > 0 ||
		                       transfer->body_sent > 0 || transfer->resend_refused;
		response->error = sc_strdup(text);
		response->status = status;
	} else {
		response->status = status;
	}
	curl_multi_remove_handle(transfer->client->multi, transfer->easy);
	transfer->client->running--;
	transfer->running = false;
	transfer->finished = true;
	scrub_response(transfer->client, response);
	trace(transfer);
}

int sc_api_transfer_run(sc_api_transfer *transfer, long timeout_ms, sc_diag *diag)
{
	int rc;

	transfer->sync = true;
	rc = sc_api_transfer_start(transfer, timeout_ms, diag);
	while (!rc && !transfer->finished)
		rc = sc_api_client_drive(transfer->client, 1000, transfer, diag);
	transfer->sync = false;
	return rc;
}

const sc_api_response *sc_api_transfer_response(const sc_api_transfer *transfer)
{
	return &transfer->response;
}

void *sc_api_transfer_user(const sc_api_transfer *transfer)
{
	return transfer->user;
}

