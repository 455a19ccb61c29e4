/* validate: the specs, offline; with --online their templates on the service too. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/private/render.h"
#include "cli/private/session.h"

/* --online: connect and look every spec's template up. */
static int check_online(sc_reconcile *run, sc_template_check *check)
{
	if (sc_reconcile_connect(run))
		return -1;
	return sc_reconcile_check_templates(run, check);
}

static void print_valid(const sc_reconcile *run, const sc_cli_options *options,
                        const sc_template_check *check)
{
	printf("valid: %zu spec%s in %zu set%s", run->specs.count,
	       run->specs.count == 1 ? "" : "s", run->set_count, run->set_count == 1 ? "" : "s");
	if (options->online && check->unchecked)
		printf(", templates unchecked");
	else if (options->online && check->found)
		printf(", templates found on the service");
	printf("\n");
}

static int validate(const sc_cli_options *options)
{
	sc_session session;
	sc_reconcile *run = &session.run;
	sc_template_check check = {0};

	sc_session_init(&session, options);
	int result = sc_reconcile_prepare(run, SC_RECONCILE_SPECS) ? SC_EXIT_FAILED : SC_EXIT_OK;
	if (result == SC_EXIT_OK && options->online && check_online(run, &check))
		result = SC_EXIT_FAILED;
	if (options->output == SC_OUTPUT_JSON) {
		sc_render_context context = {.command = "validate", .session = &session};
		sc_render_json(stdout, &context, &run->diag);
	} else if (result == SC_EXIT_OK) {
		print_valid(run, options, &check);
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
    .usage = "sc-apply validate -f PATH... [--set SET] [--online]",
    .summary = "check the specs (offline, or --online their templates too)",
    .help = "Checks the specs without contacting the service: schema, names, labels,\n"
            "${VAR} expansions. Every error is reported with file:line:column.\n"
            "With --online it also looks each spec's template up on the service\n"
            "(GET /api/v1/templates/aliases/NAME): a template the service does not\n"
            "have is an error at its spec; a service without that route leaves the\n"
            "templates unchecked (a warning, exit 0).\n",
    .takes = SC_OPTS_GENERAL | SC_OPTS_INPUT | SC_OPT(SC_OPT_ONLINE) | SC_OPT(SC_OPT_API_URL) |
             SC_OPT(SC_OPT_API_KEY_FILE) | SC_OPT(SC_OPT_API_KEY) | SC_OPT(SC_OPT_INSECURE) |
             SC_OPT(SC_OPT_REQUEST_TIMEOUT) |
             SC_OPT(SC_OPT_OUTPUT) | SC_OPT(SC_OPT_COLOR) | SC_OPT(SC_OPT_NO_COLOR) |
             SC_OPT(SC_OPT_VERBOSE),
    .needs = SC_NEEDS_SPECS,
    .outputs = "text json",
};
