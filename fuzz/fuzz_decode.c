/* libFuzzer harness: the API response decoders (any bytes a server may send). */
#include <stdint.h>
#include <stdlib.h>

#include "api/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox sandbox = {0};
	sc_sandbox_list list = {0};
	char *next_token = NULL;

	sc_api_decode_sandbox(&sandbox, text, size, &diag);
	sc_sandbox_release(&sandbox);
	sc_api_decode_list(&list, &next_token, text, size, &diag);
	sc_sandbox_list_release(&list);
	free(next_token);
	free(sc_api_error_message(500, text, size));
	sc_diag_release(&diag);
	return 0;
}
