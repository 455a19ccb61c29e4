/* The API client of a run: the base URL and the key, which is never kept. */
#include "reconcile/reconcile.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/file.h"
#include "common/mem.h"
#include "common/scrub.h"

/* The key from the key file (trimmed) or SEACLOUD_API_KEY; malloc'd. */
static char *read_api_key(sc_reconcile *run)
{
	const char *file = run->config->api_key_file;

	if (!file) {
		const char *env = getenv("SEACLOUD_API_KEY");
		if (!env || !*env) {
			sc_diag_error(&run->diag, NULL, 0, 0,
			              "no API key: set SEACLOUD_API_KEY or pass --api-key-file FILE");
			return NULL;
		}
		return sc_strdup(env);
	}
	char *key;
	size_t len;
	if (sc_file_read_regular(&key, &len, "API key file", file, 4096, &run->diag))
		return NULL;
	while (len && isspace((unsigned char)key[len - 1]))
		key[--len] = '\0';
	char *start = key + strspn(key, " \t\r\n");
	/* One key on one line; a NUL inside the file is refused too. */
	if (!*start || strpbrk(start, "\r\n") || strlen(key) != len) {
		sc_wipe_free(key, len);
		sc_diag_error(&run->diag, NULL, 0, 0,
		              "API key file '%s' must hold one key on one line", file);
		return NULL;
	}
	char *copy = sc_strdup(start);
	sc_wipe_free(key, len);
	return copy;
}

int sc_reconcile_connect(sc_reconcile *run)
{
	const sc_reconcile_config *config = run->config;
	const char *url = config->api_url ? config->api_url : getenv("SEACLOUD_API_BASE_URL");

	if (!url || !*url)
		return sc_diag_error(&run->diag, NULL, 0, 0,
		                     "no API URL: set SEACLOUD_API_BASE_URL or pass --api-url URL");
	char *key = read_api_key(run);
	if (!key)
		return -1;
	sc_api_config api = {
		.base_url = url,
		.api_key = key,
		.insecure = config->insecure,
		.ca_file = config->ca_file,
		.request_timeout_ms = config->request_timeout_ms,
		.list_timeout_ms = config->timeout_ms,
		.filter_style = config->filter_style,
		.max_list_items = config->max_list_items,
		.trace = config->hooks.trace,
		.trace_ctx = config->hooks.trace_ctx,
		.should_stop = config->hooks.should_stop,
		.stop_ctx = config->hooks.stop_ctx,
	};
	int result = sc_api_client_new(&run->client, &api, &run->diag);
	memset(key, 0, strlen(key));
	free(key);
	return result;
}
