/* validate: the specs, offline. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "cli/session.h"

int sc_cmd_validate(const sc_cli_options *options)
{
	sc_session session;
	int result = SC_EXIT_OK;

	sc_session_init(&session, options);
	if (sc_session_load_specs(&session))
		result = SC_EXIT_FAILED;
	if (options->output == SC_OUTPUT_JSON) {
		sc_render_context context = {.command = "validate", .session = &session};
		sc_render_json(stdout, &context, &session.diag);
	} else if (result == SC_EXIT_OK) {
		printf("valid: %zu spec%s in %zu set%s\n", session.specs.count,
		       session.specs.count == 1 ? "" : "s", session.set_count,
		       session.set_count == 1 ? "" : "s");
	}
	size_t errors = sc_diag_error_count(&session.diag);
	sc_session_flush_diag(&session);
	if (errors && options->output != SC_OUTPUT_JSON)
		fprintf(stderr, "%zu error%s\n", errors, errors == 1 ? "" : "s");
	sc_session_release(&session);
	return result;
}
