/*
 * The real sc-apply against a broken or hostile service: a scripted
 * HTTP server on 127.0.0.1 (tests/support/script_server) that pages
 * without end, hands back earlier page tokens, labels other people's
 * sandboxes with "s1\0evil", lists ids like "..", echoes the API key and
 * the envVars secrets, and puts terminal controls in what it says. For
 * each: what the user sees, and what sc-apply does to the service.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/mem.h"
#include "harness.h"
#include "support/cli_run.h"
#include "support/script_server.h"

/* A key and a secret with the characters that JSON and URLs escape. */
#define KEY            "sk-\"hostile\"\\key/value 7"
#define KEY_JSON       "sk-\\\"hostile\\\"\\\\key/value 7"
#define KEY_JSON_SLASH "sk-\\\"hostile\\\"\\\\key\\/value 7"
#define KEY_PERCENT    "sk-%22hostile%22%5Ckey%2Fvalue%207"
#define SECRET         "pa\"ss\\word-XYZ"
#define SECRET_JSON    "pa\\\"ss\\\\word-XYZ"
#define SECRET_PERCENT "pa%22ss%5Cword-XYZ"

typedef enum {
	SERVE_FIXED,            /* every GET: body with status */
	SERVE_ENDLESS,          /* fresh pages of many items, a fresh token each */
	SERVE_CYCLE,            /* empty pages, tokens A, B, A, B... */
	SERVE_TOKEN_THEN_ERROR, /* the key as the first token, then body with status */
	SERVE_CREATE_ECHO, /* an empty list; a create answered 400 echoing its body */
} serve_kind;

typedef struct service {
	serve_kind kind;
	int status;
	const char *body;
	int max_pages; /* ENDLESS and CYCLE end after this many (bounds a client that
	                  never stops) */
	sc_buf log;    /* "METHOD target\n" for each request */
} service;

static void endless_page(test_script_reply *reply, unsigned index, int last)
{
	sc_buf body = SC_BUF_INIT;
	sc_buf_putc(&body, '[');
	for (int i = 0; i < 10000; i++)
		sc_buf_printf(
		    &body,
		    "%s{\"sandboxID\":\"p%u-%d\",\"state\":\"running\",\"metadata\":"
		    "{\"sc-apply/set\":\"s1\",\"sc-apply/name\":\"n%d\"}}",
		    i ? "," : "", index, i, i);
	sc_buf_putc(&body, ']');
	reply->status = 200;
	reply->body_len = body.len;
	reply->body = sc_buf_detach(&body);
	if (!last) {
		char line[64];
		snprintf(line, sizeof(line), "X-Next-Token: fresh-%u", index);
		test_script_reply_header(reply, line);
	}
}

static void script(void *ctx, const test_script_request *request,
                   test_script_reply *reply)
{
	service *sv = ctx;
	bool get = !strcmp(request->method, "GET");

	sc_buf_printf(&sv->log, "%s %s\n", request->method, request->target);
	if (!strcmp(request->method, "DELETE")) {
		reply->status = 204;
		return;
	}
	switch (sv->kind) {
	case SERVE_FIXED:
		test_script_reply_text(reply, sv->status, sv->body);
		break;
	case SERVE_ENDLESS:
		endless_page(reply, request->index,
		             (int)request->index + 1 >= sv->max_pages);
		break;
	case SERVE_CYCLE:
		test_script_reply_text(reply, 200, "[]");
		if ((int)request->index + 1 < sv->max_pages)
			test_script_reply_header(reply, request->index % 2
			                                    ? "X-Next-Token: B"
			                                    : "X-Next-Token: A");
		break;
	case SERVE_TOKEN_THEN_ERROR:
		if (request->index == 0) {
			test_script_reply_text(reply, 200, "[]");
			test_script_reply_header(reply, "X-Next-Token: " KEY_PERCENT);
		} else {
			test_script_reply_text(reply, sv->status, sv->body);
		}
		break;
	case SERVE_CREATE_ECHO:
		if (get) {
			test_script_reply_text(reply, 200, "[]");
		} else {
			/* A naive server that quotes the part of the request it refuses,
			 * as sent. */
			const char *env = strstr(request->body, "\"envVars\"");
			sc_buf body = SC_BUF_INIT;
			sc_buf_puts(&body, "{\"message\":\"bad request: ");
			sc_buf_puts(&body, env ? env : "(no envVars)");
			sc_buf_puts(&body, " as sent: " SECRET_PERCENT " key=" KEY_PERCENT
			                   "\"}");
			reply->status = 400;
			reply->body_len = body.len;
			reply->body = sc_buf_detach(&body);
		}
		break;
	}
}

