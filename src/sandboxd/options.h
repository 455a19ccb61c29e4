/*
 * The command line of sc-sandboxd.
 *
 * Ownership: sd_options borrows its strings from argv; keys is an array
 * it owns (sd_options_release() frees it, not the strings).
 */
#ifndef SD_OPTIONS_H
#define SD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/diag.h"
#include "sandboxd/private/settings.h"

typedef struct sd_options {
	const char *listen; /* "127.0.0.1:8080" */
	const char *port_file;
	const char *data;
	const char **keys; /* NULL-terminated */
	size_t key_count;
	bool no_auth;
	bool recover;            /* start from a damaged journal with what checks out */
	unsigned threads;        /* HTTP thread pool; 0: one per CPU */
	unsigned idle_timeout_s; /* 0: SD_IDLE_TIMEOUT_S */
	bool help, version;
	sd_settings settings;
} sd_options;

int sd_options_parse(sd_options *out, int argc, char **argv, sc_diag *diag);
void sd_options_release(sd_options *options);
/* The --help text. */
const char *sd_options_usage(void);

#endif
