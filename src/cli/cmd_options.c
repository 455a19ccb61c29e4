/* options: the long options a command takes, one per line, for shell completion. */
#include <stdio.h>

#include "cli/cli.h"

static int list_options(const sc_cli_options *options)
{
	const sc_cli_command *command = &sc_cmd_apply;

	if (options->operand) {
		command = sc_cli_find_command(options->operand);
		if (!command)
			return sc_cli_usage_error("options: unknown command \"%s\"", options->operand);
	}
	sc_cli_print_option_names(stdout, command);
	return SC_EXIT_OK;
}

const sc_cli_command sc_cmd_options = {
    .name = "options",
    .run = list_options,
    .usage = "sc-apply options [COMMAND]",
    .summary = "list the options a command takes (for shell completion)",
    .help = "Prints every long option COMMAND (default: apply) takes, one per line.\n",
    .takes = SC_OPTS_GENERAL,
    .needs = SC_NEEDS_NOTHING,
    .takes_operand = true,
};
