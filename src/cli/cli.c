/* The command table, help made from the tables, and dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/private/option_table.h"

const sc_cli_command *const sc_cli_commands[] = {
    &sc_cmd_apply, &sc_cmd_plan,    &sc_cmd_validate, &sc_cmd_get,
    &sc_cmd_delete, &sc_cmd_agent, &sc_cmd_version, &sc_cmd_options,
    NULL,
};

const sc_cli_command *sc_cli_find_command(const char *name)
{
	for (size_t i = 0; sc_cli_commands[i]; i++) {
		if (!strcmp(sc_cli_commands[i]->name, name))
			return sc_cli_commands[i];
	}
	return NULL;
}

/* -o's help line: "text (default) or json", from the command's formats. */
static void output_help(char *out, size_t size, const char *formats)
{
	const char *space = strchr(formats, ' ');
	size_t first = space ? (size_t)(space - formats) : strlen(formats);
	int at = snprintf(out, size, "%.*s (default)", (int)first, formats);
	while (space && at > 0 && (size_t)at < size) {
		const char *next = strchr(space + 1, ' ');
		size_t len = next ? (size_t)(next - space - 1) : strlen(space + 1);
		at += snprintf(out + at, size - (size_t)at, "%s%.*s", next ? ", " : " or ",
		               (int)len, space + 1);
		space = next;
	}
}

/* "  -f, --filename PATH   help", continued lines under the help column. */
static void print_option(FILE *out, const sc_cli_command *command, const sc_cli_option *option)
{
	char left[64], formats[96];
	const char *help = option->help;

	if (option->short_name)
		snprintf(left, sizeof(left), "-%c, --%s%s%s", option->short_name, option->name,
		         option->value ? " " : "", option->value ? option->value : "");
	else
		snprintf(left, sizeof(left), "--%s%s%s", option->name, option->value ? " " : "",
		         option->value ? option->value : "");
	if (!help) {
		output_help(formats, sizeof(formats), command->outputs ? command->outputs : "text");
		help = formats;
	}
	fprintf(out, "  %-20s  ", left);
	for (const char *p = help; *p; p++) {
		fputc(*p, out);
		if (*p == '\n')
			fprintf(out, "%24s", "");
	}
	fputc('\n', out);
}

static void print_options(FILE *out, const sc_cli_command *command)
{
	const char *group = NULL;

	for (int id = 0; id < SC_OPT_COUNT; id++) {
		const sc_cli_option *option = &sc_cli_option_table[id];
		if (!(command->takes & SC_OPT(id)) || option->hidden)
			continue;
		if (!group || strcmp(group, option->group))
			fprintf(out, "%s:\n", option->group);
		group = option->group;
		print_option(out, command, option);
	}
}

void sc_cli_print_help(FILE *out, const sc_cli_command *command)
{
	if (command) {
		fprintf(out, "usage: %s\n\n%s\n", command->usage, command->help);
		print_options(out, command);
		return;
	}
	fprintf(out, "usage: sc-apply [COMMAND] -f PATH... [options]\n\n"
	             "Keeps SeaCloud sandboxes exactly as YAML specs declare them.\n\n"
	             "Commands:\n");
	for (size_t i = 0; sc_cli_commands[i]; i++)
		fprintf(out, "  %-10s %s\n", sc_cli_commands[i]->name, sc_cli_commands[i]->summary);
	fprintf(out, "\nWithout a command, sc-apply applies. 'sc-apply COMMAND --help' tells more.\n"
	             "Exit codes: 0 ok, 1 failed, 2 plan has changes, 64 usage error.\n"
	             "Environment: SEACLOUD_API_BASE_URL, SEACLOUD_API_KEY, NO_COLOR.\n");
}

void sc_cli_print_option_names(FILE *out, const sc_cli_command *command)
{
	for (int id = 0; id < SC_OPT_COUNT; id++) {
		const sc_cli_option *option = &sc_cli_option_table[id];
		if ((command->takes & SC_OPT(id)) && !option->hidden)
			fprintf(out, "--%s\n", option->name);
	}
}

int sc_cli_main(int argc, char **argv)
{
	sc_cli_options options;
	int result = sc_cli_parse(&options, argc, argv);
	bool named = argc > 1 && argv[1][0] != '-';

	if (result == SC_EXIT_OK && options.help)
		sc_cli_print_help(stdout, named ? options.command : NULL);
	else if (result == SC_EXIT_OK && options.version)
		result = sc_cmd_version.run(&options);
	else if (result == SC_EXIT_OK)
		result = options.command->run(&options);
	sc_cli_options_release(&options);
	return result;
}
