/*
 * The option table and its parser. The table is the one list of options:
 * the parser, every command's help and `sc-apply options COMMAND` (which
 * the bash completion and the man page test read) are made from it.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/private/option_table.h"
#include "common/mem.h"
#include "common/text.h"

static int usage_errorv(const sc_cli_command *command, const char *fmt, va_list ap)
{
	fputs("sc-apply: error: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (command)
		fprintf(stderr, "\n(see 'sc-apply %s --help')\n", command->name);
	else
		fputs("\n(see 'sc-apply --help')\n", stderr);
	return SC_EXIT_USAGE;
}

int sc_cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int result = usage_errorv(NULL, fmt, ap);
	va_end(ap);
	return result;
}

/* A usage error of one command: the hint names that command's help. */
static int command_usage_error(const sc_cli_command *command, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int command_usage_error(const sc_cli_command *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int result = usage_errorv(command, fmt, ap);
	va_end(ap);
	return result;
}

/* A whole decimal number in [min, max], or -1 with *ok false. */
static long parse_count(const char *text, long min, long max, bool *ok)
{
	char *end;
	errno = 0;
	long value = strtol(text, &end, 10);
	*ok = *text && !*end && !errno && value >= min && value <= max &&
	      !isspace((unsigned char)*text);
	return *ok ? value : -1;
}

long sc_cli_parse_duration(const char *text)
{
	long total = 0;
	const char *p = text;

	if (!*p)
		return -1;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return -1;
		long value = 0;
		while (isdigit((unsigned char)*p)) {
			if (value > LONG_MAX / 10 - 10)
				return -1;
			value = value * 10 + (*p++ - '0');
		}
		long unit;
		if (!strncmp(p, "ms", 2))
			unit = 1, p += 2;
		else if (*p == 's')
			unit = 1000, p++;
		else if (*p == 'm')
			unit = 60 * 1000, p++;
		else if (*p == 'h')
			unit = 3600 * 1000, p++;
		else if (!*p && p == text + strspn(text, "0123456789"))
			unit = 1000;  /* a bare number is seconds */
		else
			return -1;
		if (value > (LONG_MAX - total) / unit)
			return -1;
		total += value * unit;
	}
	return total;
}

const char *sc_cli_output_name(sc_cli_output output)
{
	switch (output) {
	case SC_OUTPUT_JSON:
		return "json";
	case SC_OUTPUT_TABLE:
		return "table";
	default:
		return "text";
	}
}

/* Whether word is one of the space-separated words of list. */
static bool in_word_list(const char *list, const char *word)
{
	size_t len = strlen(word);
	for (const char *p = list; len && (p = strstr(p, word)); p += len) {
		if ((p == list || p[-1] == ' ') && (p[len] == ' ' || !p[len]))
			return true;
	}
	return false;
}

/* "text json" → "text or json"; "a b c" → "a, b or c". */
static void describe_word_list(char *out, size_t size, const char *list)
{
	size_t words = 1, at = 0;
	for (const char *p = list; *p; p++)
		words += *p == ' ';
	size_t word = 0;
	for (const char *p = list; *p && at + 8 < size; p++) {
		if (*p != ' ') {
			out[at++] = *p;
			continue;
		}
		word++;
		const char *joint = word == words - 1 ? " or " : ", ";
		at += (size_t)snprintf(out + at, size - at, "%s", joint);
	}
	out[at < size ? at : size - 1] = '\0';
}

static int parse_output(sc_cli_options *out, const char *value)
{
	const char *formats = out->command->outputs;
	char allowed[64];

	if (!in_word_list(formats, value)) {
		describe_word_list(allowed, sizeof(allowed), formats);
		return sc_cli_usage_error("%s: -o must be %s, got \"%s\"", out->command->name,
		                          allowed, value);
	}
	out->output = !strcmp(value, "json")    ? SC_OUTPUT_JSON
	              : !strcmp(value, "table") ? SC_OUTPUT_TABLE
	                                        : SC_OUTPUT_TEXT;
	return SC_EXIT_OK;
}

static int parse_color(sc_cli_options *out, const char *value)
{
	if (!strcmp(value, "auto"))
		out->color = SC_COLOR_AUTO;
	else if (!strcmp(value, "always"))
		out->color = SC_COLOR_ALWAYS;
	else if (!strcmp(value, "never"))
		out->color = SC_COLOR_NEVER;
	else
		return sc_cli_usage_error("--color: must be auto, always or never, got \"%s\"",
		                          value);
	return SC_EXIT_OK;
}

