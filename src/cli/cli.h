/*
 * The command line: the option table, the command table, and everything a
 * user sees. Only this part prints and chooses exit codes; the run itself
 * is src/reconcile/'s.
 */
#ifndef SC_CLI_CLI_H
#define SC_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes (docs/design.md "Commands and exit codes"). */
enum {
	SC_EXIT_OK = 0,       /* converged, valid, or nothing to do */
	SC_EXIT_FAILED = 1,   /* an action failed, or bad input */
	SC_EXIT_CHANGES = 2,  /* plan: there are changes */
	SC_EXIT_USAGE = 64,   /* the command line is wrong */
};

typedef enum { SC_OUTPUT_TEXT, SC_OUTPUT_JSON, SC_OUTPUT_TABLE } sc_cli_output;
typedef enum { SC_COLOR_AUTO, SC_COLOR_ALWAYS, SC_COLOR_NEVER } sc_cli_color;

/*
 * Every option sc-apply knows, in the order help lists them. The table of
 * names, values and help texts is options.c's; a command says which it
 * takes with a mask of these (SC_OPT(id)).
 */
typedef enum {
	SC_OPT_FILENAME,
	SC_OPT_SET,
	SC_OPT_ONLINE,
	SC_OPT_PLAN,
	SC_OPT_PRUNE,
	SC_OPT_ALLOW_EMPTY,
	SC_OPT_MAX_DELETE,
	SC_OPT_FORCE,
	SC_OPT_LOCK,
	SC_OPT_NO_LOCK,
	SC_OPT_LOCK_WAIT,
	SC_OPT_PARALLEL,
	SC_OPT_TIMEOUT,
	SC_OPT_INTERVAL,
	SC_OPT_GRACE,
	SC_OPT_LISTEN_METRICS,
	SC_OPT_LOG_FORMAT,
	SC_OPT_API_URL,
	SC_OPT_API_KEY_FILE,
	SC_OPT_API_KEY,
	SC_OPT_INSECURE,
	SC_OPT_CA_FILE,
	SC_OPT_FILTER_STYLE,
	SC_OPT_REQUEST_TIMEOUT,
	SC_OPT_MAX_LIST_ITEMS,
	SC_OPT_OUTPUT,
	SC_OPT_OUT,
	SC_OPT_COLOR,
	SC_OPT_NO_COLOR,
	SC_OPT_VERBOSE,
	SC_OPT_HELP,
	SC_OPT_VERSION,
	SC_OPT_COUNT
} sc_cli_option_id;

#define SC_OPT(id) (UINT64_C(1) << (id))
/* The groups commands take whole. --help and --version every command takes. */
#define SC_OPTS_GENERAL (SC_OPT(SC_OPT_HELP) | SC_OPT(SC_OPT_VERSION))
#define SC_OPTS_INPUT (SC_OPT(SC_OPT_FILENAME) | SC_OPT(SC_OPT_SET))
#define SC_OPTS_LOCK (SC_OPT(SC_OPT_LOCK) | SC_OPT(SC_OPT_NO_LOCK) | SC_OPT(SC_OPT_LOCK_WAIT))
#define SC_OPTS_SAFETY                                                                   \
	(SC_OPT(SC_OPT_PRUNE) | SC_OPT(SC_OPT_ALLOW_EMPTY) | SC_OPT(SC_OPT_MAX_DELETE) |     \
	 SC_OPT(SC_OPT_FORCE) | SC_OPTS_LOCK)
#define SC_OPTS_EXECUTION (SC_OPT(SC_OPT_PARALLEL) | SC_OPT(SC_OPT_TIMEOUT))
#define SC_OPTS_AGENT                                                                    \
	(SC_OPT(SC_OPT_INTERVAL) | SC_OPT(SC_OPT_GRACE) | SC_OPT(SC_OPT_LISTEN_METRICS) |   \
	 SC_OPT(SC_OPT_LOG_FORMAT))
#define SC_OPTS_CONNECTION                                                               \
	(SC_OPT(SC_OPT_API_URL) | SC_OPT(SC_OPT_API_KEY_FILE) | SC_OPT(SC_OPT_API_KEY) |    \
	 SC_OPT(SC_OPT_INSECURE) | SC_OPT(SC_OPT_CA_FILE) | SC_OPT(SC_OPT_FILTER_STYLE) |    \
	 SC_OPT(SC_OPT_REQUEST_TIMEOUT) | SC_OPT(SC_OPT_MAX_LIST_ITEMS))
