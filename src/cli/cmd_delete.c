/* delete: every sandbox of the named specs, or of a whole set. */
#include "cli/cli.h"
#include "cli/private/run.h"

static int delete_sandboxes(const sc_cli_options *options)
{
	sc_session session;

	sc_session_init(&session, options);
	int result = sc_cli_run(&session, SC_RECONCILE_TEARDOWN, true);
	sc_session_release(&session);
	return result;
}

const sc_cli_command sc_cmd_delete = {
    .name = "delete",
    .run = delete_sandboxes,
    .usage = "sc-apply delete (-f PATH... | --set SET) [options]",
    .summary = "delete the sandboxes of the specs, or of a whole set",
    .help = "Deletes every sandbox of the named specs (with -f) or of the whole set\n"
            "(with --set alone). Protected sandboxes need --force; --max-delete caps\n"
            "the count.\n",
    .takes = SC_OPTS_GENERAL | SC_OPTS_INPUT | SC_OPT(SC_OPT_MAX_DELETE) |
             SC_OPT(SC_OPT_FORCE) | SC_OPTS_LOCK | SC_OPTS_EXECUTION |
             SC_OPTS_CONNECTION | SC_OPTS_OUTPUT,
    .needs = SC_NEEDS_SPECS_OR_SET,
    .outputs = "text json",
};
