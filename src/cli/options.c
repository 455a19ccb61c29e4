/* The option table and its parser: every command shares one table. */
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
#include "common/mem.h"

enum {
	OPT_SET = 1000,
	OPT_PRUNE,
	OPT_ALLOW_EMPTY,
	OPT_MAX_DELETE,
	OPT_FORCE,
	OPT_PARALLEL,
	OPT_COLOR,
	OPT_NO_COLOR,
	OPT_API_URL,
	OPT_API_KEY_FILE,
	OPT_INSECURE,
	OPT_FILTER_STYLE,
	OPT_TIMEOUT,
	OPT_REQUEST_TIMEOUT,
	OPT_LOCK,
	OPT_LOG_FORMAT,
	OPT_VERSION,
	OPT_API_KEY,
	OPT_INTERVAL,
	OPT_LISTEN_METRICS,
	OPT_GRACE,
};

static const struct option long_options[] = {
	{"filename", required_argument, NULL, 'f'},
	{"output", required_argument, NULL, 'o'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"set", required_argument, NULL, OPT_SET},
	{"prune", no_argument, NULL, OPT_PRUNE},
	{"allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY},
	{"max-delete", required_argument, NULL, OPT_MAX_DELETE},
	{"force", no_argument, NULL, OPT_FORCE},
	{"parallel", required_argument, NULL, OPT_PARALLEL},
	{"color", required_argument, NULL, OPT_COLOR},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"api-url", required_argument, NULL, OPT_API_URL},
	{"api-key-file", required_argument, NULL, OPT_API_KEY_FILE},
	{"api-key", required_argument, NULL, OPT_API_KEY},
	{"insecure", no_argument, NULL, OPT_INSECURE},
	{"filter-style", required_argument, NULL, OPT_FILTER_STYLE},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT},
	{"lock", required_argument, NULL, OPT_LOCK},
	{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
	{"version", no_argument, NULL, OPT_VERSION},
	{"interval", required_argument, NULL, OPT_INTERVAL},
	{"listen-metrics", required_argument, NULL, OPT_LISTEN_METRICS},
	{"grace", required_argument, NULL, OPT_GRACE},
	{NULL, 0, NULL, 0},
};

int sc_cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("sc-apply: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(see 'sc-apply --help')\n", stderr);
	return SC_EXIT_USAGE;
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

