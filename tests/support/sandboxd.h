/*
 * A real sc-sandboxd for a test: started on 127.0.0.1 port 0 with a
 * port file, a known API key and a temporary directory; stopped with
 * SIGTERM. Also a small synchronous HTTP client for driving it.
 */
#ifndef SC_TEST_SANDBOXD_H
#define SC_TEST_SANDBOXD_H

#include "support/process.h"

#define TEST_API_KEY "test-key-0123456789"

typedef struct test_sandboxd {
	test_process process;
	char *dir;          /* temporary directory: port file, logs, data */
	int port;
	char base_url[128]; /* http://127.0.0.1:PORT/api/v1/sandbox */
	char root_url[128]; /* http://127.0.0.1:PORT */
} test_sandboxd;

/* extra_args: more options for sc-sandboxd (NULL-terminated, may be NULL). */
int test_sandboxd_start(test_sandboxd *out, const char *const *extra_args);
/* Starts it again on the same port and directory (and --data, when given) after a stop. */
int test_sandboxd_restart(test_sandboxd *sd, const char *const *extra_args);
/* SIGTERM; returns the exit status (0 for a clean stop). Keeps dir. */
int test_sandboxd_stop(test_sandboxd *sd);
/* Stops if running and removes the directory. */
void test_sandboxd_release(test_sandboxd *sd);

typedef struct test_response {
	long status;
	char *body;         /* malloc'd, NUL-terminated */
	char *headers;      /* malloc'd raw header block */
} test_response;

/*
 * One request. url is absolute, or a path joined to sd->base_url when it
 * starts with '/'. key NULL sends no key. body NULL sends none.
 */
int test_http(const test_sandboxd *sd, const char *method, const char *url,
              const char *key, const char *body, test_response *out);
/* The value of header name (case-insensitive) in a response, malloc'd, or NULL. */
char *test_response_header(const test_response *response, const char *name);
void test_response_release(test_response *response);

#endif