/* A duration in (0, max_ms]; name and max_text make the message. */
static int parse_duration_option(long *out, const char *name, const char *value, long max_ms,
                                 const char *max_text)
{
	*out = sc_cli_parse_duration(value);
	if (*out <= 0)
		return sc_cli_usage_error("%s: must be a duration such as 90s, 5m or 1h, got \"%s\"",
		                          name, value);
	if (max_ms && *out > max_ms)
		return sc_cli_usage_error("%s: at most %s, got \"%s\"", name, max_text, value);
	return SC_EXIT_OK;
}

static int parse_one(sc_cli_options *out, sc_cli_option_id id, const char *arg)
{
	bool ok;

	switch (id) {
	case SC_OPT_FILENAME:
		out->paths = sc_realloc(out->paths, (out->path_count + 1) * sizeof(*out->paths));
		out->paths[out->path_count++] = arg;
		return SC_EXIT_OK;
	case SC_OPT_OUTPUT:
		return parse_output(out, arg);
	case SC_OPT_VERBOSE:
		out->verbose++;
		return SC_EXIT_OK;
	case SC_OPT_HELP:
		out->help = true;
		return SC_EXIT_OK;
	case SC_OPT_VERSION:
		out->version = true;
		return SC_EXIT_OK;
	case SC_OPT_SET:
		out->set = arg;
		return SC_EXIT_OK;
	case SC_OPT_PRUNE:
		out->prune = true;
		return SC_EXIT_OK;
	case SC_OPT_ALLOW_EMPTY:
		out->allow_empty = true;
		return SC_EXIT_OK;
	case SC_OPT_FORCE:
		out->force = true;
		return SC_EXIT_OK;
	case SC_OPT_ONLINE:
		out->online = true;
		return SC_EXIT_OK;
	case SC_OPT_INSECURE:
		out->insecure = true;
		return SC_EXIT_OK;
	case SC_OPT_MAX_DELETE:
		out->max_delete = parse_count(arg, 0, 1000000, &ok);
		return ok ? SC_EXIT_OK
		          : sc_cli_usage_error("--max-delete: must be a whole number from 0, got \"%s\"",
		                               arg);
	case SC_OPT_PARALLEL:
		out->parallel = (unsigned)parse_count(arg, 1, 1024, &ok);
		return ok ? SC_EXIT_OK
		          : sc_cli_usage_error("--parallel: must be a whole number from 1 to 1024, got \"%s\"",
		                               arg);
	case SC_OPT_MAX_LIST_ITEMS:
		out->max_list_items = (unsigned long)parse_count(arg, 1, 100000000, &ok);
		return ok ? SC_EXIT_OK
		          : sc_cli_usage_error("--max-list-items: must be a whole number from 1 to "
		                               "100000000, got \"%s\"",
		                               arg);
	case SC_OPT_COLOR:
		return parse_color(out, arg);
	case SC_OPT_NO_COLOR:
		out->color = SC_COLOR_NEVER;
		return SC_EXIT_OK;
	case SC_OPT_API_URL:
		out->api_url = arg;
		return SC_EXIT_OK;
	case SC_OPT_API_KEY_FILE:
		out->api_key_file = arg;
		return SC_EXIT_OK;
	case SC_OPT_CA_FILE:
		out->ca_file = arg;
		return SC_EXIT_OK;
	case SC_OPT_API_KEY:
		/* Never take a secret from argv: every user on the host can read it. */
		return sc_cli_usage_error("--api-key is not accepted: a key on the command line "
		                          "is visible to every user of this host; set "
		                          "SEACLOUD_API_KEY or use --api-key-file FILE");
	case SC_OPT_FILTER_STYLE:
		if (strcmp(arg, "page") && strcmp(arg, "e2b"))
			return sc_cli_usage_error("--filter-style: must be page or e2b, got \"%s\"", arg);
		out->filter_style = arg;
		return SC_EXIT_OK;
	case SC_OPT_TIMEOUT:
		return parse_duration_option(&out->timeout_ms, "--timeout", arg, 0, NULL);
	case SC_OPT_REQUEST_TIMEOUT:
		return parse_duration_option(&out->request_timeout_ms, "--request-timeout", arg, 0,
		                             NULL);
	case SC_OPT_LOCK:
		out->lock_path = arg;
		return SC_EXIT_OK;
	case SC_OPT_NO_LOCK:
		out->no_lock = true;
		return SC_EXIT_OK;
	case SC_OPT_LOCK_WAIT:
		if (!strcmp(arg, "0")) {
			out->lock_wait_ms = 0;
			return SC_EXIT_OK;
		}
		return parse_duration_option(&out->lock_wait_ms, "--lock-wait", arg, 0, NULL);
	case SC_OPT_PLAN:
		out->plan_path = arg;
		return SC_EXIT_OK;
	case SC_OPT_OUT:
		out->out_path = arg;
		return SC_EXIT_OK;
	case SC_OPT_LOG_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return sc_cli_usage_error("--log-format: must be text or json, got \"%s\"", arg);
		out->log_format = arg;
		return SC_EXIT_OK;
	case SC_OPT_INTERVAL:
		return parse_duration_option(&out->interval_ms, "--interval", arg,
		                             24L * 3600 * 1000, "24h");
	case SC_OPT_GRACE:
		return parse_duration_option(&out->grace_ms, "--grace", arg, 3600L * 1000, "1h");
	case SC_OPT_LISTEN_METRICS:
		out->listen_metrics = arg;
		return SC_EXIT_OK;
	case SC_OPT_COUNT:
		break;
	}
	return SC_EXIT_USAGE;
}