static int parse_output(sc_cli_options *out, const char *value)
{
	if (!strcmp(value, "text"))
		out->output = SC_OUTPUT_TEXT;
	else if (!strcmp(value, "json"))
		out->output = SC_OUTPUT_JSON;
	else if (!strcmp(value, "table"))
		out->output = SC_OUTPUT_TABLE;
	else
		return sc_cli_usage_error("-o: must be text, table or json, got \"%s\"", value);
	out->output_given = true;
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

static int parse_duration_option(long *out, const char *name, const char *value)
{
	*out = sc_cli_parse_duration(value);
	if (*out <= 0)
		return sc_cli_usage_error("%s: must be a duration such as 90s, 5m or 1h, got \"%s\"",
		                          name, value);
	return SC_EXIT_OK;
}

static int parse_one(sc_cli_options *out, int opt, const char *arg)
{
	bool ok;

	switch (opt) {
	case 'f':
		out->paths = sc_realloc(out->paths, (out->path_count + 1) * sizeof(*out->paths));
		out->paths[out->path_count++] = arg;
		return SC_EXIT_OK;
	case 'o':
		return parse_output(out, arg);
	case 'v':
		out->verbose++;
		return SC_EXIT_OK;
	case 'h':
		out->help = true;
		return SC_EXIT_OK;
	case OPT_SET:
		out->set = arg;
		return SC_EXIT_OK;
	case OPT_PRUNE:
		out->prune = true;
		return SC_EXIT_OK;
	case OPT_ALLOW_EMPTY:
		out->allow_empty = true;
		return SC_EXIT_OK;
	case OPT_FORCE:
		out->force = true;
		return SC_EXIT_OK;
	case OPT_INSECURE:
		out->insecure = true;
		return SC_EXIT_OK;
	case OPT_MAX_DELETE:
		out->max_delete = parse_count(arg, 0, 1000000, &ok);
		return ok ? SC_EXIT_OK
		          : sc_cli_usage_error("--max-delete: must be a whole number from 0, got \"%s\"",
		                               arg);
	case OPT_PARALLEL:
		out->parallel = (unsigned)parse_count(arg, 1, 1024, &ok);
		return ok ? SC_EXIT_OK
		          : sc_cli_usage_error("--parallel: must be a whole number from 1 to 1024, got \"%s\"",
		                               arg);
	case OPT_COLOR:
		return parse_color(out, arg);
	case OPT_NO_COLOR:
		out->color = SC_COLOR_NEVER;
		return SC_EXIT_OK;
	case OPT_API_URL:
		out->api_url = arg;
		return SC_EXIT_OK;
	case OPT_API_KEY_FILE:
		out->api_key_file = arg;
		return SC_EXIT_OK;
	case OPT_API_KEY:
		/* Never take a secret from argv: every user on the host can read it. */
		return sc_cli_usage_error("--api-key is not accepted: a key on the command line "
		                          "is visible to every user of this host; set "
		                          "SEACLOUD_API_KEY or use --api-key-file FILE");
	case OPT_FILTER_STYLE:
		if (strcmp(arg, "page") && strcmp(arg, "e2b"))
			return sc_cli_usage_error("--filter-style: must be page or e2b, got \"%s\"", arg);
		out->filter_style = arg;
		return SC_EXIT_OK;
	case OPT_TIMEOUT:
		return parse_duration_option(&out->timeout_ms, "--timeout", arg);
	case OPT_REQUEST_TIMEOUT:
		return parse_duration_option(&out->request_timeout_ms, "--request-timeout", arg);
	case OPT_LOCK:
		out->lock_path = arg;
		return SC_EXIT_OK;
	case OPT_LOG_FORMAT:
		if (strcmp(arg, "text") && strcmp(arg, "json"))
			return sc_cli_usage_error("--log-format: must be text or json, got \"%s\"", arg);
		out->log_format = arg;
		return SC_EXIT_OK;
	case OPT_INTERVAL:
		if (parse_duration_option(&out->interval_ms, "--interval", arg))
			return SC_EXIT_USAGE;
		return out->interval_ms <= 24L * 3600 * 1000
		           ? SC_EXIT_OK
		           : sc_cli_usage_error("--interval: at most 24h, got \"%s\"", arg);
	case OPT_GRACE:
		if (parse_duration_option(&out->grace_ms, "--grace", arg))
			return SC_EXIT_USAGE;
		return out->grace_ms <= 3600L * 1000
		           ? SC_EXIT_OK
		           : sc_cli_usage_error("--grace: at most 1h, got \"%s\"", arg);
	case OPT_LISTEN_METRICS:
		out->listen_metrics = arg;
		return SC_EXIT_OK;
	case OPT_VERSION:
		printf("sc-apply %s\n", SC_VERSION);
		exit(SC_EXIT_OK);
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

/* What each command needs to be told before it can start. */
static int check_input(const sc_cli_options *options)
{
	bool by_set = !strcmp(options->command, "get") || !strcmp(options->command, "delete");

	if (options->help)
		return SC_EXIT_OK;
	if (options->set && !valid_set_name(options->set))
		return sc_cli_usage_error("--set: must be a DNS-1123 label ([a-z0-9-], 1 to 63, "
		                          "alphanumeric at both ends), got \"%s\"",
		                          options->set);
	if (by_set && !options->path_count && !options->set)
		return sc_cli_usage_error("%s: pass -f PATH or --set SET", options->command);
	if (!by_set && !options->path_count)
		return sc_cli_usage_error("%s: no specs given: pass -f FILE, -f DIRECTORY or "
		                          "-f - (stdin)",
		                          options->command);
	return SC_EXIT_OK;
}

int sc_cli_parse(sc_cli_options *out, int argc, char **argv)
{
	int opt, first = 1;

	memset(out, 0, sizeof(*out));
	out->max_delete = -1;
	out->parallel = 16;
	out->interval_ms = 60 * 1000;
	out->grace_ms = 30 * 1000;
	out->command = "apply";
	if (argc > 1 && argv[1][0] != '-') {
		if (!sc_cli_find_command(argv[1]))
			return sc_cli_usage_error("unknown command \"%s\"", argv[1]);
		out->command = argv[1];
		first = 2;
	}
	/* getopt_long scans from optind; keep argv[0] in front of the rest. */
	char **rest = sc_calloc((size_t)(argc - first + 2), sizeof(char *));
	int rest_count = 0;
	rest[rest_count++] = argv[0];
	for (int i = first; i < argc; i++)
		rest[rest_count++] = argv[i];
	optind = 1;
	opterr = 0;
	int result = SC_EXIT_OK;
	while (result == SC_EXIT_OK &&
	       (opt = getopt_long(rest_count, rest, ":f:o:vh", long_options, NULL)) != -1) {
		if (opt == '?')
			result = optopt ? sc_cli_usage_error("unknown option \"-%c\"", optopt)
			                : sc_cli_usage_error("unknown option \"%s\"", rest[optind - 1]);
		else if (opt == ':')
			result = sc_cli_usage_error("option \"%s\" needs a value", rest[optind - 1]);
		else
			result = parse_one(out, opt, optarg);
	}
	if (result == SC_EXIT_OK && optind < rest_count)
		result = sc_cli_usage_error("unexpected argument \"%s\" (paths go after -f)",
		                            rest[optind]);
	if (result == SC_EXIT_OK)
		result = check_input(out);
	free(rest);
	return result;
}

void sc_cli_options_release(sc_cli_options *options)
{
	free(options->paths);
	options->paths = NULL;
	options->path_count = 0;
}
