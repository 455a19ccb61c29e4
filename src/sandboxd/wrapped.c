#include "sandboxd/private/wrapped.h"

#include "common/json_string.h"

void sd_wrapped_begin(sd_response *response)
{
	response->status = 200;
	sc_buf_reset(&response->body);
	sc_buf_puts(&response->body, "{\"code\":0,\"message\":\"ok\",\"data\":");
}

void sd_wrapped_end(sd_response *response)
{
	sc_buf_puts(&response->body, ",\"request_id\":");
	sc_json_quote(&response->body, response->request_id);
	sc_buf_putc(&response->body, '}');
}