/* A set name is a DNS-1123 label: [a-z0-9-], 1 to 63, alphanumeric at both ends. */
static bool valid_set_name(const char *set)
{
	size_t len = strlen(set);
	bool ok = len >= 1 && len <= 63 && isalnum((unsigned char)set[0]) &&
	          isalnum((unsigned char)set[len - 1]);
	for (size_t i = 0; ok && i < len; i++)
		ok = islower((unsigned char)set[i]) || isdigit((unsigned char)set[i]) ||
		     set[i] == '-';
	return ok;
}

/* What the command needs to be told before it can start. */
static int check_input(const sc_cli_options *options)
{
	const sc_cli_command *command = options->command;

	if (options->help || options->version)
		return SC_EXIT_OK;
	if (options->no_lock && (options->lock_path || options->lock_wait_ms >= 0))
		return sc_cli_usage_error("--no-lock: takes no --lock or --lock-wait with it");
	if (options->set && !valid_set_name(options->set))
		return sc_cli_usage_error("--set: must be a DNS-1123 label ([a-z0-9-], 1 to 63, "
		                          "alphanumeric at both ends), got \"%s\"",
		                          options->set);
	if (command->needs == SC_NEEDS_SPECS_OR_SET && !options->path_count && !options->set)
		return sc_cli_usage_error("%s: pass -f PATH or --set SET", command->name);
	if (command->needs == SC_NEEDS_SPECS && !options->path_count)
		return sc_cli_usage_error("%s: no specs given: pass -f FILE, -f DIRECTORY or "
		                          "-f - (stdin)",
		                          command->name);
	return command->check ? command->check(options) : SC_EXIT_OK;
}

/* getopt_long's table, made from the option table; val is the option's id + 1000. */
static struct option *getopt_table(char *shorts, size_t shorts_size)
{
	struct option *table = sc_calloc(SC_OPT_COUNT + 1, sizeof(*table));
	size_t at = 0;

	shorts[at++] = ':';
	for (int id = 0; id < SC_OPT_COUNT; id++) {
		const sc_cli_option *option = &sc_cli_option_table[id];
		table[id] = (struct option){option->name,
		                            option->value ? required_argument : no_argument, NULL,
		                            1000 + id};
		if (option->short_name && at + 3 < shorts_size) {
			shorts[at++] = option->short_name;
			if (option->value)
				shorts[at++] = ':';
		}
	}
	shorts[at] = '\0';
	return table;
}

static int short_option_id(int c)
{
	for (int id = 0; id < SC_OPT_COUNT; id++) {
		if (c && sc_cli_option_table[id].short_name == c)
			return id;
	}
	return -1;
}