static char *dir;

/* Runs sc-apply against the scripted service; the service's log is in sv->log. */
static test_run run_against(service *sv, const char *const *args, const char *const *env)
{
	test_script_server server;
	test_run run = {0};
	char url_env[200];
	const char *full_env[8] = {url_env, "SEACLOUD_API_KEY=" KEY,
	                           "SECRET_TOKEN=" SECRET};
	int n = 3;

	for (; env && *env && n < 7; env++)
		full_env[n++] = *env;
	full_env[n] = NULL;
	if (test_script_server_start(&server, script, sv)) {
		TEST_FAILURE("the scripted server did not start");
		return run;
	}
	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", server.base_url);
	test_sandboxd where = {.dir = dir};
	if (test_run_apply(&where, args, full_env, NULL, &run))
		TEST_FAILURE("sc-apply did not finish");
	test_script_server_stop(&server);
	if (!run.out)
		run.out = sc_strdup("");
	if (!run.err)
		run.err = sc_strdup("");
	return run;
}

/* No form of the key or the secret in anything sc-apply printed. */
static void check_no_secrets(const test_run *run)
{
	static const char *const forms[] = {
	    KEY,         KEY_JSON,       KEY_JSON_SLASH, KEY_PERCENT, SECRET,
	    SECRET_JSON, SECRET_PERCENT, "hostile",      "word-XYZ",  NULL};
	for (int i = 0; forms[i]; i++) {
		CHECK_NOT_CONTAINS(run->out, forms[i]);
		CHECK_NOT_CONTAINS(run->err, forms[i]);
	}
}

/* No C1 control, bidi control or byte that is not UTF-8 in what sc-apply printed. */
static void check_terminal_safe(const char *text)
{
	static const char *const unsafe[] = {"\xc2\x9b",     "\xc2\x85", "\xe2\x80\xae",
	                                     "\xe2\x81\xa6", "\x1b",     "\x9b",
	                                     "\xff",         NULL};
	for (int i = 0; unsafe[i]; i++) {
		if (strstr(text, unsafe[i]))
			TEST_FAILURE("printed an unsafe sequence (#%d): %s", i, text);
	}
}

TEST(endless_pages_end_with_a_clear_error)
{
	/* 10,000 sandboxes a page, a fresh token each: 30 pages would be 300,000. */
	service sv = {.kind = SERVE_ENDLESS, .max_pages = 30};
	const char *args[] = {"get", "--set", "s1", NULL};
	test_run run = run_against(&sv, args, NULL);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err,
	               "the server lists more than 100000 sandboxes, the most one list "
	               "may hold");
	CHECK_NOT_CONTAINS(run.err, "out of memory");
	test_run_release(&run);
	sc_buf_release(&sv.log);
}

TEST(a_token_cycle_is_caught)
{
	service sv = {.kind = SERVE_CYCLE, .max_pages = 50};
	const char *args[] = {"get", "--set", "s1", NULL};
	test_run run = run_against(&sv, args, NULL);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "the server sent an earlier page token again");
	/* Pages: none, A, B; B's answer names A again. */
	CHECK_CONTAINS(sc_buf_cstr(&sv.log), "nextToken=B");
	CHECK_NOT_CONTAINS(strstr(sc_buf_cstr(&sv.log), "nextToken=B"), "nextToken=A");
	test_run_release(&run);
	sc_buf_release(&sv.log);
}

