/* validate: the specs, offline. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/private/render.h"
#include "cli/private/session.h"

static int validate(const sc_cli_options *options)
{
	sc_session session;
	sc_reconcile *run = &session.run;

	sc_session_init(&session, options);
	int result = sc_reconcile_prepare(run, SC_RECONCILE_SPECS) ? SC_EXIT_FAILED : SC_EXIT_OK;
	if (options->output == SC_OUTPUT_JSON) {
		sc_render_context context = {.command = "validate", .session = &session};
		sc_render_json(stdout, &context, &run->diag);
	} else if (result == SC_EXIT_OK) {
		printf("valid: %zu spec%s in %zu set%s\n", run->specs.count,
		       run->specs.count == 1 ? "" : "s", run->set_count,
		       run->set_count == 1 ? "" : "s");
	}
	size_t errors = sc_diag_error_count(&run->diag);
	sc_session_flush_diag(&session);
	if (errors && options->output != SC_OUTPUT_JSON)
		fprintf(stderr, "%zu error%s\n", errors, errors == 1 ? "" : "s");
	sc_session_release(&session);
	return result;
}

const sc_cli_command sc_cmd_validate = {
    .name = "validate",
    .run = validate,
    .usage = "sc-apply validate -f PATH... [--set SET]",
    .summary = "check the specs offline",
    .help = "Checks the specs without contacting the service: schema, names, labels,\n"
            "${VAR} expansions. Every error is reported with file:line:column.\n",
    .takes = SC_OPTS_GENERAL | SC_OPTS_INPUT | SC_OPT(SC_OPT_OUTPUT) |
             SC_OPT(SC_OPT_COLOR) | SC_OPT(SC_OPT_NO_COLOR),
    .needs = SC_NEEDS_SPECS,
    .outputs = "text json",
};