/* What getopt refused, said as text: never a raw byte of a long option's val. */
static int unknown_option(const char *word, int optopt_value)
{
	if (word && !strncmp(word, "--", 2)) {
		char *copy = sc_strdup(word);
		char *equals = strchr(copy, '=');
		if (equals)
			*equals = '\0';
		const sc_cli_option *known = sc_cli_option_find(copy + 2);
		int result;
		sc_text_make_printable(copy);
		if (known && equals && !known->value)
			result = sc_cli_usage_error("option \"%s\" takes no value", copy);
		else
			result = sc_cli_usage_error("unknown option \"%s\"", copy);
		free(copy);
		return result;
	}
	if (optopt_value > 32 && optopt_value < 127)
		return sc_cli_usage_error("unknown option \"-%c\"", optopt_value);
	char *copy = sc_strdup(word ? word : "?");
	sc_text_make_printable(copy);
	int result = sc_cli_usage_error("unknown option \"%s\"", copy);
	free(copy);
	return result;
}

static int not_taken(const sc_cli_command *command, int id)
{
	const sc_cli_option *option = &sc_cli_option_table[id];
	return command_usage_error(command, "%s: option \"--%s\" is not taken by this command",
	                           command->name, option->name);
}

static void set_defaults(sc_cli_options *out, const sc_cli_command *command)
{
	memset(out, 0, sizeof(*out));
	out->command = command;
	out->max_delete = -1;
	out->lock_wait_ms = -1;
	out->parallel = 16;
	out->interval_ms = 60 * 1000;
	out->grace_ms = 30 * 1000;
	if (command->outputs)
		out->output = !strncmp(command->outputs, "table", 5)  ? SC_OUTPUT_TABLE
		              : !strncmp(command->outputs, "json", 4) ? SC_OUTPUT_JSON
		                                                      : SC_OUTPUT_TEXT;
}

int sc_cli_parse(sc_cli_options *out, int argc, char **argv)
{
	const sc_cli_command *command = &sc_cmd_apply;
	int first = 1;

	if (argc > 1 && argv[1][0] != '-') {
		command = sc_cli_find_command(argv[1]);
		if (!command) {
			set_defaults(out, &sc_cmd_apply);
			char *name = sc_strdup(argv[1]);
			sc_text_make_printable(name);
			sc_cli_usage_error("unknown command \"%s\"", name);
			free(name);
			return SC_EXIT_USAGE;
		}
		first = 2;
	}
	set_defaults(out, command);
	/* getopt_long scans from optind; keep argv[0] in front of the rest. */
	char **rest = sc_calloc((size_t)(argc - first + 2), sizeof(char *));
	int rest_count = 0;
	rest[rest_count++] = argv[0];
	for (int i = first; i < argc; i++)
		rest[rest_count++] = argv[i];
	char shorts[2 * SC_OPT_COUNT + 2];
	struct option *table = getopt_table(shorts, sizeof(shorts));
	optind = 1;
	opterr = 0;
	int result = SC_EXIT_OK, opt;
	while (result == SC_EXIT_OK &&
	       (opt = getopt_long(rest_count, rest, shorts, table, NULL)) != -1) {
		if (opt == '?') {
			result = unknown_option(rest[optind - 1], optopt);
			continue;
		}
		if (opt == ':') {
			result = sc_cli_usage_error("option \"%s\" needs a value", rest[optind - 1]);
			continue;
		}
		int id = opt >= 1000 ? opt - 1000 : short_option_id(opt);
		if (id < 0)
			result = unknown_option(rest[optind - 1], opt);
		else if (!(command->takes & SC_OPT(id)))
			result = not_taken(command, id);
		else
			result = parse_one(out, (sc_cli_option_id)id, optarg);
	}
	if (result == SC_EXIT_OK && optind < rest_count && command->takes_operand)
		out->operand = rest[optind++];
	if (result == SC_EXIT_OK && optind < rest_count) {
		char *word = sc_strdup(rest[optind]);
		sc_text_make_printable(word);
		result = sc_cli_usage_error("unexpected argument \"%s\" (paths go after -f)", word);
		free(word);
	}
	if (result == SC_EXIT_OK)
		result = check_input(out);
	free(table);
	free(rest);
	return result;
}

void sc_cli_options_release(sc_cli_options *options)
{
	free(options->paths);
	options->paths = NULL;
	options->path_count = 0;
}
