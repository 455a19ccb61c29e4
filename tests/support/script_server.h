/*
 * A scripted HTTP/1.1 server for tests that need a broken or hostile
 * service: it listens on 127.0.0.1, port 0, in a thread of the test, and
 * answers each request with whatever the test's script function says
 * (status, headers, body: endless pages, token cycles, odd ids, bodies
 * that echo the key). One connection at a time, "Connection: close" on
 * every answer, a request read with a time bound so a silent client
 * cannot hold it.
 *
 * Ownership: the server owns its socket and thread until
 * test_script_server_stop(). What a script puts in a reply (headers,
 * body) is malloc'd and the server frees it once sent.
 */
#ifndef SC_TEST_SCRIPT_SERVER_H
#define SC_TEST_SCRIPT_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct test_script_request {
	unsigned index;      /* 0 for the first request the server got */
	const char *method;  /* "GET" */
	const char *target;  /* path and query, as sent */
	const char *headers; /* the raw header lines */
	const char *body;
	size_t body_len;
} test_script_request;

typedef struct test_script_reply {
	int status;    /* 0: close the connection without an answer */
	char *headers; /* more header lines, each ending "\r\n"; malloc'd or NULL */
	char *body;    /* malloc'd or NULL */
	size_t body_len;
} test_script_reply;

typedef void (*test_script_fn)(void *ctx, const test_script_request *request,
                               test_script_reply *reply);

typedef struct test_script_server {
	int fd;
	int port;
	char base_url[128]; /* http://127.0.0.1:PORT/api/v1/sandbox */
	test_script_fn script;
	void *ctx;
	pthread_t thread;
	atomic_bool stop;
	atomic_uint requests; /* answered so far */
} test_script_server;

int test_script_server_start(test_script_server *out, test_script_fn script, void *ctx);
void test_script_server_stop(test_script_server *server);

/* reply->body = a copy of text; reply->status = status. */
void test_script_reply_text(test_script_reply *reply, int status, const char *text);
/* Appends a header line ("Name: value", without CRLF) to reply->headers. */
void test_script_reply_header(test_script_reply *reply, const char *line);

#endif
