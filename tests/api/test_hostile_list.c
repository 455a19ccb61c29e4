/*
 * sc_api_list against a scripted server that is broken or hostile:
 * endless pages, huge pages, token cycles, odd ids and labels, bodies
 * that echo the key. Memory stays bounded, the list ends with a clear
 * error, and nothing untrusted is taken.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "api/client.h"
#include "common/buf.h"
#include "common/mem.h"
#include "harness.h"
#include "support/script_server.h"

/* A key with the characters that JSON and URLs escape. */
#define KEY "sk-\"quoted\"\\back/slash 1"

typedef struct scenario {
	const char *name;
	int items_per_page;        /* fresh pages: items on each */
	int pages;                 /* fresh pages: how many before the last (0: no end) */
	const char *const *tokens; /* a script of X-Next-Token values (NULL ends) */
	const char *body;          /* a fixed body for every answer, with status */
	int status;
	sc_buf trace;
} scenario;

static void put_items(sc_buf *body, unsigned page, int count)
{
	sc_buf_putc(body, '[');
	for (int i = 0; i < count; i++)
		sc_buf_printf(body, "%s{\"sandboxID\":\"p%u-%d\",\"state\":\"running\"}",
		              i ? "," : "", page, i);
	sc_buf_putc(body, ']');
}

static void script(void *ctx, const test_script_request *request,
                   test_script_reply *reply)
{
	scenario *sc = ctx;
	sc_buf body = SC_BUF_INIT;

	if (sc->body) {
		test_script_reply_text(reply, sc->status, sc->body);
		return;
	}
	if (sc->tokens) {
		const char *token = sc->tokens[request->index];
		test_script_reply_text(reply, 200, "[]");
		if (token) {
			char line[8200];
			snprintf(line, sizeof(line), "X-Next-Token: %s", token);
			test_script_reply_header(reply, line);
		}
		return;
	}
	put_items(&body, request->index, sc->items_per_page);
	reply->status = 200;
	reply->body_len = body.len;
	reply->body = sc_buf_detach(&body);
	if (!sc->pages || (int)request->index + 1 < sc->pages) {
		char line[64];
		snprintf(line, sizeof(line), "X-Next-Token: fresh-%u", request->index);
		test_script_reply_header(reply, line);
	}
}

static void on_trace(void *ctx, const char *line)
{
	scenario *sc = ctx;
	sc_buf_puts(&sc->trace, line);
	sc_buf_putc(&sc->trace, '\n');
}

/* Lists once against the scripted server; diag and list for the test to read. */
static int list_once(scenario *sc, size_t max_items, unsigned *requests, sc_diag *diag,
                     sc_sandbox_list *list)
{
	test_script_server server;
	sc_api_client *client;
	int rc = -1;

	if (test_script_server_start(&server, script, sc)) {
		TEST_FAILURE("the scripted server did not start");
		return -1;
	}
	sc_api_config config = {.base_url = server.base_url,
	                        .api_key = KEY,
	                        .list_attempts = 2,
	                        .list_backoff_ms = 1,
	                        .max_list_items = max_items,
	                        .trace = on_trace,
	                        .trace_ctx = sc};
	if (sc_api_client_new(&client, &config, diag) == 0) {
		rc = sc_api_list(client, NULL, list, diag);
		sc_api_client_free(client);
	}
	test_script_server_stop(&server);
	*requests = atomic_load(&server.requests);
	return rc;
}

static const char *all_messages(const sc_diag *diag)
{
	static sc_buf text;
	sc_buf_reset(&text);
	for (size_t i = 0; i < diag->count; i++) {
		sc_buf_puts(&text, diag->entries[i].message);
		sc_buf_putc(&text, '\n');
	}
	return sc_buf_cstr(&text);
}

TEST(endless_fresh_pages_stop_at_the_item_limit)
{
	scenario sc = {.items_per_page = 1000};
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};
	unsigned requests;
	CHECK_INT(list_once(&sc, 5000, &requests, &diag, &list), -1);
	CHECK_INT(list.count, 0);
	CHECK_CONTAINS(all_messages(&diag),
	               "list sandboxes: the server lists more than 5000 "
	               "sandboxes, the most one list may hold");
	/* Five full pages fit; the sixth is refused and not asked for again. */
	CHECK_INT(requests, 6);
	sc_diag_release(&diag);
	sc_buf_release(&sc.trace);
}

TEST(a_page_larger_than_the_limit_is_refused_whole)
{
	scenario sc = {.items_per_page = 20000, .pages = 1};
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};
	unsigned requests;
	CHECK_INT(list_once(&sc, 10000, &requests, &diag, &list), -1);
	CHECK_INT(list.count, 0);
	CHECK_CONTAINS(all_messages(&diag), "more than 10000 sandboxes");
	CHECK_INT(requests, 1);
	sc_diag_release(&diag);
	sc_buf_release(&sc.trace);
}

