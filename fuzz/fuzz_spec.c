/* libFuzzer harness: the spec loader (YAML text in, specs or errors out). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

/* Half the variables are set, so both expansion paths are reached. */
static const char *lookup(void *ctx, const char *name)
{
	(void)ctx;
	return name[0] && (name[0] & 1) ? "value" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sc_spec_list specs = {0};
	sc_diag diag = SC_DIAG_INIT;
	sc_spec_load_options options = {.default_set = "fuzz", .lookup = lookup};

	sc_spec_load_text(&specs, "fuzz.yaml", (const char *)data, size, &options, &diag);
	for (size_t i = 0; i < specs.count; i++) {
		char hash[SC_SPEC_HASH_HEX + 1];
		sc_spec_hash(hash, &specs.items[i], "00112233445566778899aabbccddeeff");
	}
	for (size_t i = 0; i < diag.count; i++) {
		char *line = sc_diag_format(&diag.entries[i]);
		free(line);
	}
	sc_spec_list_release(&specs);
	sc_diag_release(&diag);
	return 0;
}
