/*
 * Helpers shared by the spec tests: load YAML text with a fixed set of
 * variables, and see the diagnostics as the user would.
 */
#ifndef SC_TESTS_SPEC_TEST_H
#define SC_TESTS_SPEC_TEST_H

#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "spec/spec.h"

/* Variables for ${} expansion: "NAME=value" strings, NULL-terminated. */
static const char *const *test_vars;

static inline const char *test_lookup(void *ctx, const char *name)
{
	(void)ctx;
	size_t len = strlen(name);
	for (const char *const *v = test_vars; v && *v; v++) {
		if (!strncmp(*v, name, len) && (*v)[len] == '=')
			return *v + len + 1;
	}
	return NULL;
}

static const sc_spec_load_options test_options = {NULL, test_lookup, NULL};
static const sc_spec_load_options test_options_set = {"team-a", test_lookup, NULL};

/* Every diagnostic, formatted, one per line; malloc'd. */
static inline char *test_diag_text(const sc_diag *diag)
{
	sc_buf out = SC_BUF_INIT;
	for (size_t i = 0; i < diag->count; i++) {
		char *line = sc_diag_format(&diag->entries[i]);
		sc_buf_printf(&out, "%s\n", line);
		free(line);
	}
	return sc_buf_detach(&out);
}

/*
 * Loads text as file "t.yaml" (with --set team-a when with_set) and
 * returns the diagnostics text (malloc'd); *result gets the return value.
 */
static inline char *test_load(sc_spec_list *list, const char *text, int with_set,
                              int *result)
{
	sc_diag diag = SC_DIAG_INIT;
	int r = sc_spec_load_text(list, "t.yaml", text, strlen(text),
	                          with_set ? &test_options_set : &test_options, &diag);
	if (result)
		*result = r;
	char *out = test_diag_text(&diag);
	sc_diag_release(&diag);
	return out;
}

/* The diagnostics of text, which must fail to load. */
static inline char *test_errors(const char *text)
{
	sc_spec_list list = {0};
	int r = 0;
	char *out = test_load(&list, text, 1, &r);
	if (r != -1) {
		free(out);
		out = strdup("(loaded without error)\n");
	}
	sc_spec_list_release(&list);
	return out;
}

#define MINIMAL "apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata:\n  name: web\n"

#endif
