#include "sandboxd/private/http.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "sandboxd/private/json.h"

void sd_response_init(sd_response *response)
{
	memset(response, 0, sizeof(*response));
	response->status = 200;
}

void sd_response_release(sd_response *response)
{
	sc_buf_release(&response->body);
	free(response->allow);
	free(response->next_token);
	response->allow = response->next_token = NULL;
}

static const char *error_code(int status)
{
	switch (status) {
	case 400:
		return "INVALID_REQUEST";
	case 401:
		return "UNAUTHORIZED";
	case 404:
		return "NOT_FOUND";
	case 405:
		return "METHOD_NOT_ALLOWED";
	case 409:
		return "CONFLICT";
	case 413:
		return "PAYLOAD_TOO_LARGE";
	case 429:
		return "RATE_LIMITED";
	case 502:
		return "BAD_GATEWAY";
	case 503:
		return "UNAVAILABLE";
	default:
		return status >= 500 ? "INTERNAL" : "ERROR";
	}
}

void sd_response_error(sd_response *response, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *message = sc_vasprintf(fmt, ap);
	va_end(ap);

	response->status = status;
	sc_buf_reset(&response->body);
	sc_buf_printf(&response->body, "{\"code\":%d,\"message\":", status);
	sc_json_quote(&response->body, message);
	sc_buf_printf(&response->body,
	              ",\"error\":{\"code\":\"%s\",\"details\":", error_code(status));
	sc_json_quote(&response->body, message);
	sc_buf_puts(&response->body, "},\"request_id\":");
	sc_json_quote(&response->body, response->request_id);
	sc_buf_putc(&response->body, '}');
	free(message);
}

void sd_response_empty(sd_response *response, int status)
{
	response->status = status;
	sc_buf_reset(&response->body);
}

const char *sd_request_param(const sd_request *request, const char *key)
{
	for (size_t i = 0; i < request->query_count; i++) {
		if (!strcmp(request->query[i].key, key))
			return request->query[i].value;
	}
	return NULL;
}