#define SC_OPTS_OUTPUT                                                                   \
	(SC_OPT(SC_OPT_OUTPUT) | SC_OPT(SC_OPT_COLOR) | SC_OPT(SC_OPT_NO_COLOR) |           \
	 SC_OPT(SC_OPT_VERBOSE))

typedef struct sc_cli_command sc_cli_command;

/*
 * Everything the command line said. Ownership: paths and strings point
 * into argv (never freed); the paths array is owned.
 */
typedef struct sc_cli_options {
	const sc_cli_command *command;
	const char **paths;         /* -f, in order; owned array */
	size_t path_count;
	const char *set;            /* --set */
	bool prune, allow_empty, force, insecure;
	bool online;                /* --online (validate): look the templates up */
	long max_delete;            /* --max-delete; -1 none */
	unsigned parallel;          /* --parallel; default 16 */
	sc_cli_output output;       /* -o; the command's first format by default */
	sc_cli_color color;
	int verbose;                /* -v, repeatable */
	const char *api_url;        /* --api-url, else SEACLOUD_API_BASE_URL */
	const char *api_key_file;   /* --api-key-file, else SEACLOUD_API_KEY */
	const char *ca_file;        /* --ca-file: CA certificates (PEM) to verify the server */
	const char *filter_style;   /* --filter-style page|e2b */
	long timeout_ms;            /* --timeout: bound on listing, and on running */
	long request_timeout_ms;    /* --request-timeout */
	unsigned long max_list_items; /* --max-list-items; 0: the default */
	const char *lock_path;      /* --lock */
	bool no_lock;               /* --no-lock */
	long lock_wait_ms;          /* --lock-wait; -1: the run's bound */
	const char *plan_path;      /* --plan: apply this saved plan */
	const char *out_path;       /* --out: save the plan here (plan) */
	const char *log_format;     /* --log-format text|json (agent) */
	long interval_ms;           /* --interval (agent); default 60s */
	const char *listen_metrics; /* --listen-metrics ADDR:PORT (agent) */
	long grace_ms;              /* --grace (agent): how long SIGTERM waits; default 30s */
	const char *operand;        /* the one word after the options, where the command takes one */
	bool help, version;
} sc_cli_options;

/* What a command needs on its command line before it can start. */
typedef enum {
	SC_NEEDS_NOTHING,
	SC_NEEDS_SPECS,          /* -f */
	SC_NEEDS_SPECS_OR_SET,   /* -f or --set */
} sc_cli_needs;

/*
 * A command: one cmd_*.c defines it, and one row of cli.c's table lists
 * it. Its options are the mask takes.
 */
struct sc_cli_command {
	const char *name;
	int (*run)(const sc_cli_options *options);
	const char *usage;          /* the synopsis line */
	const char *summary;        /* one line for the command list */
	const char *help;           /* what it does, before the option list */
	uint64_t takes;             /* SC_OPT() mask, SC_OPTS_GENERAL included */
	sc_cli_needs needs;
	bool takes_operand;         /* one word after the options (e.g. a command's name) */
	const char *outputs;        /* the -o formats, "text json": the first the default */
	/* Checks what only this command minds (SC_EXIT_OK or a usage error); may be NULL. */
	int (*check)(const sc_cli_options *options);
};

/* The commands (cmd_*.c). */
extern const sc_cli_command sc_cmd_apply, sc_cmd_plan, sc_cmd_validate, sc_cmd_get,
    sc_cmd_delete, sc_cmd_agent, sc_cmd_version, sc_cmd_options;

int sc_cli_main(int argc, char **argv);

/* The command table, in the order help lists it; ends with NULL. */
extern const sc_cli_command *const sc_cli_commands[];
const sc_cli_command *sc_cli_find_command(const char *name);

/* Parses argv into out (argv[0] is the program). Returns SC_EXIT_OK or
 * SC_EXIT_USAGE after printing what is wrong. */
int sc_cli_parse(sc_cli_options *out, int argc, char **argv);
void sc_cli_options_release(sc_cli_options *options);
/* The help of command, or of sc-apply when NULL, generated from the tables. */
void sc_cli_print_help(FILE *out, const sc_cli_command *command);
/* Every long option command takes, one per line (the completion reads it). */
void sc_cli_print_option_names(FILE *out, const sc_cli_command *command);
/* Prints "sc-apply: error: ..." to stderr; returns SC_EXIT_USAGE. */
int sc_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "90", "90s", "5m", "1h30m", "250ms" to milliseconds; -1 if malformed. */
long sc_cli_parse_duration(const char *text);
/* The name -o uses for output ("text", "json", "table"). */
const char *sc_cli_output_name(sc_cli_output output);

#endif
