/*
 * GET /api/v1/templates/aliases/:alias, the build plane's alias lookup the
 * SDKs make: 200 {"templateID","alias","public"} for a known template
 * (named by its alias or its id), 404 otherwise. Not wrapped: the SDKs
 * read it as is.
 */
#include "common/json_string.h"
#include "sandboxd/service.h"
#include "sandboxd/private/template.h"

void sd_api_template_alias(sd_call *call)
{
	const char *name = call->route->id;
	const sd_template *tpl = *name ? sd_template_find(name) : NULL;

	if (!*name) {
		sd_response_error(call->response, 404,
		                  "template alias not found (longer than %d characters)",
		                  SD_ID_MAX - 1);
		return;
	}
	if (!tpl) {
		sd_response_error(call->response, 404, "template alias '%s' not found",
		                  name);
		return;
	}
	call->response->status = 200;
	sc_buf_reset(&call->response->body);
	sc_buf_puts(&call->response->body, "{\"templateID\":");
	sc_json_quote(&call->response->body, tpl->id);
	sc_buf_puts(&call->response->body, ",\"alias\":");
	sc_json_quote(&call->response->body, tpl->alias);
	sc_buf_puts(&call->response->body, ",\"public\":true}");
}
