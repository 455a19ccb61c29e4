/* The command table, help and dispatch. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char common_help[] =
	"Connection:\n"
	"  --api-url URL         the API base URL (default: $SEACLOUD_API_BASE_URL)\n"
	"  --api-key-file FILE   read the API key from FILE (default: $SEACLOUD_API_KEY);\n"
	"                        the key is never taken from the command line\n"
	"  --insecure            do not verify the server's TLS certificate\n"
	"  --filter-style STYLE  page: metadata[k]=v (default); e2b: metadata=k%3Dv\n"
	"  --request-timeout D   per request (default 30s)\n"
	"Output:\n"
	"  -o, --output FORMAT   text (default) or json\n"
	"  --color WHEN          auto (default: on a terminal), always or never\n"
	"  -v, --verbose         one line per HTTP request on stderr (never a secret)\n";

static const sc_cli_command commands[] = {
	{"apply", sc_cmd_apply, "sc-apply [apply] -f PATH... [options]",
	 "make the service match the specs",
	 "Reads the specs, lists the sandboxes of their sets, and creates, resumes,\n"
	 "pauses, renews, replaces or deletes sandboxes until the service matches.\n"
	 "A second apply of the same files changes nothing.\n\n"
	 "Input:\n"
	 "  -f, --filename PATH   a file, a directory (*.yaml, *.yml) or - (stdin);\n"
	 "                        repeatable\n"
	 "  --set SET             the set of specs that name none (metadata.set)\n"
	 "Safety:\n"
	 "  --prune               delete sandboxes of the set that no spec names\n"
	 "  --allow-empty         allow --prune of a set with no specs at all\n"
	 "  --max-delete N        refuse a plan that deletes more than N sandboxes\n"
	 "  --force               delete and replace protected sandboxes too\n"
	 "  --lock FILE           hold FILE locked for the run; fail if another holds it\n"
	 "Execution:\n"
	 "  --parallel N          requests in flight (default 16)\n"
	 "  --timeout D           bound on listing and on running, each (default 2m, 10m)\n"},
	{"plan", sc_cmd_plan, "sc-apply plan -f PATH... [options]",
	 "show what apply would do; exit 2 when there are changes",
	 "Like apply, but changes nothing. Exit codes: 0 no changes, 2 changes,\n"
	 "1 error. Takes apply's input and safety options.\n"},
	{"validate", sc_cmd_validate, "sc-apply validate -f PATH... [--set SET]",
	 "check the specs offline",
	 "Checks the specs without contacting the service: schema, names, labels,\n"
	 "${VAR} expansions. Every error is reported with file:line:column.\n"},
	{"get", sc_cmd_get, "sc-apply get [-f PATH... | --set SET] [-o table|json]",
	 "list the sandboxes of a set",
	 "Lists the sandboxes sc-apply manages in the sets of the specs (or --set),\n"
	 "with their state, TTL left, and whether they match their spec.\n"},
	{"delete", sc_cmd_delete, "sc-apply delete (-f PATH... | --set SET) [options]",
	 "delete the sandboxes of the specs, or of a whole set",
	 "Deletes every sandbox of the named specs (with -f) or of the whole set\n"
	 "(with --set alone). Protected sandboxes need --force; --max-delete caps\n"
	 "the count.\n"},
	{"agent", sc_cmd_agent, "sc-apply agent -f PATH... [--interval 60s] [options]",
	 "reconcile forever, every interval",
	 "Runs apply every --interval (with jitter), re-reading the files each time,\n"
	 "so a GitOps checkout that changes under it is followed. SIGHUP reconciles\n"
	 "at once; SIGTERM or SIGINT let the running cycle finish (up to --grace)\n"
	 "and exit. Failing cycles back off exponentially and recover by themselves.\n"
	 "Takes apply's input, safety and execution options.\n\n"
	 "Agent:\n"
	 "  --interval D          time between cycles (default 60s)\n"
	 "  --grace D             how long a stop waits for the running cycle (default 30s)\n"
	 "  --listen-metrics A:P  serve /metrics (Prometheus), /healthz and /readyz\n"
	 "  --log-format F        text (default) or json, one event per line on stderr\n"},
};

const sc_cli_command *sc_cli_find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	}
	return NULL;
}

void sc_cli_print_help(FILE *out, const sc_cli_command *command)
{
	if (command) {
		fprintf(out, "usage: %s\n\n%s\n%s", command->usage, command->help, common_help);
		return;
	}
	fprintf(out, "usage: sc-apply [COMMAND] -f PATH... [options]\n\n"
	             "Keeps SeaCloud sandboxes exactly as YAML specs declare them.\n\n"
	             "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nWithout a command, sc-apply applies. 'sc-apply COMMAND --help' tells more.\n"
	             "Exit codes: 0 ok, 1 failed, 2 plan has changes, 64 usage error.\n"
	             "Environment: SEACLOUD_API_BASE_URL, SEACLOUD_API_KEY, NO_COLOR.\n");
}

int sc_cli_main(int argc, char **argv)
{
	sc_cli_options options;
	int result = sc_cli_parse(&options, argc, argv);

	if (result == SC_EXIT_OK && options.help) {
		bool named = argc > 1 && argv[1][0] != '-';
		sc_cli_print_help(stdout, named ? sc_cli_find_command(options.command) : NULL);
	} else if (result == SC_EXIT_OK) {
		result = sc_cli_find_command(options.command)->run(&options);
	}
	sc_cli_options_release(&options);
	return result;
}
