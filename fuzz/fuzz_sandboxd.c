/*
 * libFuzzer harness: sc-sandboxd's request handling, apart from HTTP.
 * The input is "METHOD PATH?QUERY\n" then the body. One in-memory service
 * lives across inputs, so sequences of requests reach every state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sandboxd/service.h"

#define MAX_PARAMS 32

static sd_service *service(void)
{
	static sd_service instance;
	static int ready;
	if (!ready) {
		sd_settings settings;
		sc_diag diag = SC_DIAG_INIT;
		const char *keys[] = {"fuzz-key", NULL};
		sd_settings_defaults(&settings);
		if (sd_service_init(&instance, &settings, keys, false, NULL, &diag))
			abort();
		sc_diag_release(&diag);
		ready = 1;
	}
	return &instance;
}

/* Splits "k=v&k2" in place into params; returns how many. */
static size_t split_query(char *query, sd_param *params)
{
	size_t count = 0;
	for (char *save = NULL, *part = strtok_r(query, "&", &save); part && count < MAX_PARAMS;
	     part = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(part, '=');
		params[count].key = part;
		params[count].value = eq ? (*eq = '\0', eq + 1) : "";
		count++;
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';

	char *newline = memchr(copy, '\n', size);
	char *body = newline ? newline + 1 : NULL;
	if (newline)
		*newline = '\0';
	char *space = strchr(copy, ' ');
	char *method = copy, *path = space ? space + 1 : (char *)"/";
	if (space)
		*space = '\0';
	sd_param params[MAX_PARAMS];
	size_t param_count = 0;
	char *question = strchr(path, '?');
	if (question) {
		*question = '\0';
		param_count = split_query(question + 1, params);
	}
	sd_request request = {
		.method = method,
		.path = path,
		.query = params,
		.query_count = param_count,
		.api_key = (size & 1) ? "fuzz-key" : NULL,
		.authorization = (size & 2) ? "Bearer fuzz-key" : NULL,
		.body = body,
		.body_len = body ? size - (size_t)(body - copy) : 0,
	};
	sd_response response;
	sd_response_init(&response);
	sd_service_handle(service(), &request, &response);
	sd_response_release(&response);
	free(copy);
	return 0;
}
