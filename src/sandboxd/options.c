#include "sandboxd/options.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/mem.h"

static const char usage[] =
    "usage: sc-sandboxd [options]\n"
    "\n"
    "A local SeaCloud-compatible sandbox control plane, for tests.\n"
    "\n"
    "  --listen ADDR:PORT      listen there (default 127.0.0.1:8080; port 0 picks one)\n"
    "  --port-file FILE        write the port there once accepting connections\n"
    "  --api-key KEY           accept this key (repeatable; also SC_SANDBOXD_API_KEY)\n"
    "  --no-auth               accept requests without a key (needed when no key is "
    "set)\n"
    "  --data PATH             persist state in this journal file (or directory);\n"
    "                          a damaged journal stops the start (not a symlink)\n"
    "  --recover               start from a damaged journal with the records that\n"
    "                          check out; the damaged file is copied aside\n"
    "  --max-sandboxes N       answer 429 to creates past N live sandboxes\n"
    "  --rate-limit R          at most R API requests per second (429 + Retry-After)\n"
    "  --fault-rate F          make a fraction F (0..1) of API requests fail\n"
    "  --fault-kinds LIST      what a fault is: 5xx,429,drop,lost-create,truncate,slow,\n"
    "                          wrong-types\n"
    "                          (default 5xx)\n"
    "  --slow-ms MS            the delay of a slow fault (default 5000)\n"
    "  --latency-ms MS         add MS to every API response\n"
    "  --seed S                seed of the fault generator (default 1)\n"
    "  --start-delay-ms MS     new sandboxes stay 'starting' for MS (waitReady waits)\n"
    "  --ignore-metadata-filter  list every sandbox whatever the metadata filter\n"
    "  --log-requests          log one line per request to stderr\n"
    "  --threads N             HTTP worker threads (default: one per CPU)\n"
    "  --idle-timeout S        close a connection idle for S seconds (default 15)\n"
    "  --help, --version\n"
    "\n"
    "Run-time changes: POST /_admin/config with the same names in camelCase\n"
    "({\"faultRate\":0.3,\"faultKinds\":[\"5xx\"],\"latencyMs\":20,...}); GET shows "
    "them.\n"
    "POST /_admin/clock {\"advance\":SECONDS} moves the server clock forward;\n"
    "GET /_admin/stats counts requests, POST /_admin/stats/reset zeroes them.\n"
    "GET /_admin/health (no key needed) answers 200, or 503 while the journal\n"
    "cannot be written; every change is then refused with 503 and undone.\n";

const char *sd_options_usage(void)
{
	return usage;
}

static int parse_double(const char *name, const char *text, double lo, double hi,
                        double *out, sc_diag *diag)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	if (!*text || *end || errno || !isfinite(v) || v < lo || v > hi)
		return sc_diag_error(diag, NULL, 0, 0,
		                     "%s: expected a number from %g to %g, got '%s'",
		                     name, lo, hi, text);
	*out = v;
	return 0;
}

static int parse_long(const char *name, const char *text, long lo, long hi, long *out,
                      sc_diag *diag)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (!*text || *end || errno || v < lo || v > hi)
		return sc_diag_error(diag, NULL, 0, 0,
		                     "%s: expected an integer from %ld to %ld, got '%s'",
		                     name, lo, hi, text);
	*out = v;
	return 0;
}

static int *delay_field(sd_settings *s, const char *name)
{
	if (!strcmp(name, "--latency-ms"))
		return &s->latency_ms;
	if (!strcmp(name, "--slow-ms"))
		return &s->slow_ms;
	if (!strcmp(name, "--start-delay-ms"))
		return &s->start_delay_ms;
	return NULL;
}