/*
 * The server ignores the set filter and lists sandboxes that are not the
 * set's or cannot be named in a URL: delete --set s1 deletes only "mine".
 */
TEST(delete_touches_only_whole_labels_and_plain_ids)
{
	service sv = {
	    .kind = SERVE_FIXED,
	    .status = 200,
	    .body = "["
	            "{\"sandboxID\":\"mine\",\"state\":\"running\",\"metadata\":"
	            "{\"sc-apply/set\":\"s1\",\"sc-apply/name\":\"web\"}},"
	            "{\"sandboxID\":\"theirs\",\"state\":\"running\",\"metadata\":"
	            "{\"sc-apply/set\":\"s1\\u0000evil\",\"sc-apply/name\":\"web\"}},"
	            "{\"sandboxID\":\"theirs2\",\"state\":\"running\",\"metadata\":"
	            "{\"sc-apply/set\":\"s1\xff\",\"sc-apply/name\":\"web\"}},"
	            "{\"sandboxID\":\"..\",\"state\":\"running\",\"metadata\":"
	            "{\"sc-apply/set\":\"s1\",\"sc-apply/name\":\"web\"}},"
	            "{\"sandboxID\":\"a/b\",\"state\":\"running\",\"metadata\":"
	            "{\"sc-apply/set\":\"s1\",\"sc-apply/name\":\"web\"}},"
	            "{\"sandboxID\":\"c\\u0001d\",\"state\":\"running\",\"metadata\":"
	            "{\"sc-apply/set\":\"s1\",\"sc-apply/name\":\"web\"}},"
	            "{\"sandboxID\":\"e\\u0000/../f\",\"state\":\"running\",\"metadata\":"
	            "{\"sc-apply/set\":\"s1\",\"sc-apply/name\":\"web\"}}"
	            "]"};
	const char *args[] = {"delete", "--set", "s1", NULL};
	test_run run = run_against(&sv, args, NULL);
	CHECK_INT(run.exit_code, 0);
	const char *log = sc_buf_cstr(&sv.log);
	CHECK_CONTAINS(log, "DELETE /api/v1/sandbox/sandboxes/mine\n");
	/* One DELETE, and it is mine's. */
	const char *first = strstr(log, "DELETE ");
	CHECK(first && !strstr(first + 1, "DELETE "));
	CHECK_CONTAINS(run.err,
	               "warning: list sandboxes: response: skipped sandbox '..': its id "
	               "is not a plain token");
	CHECK_CONTAINS(run.err, "skipped sandbox 'a/b'");
	CHECK_CONTAINS(run.err, "skipped sandbox 'c?d'");
	check_terminal_safe(run.err);
	check_terminal_safe(run.out);
	test_run_release(&run);
	sc_buf_release(&sv.log);
}

TEST(the_key_echoed_back_is_never_printed)
{
	static const char *const bodies[] = {
	    "{\"code\":401,\"message\":\"invalid key " KEY_JSON "\"}",
	    "{\"code\":401,\"message\":\"invalid key " KEY_JSON_SLASH "\"}",
	    "invalid key " KEY,
	    "{\"error\":{\"code\":\"AUTH\",\"details\":\"key=" KEY_PERCENT "\"}}", NULL};
	for (int i = 0; bodies[i]; i++) {
		service sv = {.kind = SERVE_FIXED, .status = 401, .body = bodies[i]};
		const char *args[] = {"get", "--set", "s1", NULL};
		test_run run = run_against(&sv, args, NULL);
		CHECK_INT(run.exit_code, 1);
		CHECK_CONTAINS(run.err, "HTTP 401");
		CHECK_CONTAINS(run.err, "***");
		check_no_secrets(&run);
		test_run_release(&run);
		sc_buf_release(&sv.log);
	}
}

TEST(the_key_sent_back_as_a_page_token_stays_out_of_verbose_output)
{
	service sv = {.kind = SERVE_TOKEN_THEN_ERROR,
	              .status = 500,
	              .body = "{\"message\":\"no page " KEY_JSON "\"}"};
	const char *args[] = {"get", "--set", "s1", "-v", "--timeout", "3s", NULL};
	test_run run = run_against(&sv, args, NULL);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "nextToken=");
	check_no_secrets(&run);
	test_run_release(&run);
	sc_buf_release(&sv.log);
}

