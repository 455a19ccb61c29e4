/*
 * libFuzzer harness: the spec loader (YAML text in, specs or errors out),
 * and the writer: specs that loaded, written as YAML, load back as specs
 * that differ in no hashed part (envVars values are not written).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/spec.h"

/* Half the variables are set, so both expansion paths are reached. */
static const char *lookup(void *ctx, const char *name)
{
	(void)ctx;
	return name[0] && (name[0] & 1) ? "value" : NULL;
}

#define SALT "00112233445566778899aabbccddeeff"

/* What was loaded, written and loaded again, must be the same specs. */
static void check_round_trip(const sc_spec_list *specs, const sc_spec_load_options *options)
{
	sc_buf yaml = SC_BUF_INIT;
	sc_diag diag = SC_DIAG_INIT;
	sc_spec_list again = {0};

	if (sc_spec_write_yaml(&yaml, specs, &diag) != 0 ||
	    sc_spec_load_text(&again, "again.yaml", sc_buf_cstr(&yaml), yaml.len, options,
	                      &diag) != 0 ||
	    again.count != specs->count) {
		fprintf(stderr, "written specs do not load back:\n%s\n", sc_buf_cstr(&yaml));
		abort();
	}
	for (size_t i = 0; i < specs->count; i++) {
		char a[SC_SPEC_PARTS_LEN + 1], b[SC_SPEC_PARTS_LEN + 1];
		sc_spec_hash_parts(a, &specs->items[i], SALT);
		sc_spec_hash_parts(b, &again.items[i], SALT);
		if (strcmp(a, b) != 0) {
			fprintf(stderr, "spec %zu differs after a round trip\n", i);
			abort();
		}
	}
	sc_spec_list_release(&again);
	sc_diag_release(&diag);
	sc_buf_release(&yaml);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sc_spec_list specs = {0};
	sc_diag diag = SC_DIAG_INIT;
	sc_spec_load_options options = {.default_set = "fuzz", .lookup = lookup};

	if (sc_spec_load_text(&specs, "fuzz.yaml", (const char *)data, size, &options,
	                      &diag) == 0)
		check_round_trip(&specs, &options);
	for (size_t i = 0; i < specs.count; i++) {
		char hash[SC_SPEC_HASH_HEX + 1];
		sc_spec_hash(hash, &specs.items[i], SALT);
	}
	for (size_t i = 0; i < diag.count; i++) {
		char *line = sc_diag_format(&diag.entries[i]);
		free(line);
	}
	sc_spec_list_release(&specs);
	sc_diag_release(&diag);
	return 0;
}
