/*
 * The command line: options, the command table, and everything a user
 * sees. Only this part prints and chooses exit codes.
 */
#ifndef SC_CLI_CLI_H
#define SC_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes (DESIGN.md "Commands and exit codes"). */
enum {
	SC_EXIT_OK = 0,       /* converged, valid, or nothing to do */
	SC_EXIT_FAILED = 1,   /* an action failed, or bad input */
	SC_EXIT_CHANGES = 2,  /* plan: there are changes */
	SC_EXIT_USAGE = 64,   /* the command line is wrong */
};

typedef enum { SC_OUTPUT_TEXT, SC_OUTPUT_JSON, SC_OUTPUT_TABLE } sc_cli_output;
typedef enum { SC_COLOR_AUTO, SC_COLOR_ALWAYS, SC_COLOR_NEVER } sc_cli_color;

/*
 * Everything the command line said. Ownership: paths and strings point
 * into argv (never freed); the paths array is owned.
 */
typedef struct sc_cli_options {
	const char *command;        /* "apply", "plan", ... */
	const char **paths;         /* -f, in order; owned array */
	size_t path_count;
	const char *set;            /* --set */
	bool prune, allow_empty, force, insecure;
	long max_delete;            /* --max-delete; -1 none */
	unsigned parallel;          /* --parallel; default 16 */
	sc_cli_output output;       /* -o */
	bool output_given;
	sc_cli_color color;
	int verbose;                /* -v, repeatable */
	const char *api_url;        /* --api-url, else SEACLOUD_API_BASE_URL */
	const char *api_key_file;   /* --api-key-file, else SEACLOUD_API_KEY */
	const char *filter_style;   /* --filter-style page|e2b */
	long timeout_ms;            /* --timeout: bound on the whole run */
	long request_timeout_ms;    /* --request-timeout */
	const char *lock_path;      /* --lock */
	const char *log_format;     /* --log-format text|json (agent) */
	long interval_ms;           /* --interval (agent); default 60s */
	const char *listen_metrics; /* --listen-metrics ADDR:PORT (agent) */
	long grace_ms;              /* --grace (agent): how long SIGTERM waits; default 30s */
	bool help;
} sc_cli_options;

typedef struct sc_cli_command {
	const char *name;
	int (*run)(const sc_cli_options *options);
	const char *usage;          /* the synopsis line */
	const char *summary;        /* one line for the command list */
	const char *help;           /* the text after the synopsis */
} sc_cli_command;

int sc_cli_main(int argc, char **argv);

/* The commands (cmd_*.c). */
int sc_cmd_apply(const sc_cli_options *options);
int sc_cmd_plan(const sc_cli_options *options);
int sc_cmd_validate(const sc_cli_options *options);
int sc_cmd_get(const sc_cli_options *options);
int sc_cmd_delete(const sc_cli_options *options);
int sc_cmd_agent(const sc_cli_options *options);

/* Parses argv into out (argv[0] is the program). Returns SC_EXIT_OK or
 * SC_EXIT_USAGE after printing what is wrong. */
int sc_cli_parse(sc_cli_options *out, int argc, char **argv);
void sc_cli_options_release(sc_cli_options *options);
const sc_cli_command *sc_cli_find_command(const char *name);
void sc_cli_print_help(FILE *out, const sc_cli_command *command);
/* Prints "sc-apply: error: ..." to stderr; returns SC_EXIT_USAGE. */
int sc_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "90", "90s", "5m", "1h30m", "250ms" to milliseconds; -1 if malformed. */
long sc_cli_parse_duration(const char *text);

#endif
