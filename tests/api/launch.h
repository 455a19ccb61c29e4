/*
 * Starts a real sc-sandboxd for the api and exec tests. Header-only.
 */
#ifndef SC_TEST_API_LAUNCH_H
#define SC_TEST_API_LAUNCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support/process.h"
#include "support/sandboxd.h"

/*
 * test_sandboxd_start() as tests/support/sandboxd.c has it, but with the
 * binary's full path: sc_testsupport is built without SC_SANDBOXD_BIN, so
 * it would exec a bare "sc-sandboxd", which execv cannot find.
 */
static inline int test_launch_sandboxd(test_sandboxd *sd, const char *const *extra)
{
#ifdef SC_SANDBOXD_BIN
	char port_file[4200], log_file[4200];
	const char *argv[64];
	int argc = 0;

	memset(sd, 0, sizeof(*sd));
	sd->dir = test_make_temp_dir("sc-exec-test");
	if (!sd->dir)
		return -1;
	snprintf(port_file, sizeof(port_file), "%s/port", sd->dir);
	snprintf(log_file, sizeof(log_file), "%s/sandboxd.log", sd->dir);
	argv[argc++] = SC_SANDBOXD_BIN;
	argv[argc++] = "--listen";
	argv[argc++] = "127.0.0.1:0";
	argv[argc++] = "--port-file";
	argv[argc++] = port_file;
	argv[argc++] = "--api-key";
	argv[argc++] = TEST_API_KEY;
	for (; extra && *extra && argc < 62; extra++)
		argv[argc++] = *extra;
	argv[argc] = NULL;
	if (test_process_start_wrapped(&sd->process, argv, NULL, NULL, log_file,
	                               log_file))
		return -1;
	for (int waited = 0; waited < 20000; waited += 10) {
		char *text = test_read_file(port_file);
		int port = text ? atoi(text) : 0;
		free(text);
		if (port > 0) {
			sd->port = port;
			snprintf(sd->root_url, sizeof(sd->root_url),
			         "http://127.0.0.1:%d", port);
			snprintf(sd->base_url, sizeof(sd->base_url),
			         "http://127.0.0.1:%d/api/v1/sandbox", port);
			return 0;
		}
		if (test_process_wait(&sd->process, 0) == 0)
			return -1;
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
	return -1;
#else
	return test_sandboxd_start(sd, extra);
#endif
}

#endif
