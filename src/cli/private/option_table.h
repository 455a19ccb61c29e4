/*
 * The one list of sc-apply's options: name, value, group and help text,
 * indexed by sc_cli_option_id. Private to src/cli/.
 */
#ifndef SC_CLI_OPTION_TABLE_H
#define SC_CLI_OPTION_TABLE_H

#include <stdbool.h>

#include "cli/cli.h"

typedef struct sc_cli_option {
	const char *name;   /* the long name, without "--" */
	char short_name;    /* 0: none */
	const char *value;  /* what the value is called in help; NULL: a flag */
	const char *group;  /* the heading help lists it under */
	const char *help;   /* one line or more, each continued line indented */
	bool hidden;        /* known (to refuse it helpfully) but never offered */
} sc_cli_option;

extern const sc_cli_option sc_cli_option_table[SC_OPT_COUNT];

/* The option named name (without "--"), or NULL. */
const sc_cli_option *sc_cli_option_find(const char *name);

#endif