TEST(the_default_limit_is_documented_and_used)
{
	scenario sc = {.items_per_page = 1000, .pages = 3};
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};
	unsigned requests;
	CHECK(SC_API_MAX_LIST_ITEMS_DEFAULT >= 3000);
	CHECK_INT(list_once(&sc, 0, &requests, &diag, &list), 0);
	CHECK_INT(list.count, 3000);
	sc_sandbox_list_release(&list);
	sc_diag_release(&diag);
	sc_buf_release(&sc.trace);
}

static void check_cycle(const char *const *tokens, unsigned expected_requests)
{
	scenario sc = {.tokens = tokens};
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};
	unsigned requests;
	CHECK_INT(list_once(&sc, 0, &requests, &diag, &list), -1);
	CHECK_CONTAINS(all_messages(&diag),
	               "list sandboxes: the server sent an earlier page "
	               "token again");
	CHECK_INT(requests, expected_requests);
	sc_diag_release(&diag);
	sc_buf_release(&sc.trace);
}

TEST(token_cycles_of_any_length_are_caught)
{
	static const char *const same[] = {"A", "A", "A", "A", "A", "A", NULL};
	static const char *const two[] = {"A", "B", "A", "B", "A", "B", "A", "B", NULL};
	static const char *const three[] = {"A", "B", "C", "B", "C", "B", "C", NULL};
	check_cycle(same, 2);
	check_cycle(two, 3);
	check_cycle(three, 4);
}

TEST(an_overlong_token_is_not_followed)
{
	static char big[5000];
	memset(big, 't', sizeof(big) - 1);
	const char *const tokens[] = {big, NULL};
	scenario sc = {.tokens = tokens};
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};
	unsigned requests;
	CHECK_INT(list_once(&sc, 0, &requests, &diag, &list), -1);
	CHECK_CONTAINS(all_messages(&diag), "a page token of 4999 bytes (at most 4096");
	CHECK_INT(requests, 1);
	sc_diag_release(&diag);
	sc_buf_release(&sc.trace);
}

/* Under LeakSanitizer: the half-decoded page of the last attempt is freed. */
TEST(a_page_that_never_decodes_leaks_nothing)
{
	scenario sc = {.body = "[{\"sandboxID\":\"a\"},{\"sandboxID\":7}]",
	               .status = 200};
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};
	unsigned requests;
	CHECK_INT(list_once(&sc, 0, &requests, &diag, &list), -1);
	CHECK_INT(requests, 2);
	CHECK_CONTAINS(all_messages(&diag), "(giving up after retries)");
	sc_diag_release(&diag);
	sc_buf_release(&sc.trace);
}

/* The set label "s1\0evil" reads as "s1" to C; it must not be taken for set s1. */
TEST(labels_with_nul_or_bad_text_are_never_owned)
{
	scenario sc = {
	    .status = 200,
	    .body = "[{\"sandboxID\":\"nul\",\"metadata\":{\"sc-apply/set\":"
	            "\"s1\\u0000evil\"}},"
	            "{\"sandboxID\":\"raw\",\"metadata\":{\"sc-apply/set\":\"s1\x01\"}},"
	            "{\"sandboxID\":\"utf\",\"metadata\":{\"sc-apply/set\":\"s1\xff\"}},"
	            "{\"sandboxID\":\"key\",\"metadata\":{\"sc-apply/set\\u0000x\":"
	            "\"s1\"}},"
	            "{\"sandboxID\":\"two\",\"metadata\":{\"sc-apply/set\":\"s1\","
	            "\"sc-apply/set\":\"s2\"}},"
	            "{\"sandboxID\":\"ok\",\"metadata\":{\"sc-apply/set\":\"s1\","
	            "\"a\":\"\\\\u0000\"}}]"};
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};
	sc_kv filter = SC_KV_INIT;
	unsigned requests;
	sc_kv_set(&filter, "sc-apply/set", "s1");
	CHECK_INT(list_once(&sc, 0, &requests, &diag, &list), 0);
	CHECK_INT(list.count, 6);
	for (size_t i = 0; i < list.count; i++) {
		bool owned = sc_api_labels_match(&list.items[i], &filter);
		if (owned != !strcmp(list.items[i].id, "ok"))
			TEST_FAILURE("sandbox %s: owned %d", list.items[i].id, owned);
	}
	/* An escaped backslash before u0000 is text, not a NUL. */
	CHECK_STR(sc_kv_get(&list.items[5].metadata, "a"), "\\u0000");
	CHECK_CONTAINS(all_messages(&diag), "sandbox 'nul': ignored 1 label");
	sc_kv_release(&filter);
	sc_sandbox_list_release(&list);
	sc_diag_release(&diag);
	sc_buf_release(&sc.trace);
}