TEST(an_envvars_secret_echoed_back_is_never_printed)
{
	char spec[4200];
	snprintf(spec, sizeof(spec), "%s/echo.yaml", dir);
	CHECK_INT(test_write_file(spec,
	                          "apiVersion: sc-apply/v1\nkind: Sandbox\n"
	                          "metadata: {name: web, set: s1}\n"
	                          "spec:\n  envVars: {TOKEN: \"${SECRET_TOKEN}\"}\n"),
	          0);
	service sv = {.kind = SERVE_CREATE_ECHO};
	const char *args[] = {"apply", "-f", spec, NULL};
	test_run run = run_against(&sv, args, NULL);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(sc_buf_cstr(&sv.log), "POST /api/v1/sandbox/sandboxes");
	CHECK_CONTAINS(
	    run.out,
	    "HTTP 400: {\"message\":\"bad request: \"envVars\":{\"TOKEN\":\"***\"}");
	check_no_secrets(&run);
	test_run_release(&run);
	sc_buf_release(&sv.log);
}

TEST(what_the_server_says_cannot_drive_the_terminal)
{
	service list = {
	    .kind = SERVE_FIXED,
	    .status = 200,
	    .body = "[{\"sandboxID\":\"sb-1\",\"state\":\"run\\u009b2J\\u202e\xff\","
	            "\"templateID\":\"t\\u0085\\u2066x\xc2\x9b\","
	            "\"metadata\":{\"sc-apply/set\":\"s1\",\"sc-apply/name\":\"web\"}}]"};
	const char *args[] = {"get", "--set", "s1", NULL};
	test_run run = run_against(&list, args, NULL);
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "sb-1");
	check_terminal_safe(run.out);
	check_terminal_safe(run.err);
	test_run_release(&run);
	sc_buf_release(&list.log);

	service error = {.kind = SERVE_FIXED,
	                 .status = 400,
	                 .body =
	                     "{\"message\":\"bad \\u009b31m \\u202eexe.txt \xff\xc2\x9b "
	                     "\\u2066 \\u001b[2J end\"}"};
	run = run_against(&error, args, NULL);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "HTTP 400: bad ");
	CHECK_CONTAINS(run.err, " end");
	check_terminal_safe(run.err);
	check_terminal_safe(run.out);
	test_run_release(&run);
	sc_buf_release(&error.log);
}

TEST(a_fifo_as_the_key_file_is_refused_at_once)
{
	char fifo[4200];
	snprintf(fifo, sizeof(fifo), "%s/key.fifo", dir);
	CHECK_INT(mkfifo(fifo, 0600), 0);
	service sv = {.kind = SERVE_FIXED, .status = 200, .body = "[]"};
	const char *args[] = {"get", "--set", "s1", "--api-key-file", fifo, NULL};
	test_run run = run_against(&sv, args, NULL);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "cannot read API key file '");
	CHECK_CONTAINS(run.err, "key.fifo': not a regular file (a FIFO)");
	CHECK_INT(sv.log.len, 0);
	test_run_release(&run);
	sc_buf_release(&sv.log);
}

int main(void)
{
	dir = test_make_temp_dir("sc-hostile");
	RUN(endless_pages_end_with_a_clear_error);
	RUN(a_token_cycle_is_caught);
	RUN(delete_touches_only_whole_labels_and_plain_ids);
	RUN(the_key_echoed_back_is_never_printed);
	RUN(the_key_sent_back_as_a_page_token_stays_out_of_verbose_output);
	RUN(an_envvars_secret_echoed_back_is_never_printed);
	RUN(what_the_server_says_cannot_drive_the_terminal);
	RUN(a_fifo_as_the_key_file_is_refused_at_once);
	test_rmtree(dir);
	free(dir);
	return test_summary();
}