/* Options taking a value; the value goes to the matching field. */
static int apply_value(sd_options *o, const char *name, const char *value, sc_diag *diag)
{
	sd_settings *s = &o->settings;
	long n = 0;

	if (!strcmp(name, "--listen"))
		o->listen = value;
	else if (!strcmp(name, "--port-file"))
		o->port_file = value;
	else if (!strcmp(name, "--data"))
		o->data = value;
	else if (!strcmp(name, "--api-key")) {
		if (!*value)
			return sc_diag_error(diag, NULL, 0, 0,
			                     "--api-key: the key is empty");
		o->keys = sc_realloc(o->keys, (o->key_count + 2) * sizeof(char *));
		o->keys[o->key_count++] = value;
		o->keys[o->key_count] = NULL;
	} else if (!strcmp(name, "--max-sandboxes")) {
		if (parse_long(name, value, 0, 100000000, &n, diag))
			return -1;
		s->max_sandboxes = n;
	} else if (!strcmp(name, "--rate-limit"))
		return parse_double(name, value, 0, 1e9, &s->rate_limit, diag);
	else if (!strcmp(name, "--fault-rate"))
		return parse_double(name, value, 0, 1, &s->fault_rate, diag);
	else if (!strcmp(name, "--fault-kinds")) {
		if (sd_fault_kinds_parse(value, &s->fault_kinds, diag))
			return -1;
	} else if (delay_field(s, name)) {
		if (parse_long(name, value, 0, 600000, &n, diag))
			return -1;
		*delay_field(s, name) = (int)n;
	} else if (!strcmp(name, "--threads")) {
		if (parse_long(name, value, 0, 64, &n, diag))
			return -1;
		o->threads = (unsigned)n;
	} else if (!strcmp(name, "--idle-timeout")) {
		if (parse_long(name, value, 1, 3600, &n, diag))
			return -1;
		o->idle_timeout_s = (unsigned)n;
	} else if (!strcmp(name, "--seed")) {
		char *end;
		errno = 0;
		unsigned long long seed = strtoull(value, &end, 10);
		if (!*value || *end || errno || value[0] == '-')
			return sc_diag_error(diag, NULL, 0, 0,
			                     "--seed: expected an integer, got '%s'",
			                     value);
		s->seed = seed;
	} else
		return 1;
	return 0;
}

static int apply_flag(sd_options *o, const char *name)
{
	if (!strcmp(name, "--no-auth"))
		o->no_auth = true;
	else if (!strcmp(name, "--recover"))
		o->recover = true;
	else if (!strcmp(name, "--ignore-metadata-filter"))
		o->settings.ignore_metadata_filter = true;
	else if (!strcmp(name, "--log-requests"))
		o->settings.log_requests = true;
	else if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		o->help = true;
	else if (!strcmp(name, "--version"))
		o->version = true;
	else
		return 1;
	return 0;
}

int sd_options_parse(sd_options *out, int argc, char **argv, sc_diag *diag)
{
	memset(out, 0, sizeof(*out));
	out->listen = "127.0.0.1:8080";
	sd_settings_defaults(&out->settings);
	for (int i = 1; i < argc; i++) {
		char name[64];
		const char *arg = argv[i], *value = NULL;
		const char *eq = strchr(arg, '=');
		if (eq && !strncmp(arg, "--", 2) && (size_t)(eq - arg) < sizeof(name)) {
			memcpy(name, arg, (size_t)(eq - arg));
			name[eq - arg] = '\0';
			value = eq + 1;
		} else {
			snprintf(name, sizeof(name), "%s", arg);
		}
		if (!value && apply_flag(out, name) == 0)
			continue;
		if (!value && strncmp(name, "--", 2) == 0) {
			if (i + 1 >= argc)
				return sc_diag_error(
				    diag, NULL, 0, 0,
				    "option '%.60s' is unknown or needs a value", name);
			value = argv[++i];
		}
		int rc = value ? apply_value(out, name, value, diag) : 1;
		if (rc < 0)
			return -1;
		if (rc > 0)
			return sc_diag_error(diag, NULL, 0, 0,
			                     "unknown option '%.60s' (see --help)", name);
	}
	if (out->recover && !out->data)
		return sc_diag_error(diag, NULL, 0, 0,
		                     "--recover: there is no journal to recover without "
		                     "--data");
	return 0;
}

void sd_options_release(sd_options *options)
{
	free(options->keys);
	options->keys = NULL;
}