TEST(ids_that_are_not_plain_tokens_are_skipped_with_a_warning)
{
	scenario sc = {
	    .status = 200,
	    .body = "[{\"sandboxID\":\"..\"},{\"sandboxID\":\".\"},"
	            "{\"sandboxID\":\"a/b\"},{\"sandboxID\":\"c\\u0007d\"},"
	            "{\"sandboxID\":\"n\\u0000../x\"},{\"sandboxID\":\"bad\xc2\x9b\"},"
	            "{\"sandboxID\":\"plain-id_1.x\"}]"};
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};
	unsigned requests;
	CHECK_INT(list_once(&sc, 0, &requests, &diag, &list), 0);
	CHECK_INT(list.count, 1);
	if (list.count)
		CHECK_STR(list.items[0].id, "plain-id_1.x");
	CHECK_CONTAINS(all_messages(&diag),
	               "list sandboxes: response: skipped sandbox '..': its "
	               "id is not a plain token");
	CHECK_CONTAINS(all_messages(&diag), "skipped sandbox 'c?d'");
	CHECK_CONTAINS(all_messages(&diag), "skipped sandbox 'a/b'");
	CHECK_CONTAINS(all_messages(&diag), "1 more sandbox with an id or labels");
	CHECK_INT(sc_diag_error_count(&diag), 0);
	sc_sandbox_list_release(&list);
	sc_diag_release(&diag);
	sc_buf_release(&sc.trace);
}

static void check_no_key(const char *text)
{
	static const char *const forms[] = {KEY,
	                                    "sk-\\\"quoted\\\"\\\\back/slash 1",
	                                    "sk-\\\"quoted\\\"\\\\back\\/slash 1",
	                                    "sk-%22quoted%22%5Cback%2Fslash%201",
	                                    "sk-%22quoted%22%5cback%2fslash+1",
	                                    "quoted",
	                                    NULL};
	for (int i = 0; forms[i]; i++)
		CHECK_NOT_CONTAINS(text, forms[i]);
}

TEST(the_key_echoed_in_an_error_is_never_repeated)
{
	static const char *const bodies[] = {
	    "{\"message\":\"bad key sk-\\\"quoted\\\"\\\\back/slash 1\"}",
	    "{\"message\":\"bad key sk-\\\"quoted\\\"\\\\back\\/slash 1\"}",
	    "bad key " KEY,
	    "{\"error\":{\"code\":\"AUTH\",\"details\":\"key=sk-%22quoted%22%5Cback%"
	    "2Fslash%201\"}}",
	    /* Escaped so that no form of the key is in the raw body, only in the decoded
	       text. */
	    "{\"message\":\"bad key \\u0073k-\\\"quoted\\\"\\\\back/slash 1\"}", NULL};
	for (int i = 0; bodies[i]; i++) {
		scenario sc = {.status = 401, .body = bodies[i]};
		sc_diag diag = SC_DIAG_INIT;
		sc_sandbox_list list = {0};
		unsigned requests;
		CHECK_INT(list_once(&sc, 0, &requests, &diag, &list), -1);
		CHECK_CONTAINS(all_messages(&diag), "HTTP 401");
		CHECK_CONTAINS(all_messages(&diag), "***");
		check_no_key(all_messages(&diag));
		sc_diag_release(&diag);
		sc_buf_release(&sc.trace);
	}
}

TEST(the_key_sent_back_as_a_token_stays_out_of_the_trace)
{
	const char *const tokens[] = {"t1-sk-%22quoted%22%5Cback%2Fslash%201", "t2-" KEY,
	                              NULL};
	scenario sc = {.tokens = tokens};
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};
	unsigned requests;
	CHECK_INT(list_once(&sc, 0, &requests, &diag, &list), 0);
	CHECK_INT(requests, 3);
	CHECK_CONTAINS(sc_buf_cstr(&sc.trace), "nextToken=");
	check_no_key(sc_buf_cstr(&sc.trace));
	sc_diag_release(&diag);
	sc_buf_release(&sc.trace);
}

TEST(error_text_reaches_no_terminal_control)
{
	scenario sc = {
	    .status = 400,
	    .body = "{\"message\":\"x\\u009b31m \\u202egnp.exe \xff\xc2\x9b end\"}"};
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};
	unsigned requests;
	CHECK_INT(list_once(&sc, 0, &requests, &diag, &list), -1);
	const char *text = all_messages(&diag);
	CHECK_CONTAINS(text, "HTTP 400: x 31m  gnp.exe    end");
	CHECK_NOT_CONTAINS(text, "\xc2\x9b");
	CHECK_NOT_CONTAINS(text, "\xe2\x80\xae");
	CHECK_NOT_CONTAINS(text, "\xff");
	sc_diag_release(&diag);
	sc_buf_release(&sc.trace);
}

int main(void)
{
	RUN(endless_fresh_pages_stop_at_the_item_limit);
	RUN(a_page_larger_than_the_limit_is_refused_whole);
	RUN(the_default_limit_is_documented_and_used);
	RUN(token_cycles_of_any_length_are_caught);
	RUN(an_overlong_token_is_not_followed);
	RUN(a_page_that_never_decodes_leaks_nothing);
	RUN(labels_with_nul_or_bad_text_are_never_owned);
	RUN(ids_that_are_not_plain_tokens_are_skipped_with_a_warning);
	RUN(the_key_echoed_in_an_error_is_never_repeated);
	RUN(the_key_sent_back_as_a_token_stays_out_of_the_trace);
	RUN(error_text_reaches_no_terminal_control);
	return test_summary();
}
