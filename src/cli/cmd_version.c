/* version: which sc-apply this is. */
#include <stdio.h>

#include "cli/cli.h"
#include "common/version.h"

static int version(const sc_cli_options *options)
{
	(void)options;
	printf("sc-apply %s\n", SC_VERSION);
	return SC_EXIT_OK;
}

const sc_cli_command sc_cmd_version = {
    .name = "version",
    .run = version,
    .usage = "sc-apply version",
    .summary = "print the version",
    .help = "Prints the version of sc-apply (the same as --version).\n",
    .takes = SC_OPTS_GENERAL,
    .needs = SC_NEEDS_NOTHING,
};
