/* GET .../templates/aliases/:alias: does a template exist? */
#include "api/templates.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "api/decode.h"
#include "api/hint.h"
#include "api/private/client_impl.h"
#include "api/retry.h"
#include "common/buf.h"
#include "common/mem.h"

#define LOOKUP_ATTEMPTS   4
#define LOOKUP_BACKOFF_MS 200L
#define LOOKUP_BACKOFF_CAP_MS 2000L

char *sc_api_template_url(const sc_api_client *client, const char *alias)
{
	const char *base = sc_api_client_base(client);
	size_t len = strlen(base);
	sc_buf url = SC_BUF_INIT;

	if (len >= 8 && !strcmp(base + len - 8, "/sandbox"))
		len -= 8;
	sc_buf_printf(&url, "%.*s/templates/aliases/", (int)len, base);
	sc_api_escape(&url, alias);
	return sc_buf_detach(&url);
}

/* A 200 body that is a JSON object with a string templateID. */
static bool names_template(const sc_api_response *response)
{
	cJSON *root = response->body.len ? cJSON_ParseWithLength(response->body.data,
	                                                         response->body.len)
	                                 : NULL;
	bool ok = cJSON_IsObject(root) &&
	          cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "templateID"));
	cJSON_Delete(root);
	return ok;
}

/*
 * A 404 from the route itself: a JSON object (an error body) that does
 * not say the route is missing. A gateway's page, an empty body or
 * "no such route" mean the route is not there.
 */
static bool answered_by_route(const sc_api_response *response)
{
	cJSON *root = response->body.len ? cJSON_ParseWithLength(response->body.data,
	                                                         response->body.len)
	                                 : NULL;
	bool ok = cJSON_IsObject(root);
	cJSON_Delete(root);
	if (ok && strstr(sc_buf_cstr(&response->body), "no such route"))
		ok = false;
	return ok;
}

/* 0 with *out set, 1 to retry, -1 on a final error; *why (malloc'd) says what failed. */
static int classify(const sc_api_response *response, sc_template_answer *out, char **why,
                    const char **hint)
{
	long status = response->status;

	if (response->transport_failed) {
		*why = sc_strdup(response->error ? response->error : "no answer");
		return 1;
	}
	if (status == 200 && names_template(response)) {
		*out = SC_TEMPLATE_FOUND;
		return 0;
	}
	if (status == 404) {
		*out = answered_by_route(response) ? SC_TEMPLATE_NOT_FOUND : SC_TEMPLATE_NO_ROUTE;
		return 0;
	}
	if (status == 405 || status == 501) {
		*out = SC_TEMPLATE_NO_ROUTE;
		return 0;
	}
	if (status == 200) {
		*why = sc_strdup("HTTP 200: the answer names no templateID");
		*hint = sc_api_hint(200, response->body.data, response->body.len, true);
		return -1;
	}
	*why = sc_api_error_message(status, response->body.data, response->body.len);
	*hint = sc_api_hint(status, response->body.data, response->body.len, false);
	return sc_api_response_retryable(response) ? 1 : -1;
}

int sc_api_template_lookup(sc_api_client *client, const char *alias,
                           sc_template_answer *out, sc_diag *diag)
{
	char *url = sc_api_template_url(client, alias);
	int result = -1;

	for (unsigned attempt = 1;; attempt++) {
		sc_api_transfer *transfer = sc_api_transfer_new(client, "GET", url, NULL, NULL);
		const sc_api_response *response = sc_api_transfer_response(transfer);
		char *why = NULL;
		const char *hint = NULL;
		long retry_after = -1;
		int rc = -1;

		if (sc_api_transfer_run(transfer, 0, diag) == 0) {
			rc = classify(response, out, &why, &hint);
			retry_after = sc_api_retry_after_ms(response->retry_after, response->date_ms);
		}
		sc_api_transfer_free(transfer);
		why = sc_api_client_scrub(client, why);
		if (rc == 1 && (attempt >= LOOKUP_ATTEMPTS || sc_api_client_stopping(client)))
			rc = -1;
		if (rc < 0 && why) {
			sc_diag_error(diag, NULL, 0, 0, "look up template '%s': %s", alias, why);
			if (hint)
				sc_diag_add(diag, SC_DIAG_HINT, NULL, 0, 0, "%s", hint);
		}
		free(why);
		if (rc <= 0) {
			result = rc;
			break;
		}
		sc_api_client_sleep(client, sc_api_backoff_ms(attempt, LOOKUP_BACKOFF_MS,
		                                              LOOKUP_BACKOFF_CAP_MS, retry_after,
		                                              NULL));
	}
	free(url);
	return result;
}
