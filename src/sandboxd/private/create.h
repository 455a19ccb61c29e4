/*
 * The create body (NewSandbox), checked field by field: every rejection
 * names the field. envVars values are checked and counted, never kept.
 *
 * Ownership: sd_new_sandbox borrows strings from the cJSON tree it was
 * read from, which must outlive it.
 */
#ifndef SD_CREATE_H
#define SD_CREATE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "sandboxd/private/sandbox.h"

typedef struct sd_new_sandbox {
	const char *template_name; /* as sent; NULL or "" mean base */
	long timeout_s;            /* 300 when absent */
	bool wait_ready;
	const cJSON *metadata; /* object of strings, or NULL */
	unsigned env_count;
	bool auto_pause, auto_resume;
	bool allow_internet, allow_public_traffic;
	const cJSON *allow_out, *deny_out, *volume_mounts; /* checked arrays or NULL */
} sd_new_sandbox;

#define SD_DEFAULT_TIMEOUT_S 300
#define SD_MAX_TIMEOUT_S     86400

/* 0 when body is a valid create; else -1 and the message in error. */
int sd_create_parse(sd_new_sandbox *out, const cJSON *body, sc_buf *error);
/* Whether text is an IPv4 address or a.b.c.d/0-32. */
bool sd_cidr_valid(const char *text);
/* Copies the checked fields into a sandbox (id, times and template are the caller's). */
void sd_create_fill(sd_sandbox *sandbox, const sd_new_sandbox *request);

#endif
