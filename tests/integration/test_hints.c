/*
 * Connection hints: when listing fails because the settings point at the
 * wrong place or carry the wrong key, sc-apply says which setting to
 * check. The real sc-apply against sc-sandboxd (its root instead of the
 * API's base, a wrong key) and against a scripted server that answers
 * with a web page. The key never appears in what is printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "support/cli_run.h"
#include "support/script_server.h"

#define BASE_HINT                                                                        \
	"is SEACLOUD_API_BASE_URL (or --api-url) the API's base, e.g. "                   \
	"https://host/api/v1/sandbox?"
#define KEY_HINT "hint: check the API key (SEACLOUD_API_KEY or --api-key-file)"
#define WRONG_KEY "wrong-key-7Zq9"

static test_sandboxd sd;

/* sc-apply get --set t against url with key, output as -o says. */
static test_run get_with(const char *url, const char *key, const char *output)
{
	char url_env[300], key_env[200];
	const char *env[] = {url_env, key_env, NULL};
	const char *args[] = {"get", "--set", "t", "--timeout", "3s", "-o", output, NULL};
	test_sandboxd where = {.dir = sd.dir};
	test_run run = {0};

	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", url);
	snprintf(key_env, sizeof(key_env), "SEACLOUD_API_KEY=%s", key);
	if (test_run_apply(&where, args, env, NULL, &run))
		TEST_FAILURE("sc-apply did not run");
	return run;
}

TEST(the_root_url_instead_of_the_api_base_gets_a_base_url_hint)
{
	test_run run = get_with(sd.root_url, TEST_API_KEY, "table");
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "no such route");
	CHECK_CONTAINS(run.err, "\nhint: " BASE_HINT "\n");
	CHECK_NOT_CONTAINS(run.err, KEY_HINT);
	CHECK_NOT_CONTAINS(run.err, TEST_API_KEY);
	test_run_release(&run);
}

TEST(a_wrong_key_gets_a_key_hint_and_is_never_printed)
{
	test_run run = get_with(sd.base_url, WRONG_KEY, "table");
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "HTTP 401");
	CHECK_CONTAINS(run.err, "\n" KEY_HINT "\n");
	CHECK_NOT_CONTAINS(run.err, BASE_HINT);
	CHECK_NOT_CONTAINS(run.err, WRONG_KEY);
	CHECK_NOT_CONTAINS(run.out, WRONG_KEY);
	test_run_release(&run);
}

TEST(the_hint_is_a_diagnostic_of_its_own_in_json)
{
	test_run run = get_with(sd.base_url, WRONG_KEY, "json");
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.out, "{\"level\":\"hint\",");
	CHECK_CONTAINS(run.out, "check the API key (SEACLOUD_API_KEY or --api-key-file)");
	CHECK_NOT_CONTAINS(run.out, WRONG_KEY);
	test_run_release(&run);
}

TEST(a_good_connection_gets_no_hint)
{
	test_run run = get_with(sd.base_url, TEST_API_KEY, "table");
	CHECK_INT(run.exit_code, 0);
	CHECK_NOT_CONTAINS(run.err, "hint:");
	test_run_release(&run);
}

/* A web server where the API should be: every request gets an HTML page with status. */
static void html_page(void *ctx, const test_script_request *request, test_script_reply *reply)
{
	(void)request;
	test_script_reply_text(reply, *(int *)ctx,
	                       "<!DOCTYPE html>\n<html><head><title>Welcome</title></head>"
	                       "<body>It works</body></html>\n");
	test_script_reply_header(reply, "Content-Type: text/html");
}

static void check_html_hint(int status)
{
	test_script_server server;
	if (test_script_server_start(&server, html_page, &status)) {
		TEST_FAILURE("the scripted server did not start");
		return;
	}
	test_run run = get_with(server.base_url, TEST_API_KEY, "table");
	test_script_server_stop(&server);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "\nhint: the server sent an HTML page: " BASE_HINT "\n");
	CHECK_NOT_CONTAINS(run.err, "<html");
	test_run_release(&run);
}

TEST(an_html_page_gets_a_hint_naming_it)
{
	check_html_hint(200);
	check_html_hint(404);
}

static void plain_text(void *ctx, const test_script_request *request, test_script_reply *reply)
{
	(void)ctx, (void)request;
	test_script_reply_text(reply, 200, "hello from a file server\n");
}

TEST(a_body_that_is_not_json_gets_a_hint_naming_it)
{
	test_script_server server;
	if (test_script_server_start(&server, plain_text, NULL)) {
		TEST_FAILURE("the scripted server did not start");
		return;
	}
	test_run run = get_with(server.base_url, TEST_API_KEY, "table");
	test_script_server_stop(&server);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "\nhint: the server sent something that is not JSON: " BASE_HINT
	                        "\n");
	test_run_release(&run);
}

int main(void)
{
	if (test_sandboxd_start(&sd, NULL)) {
		fprintf(stderr, "cannot start sc-sandboxd\n");
		return 1;
	}
	RUN(the_root_url_instead_of_the_api_base_gets_a_base_url_hint);
	RUN(a_wrong_key_gets_a_key_hint_and_is_never_printed);
	RUN(the_hint_is_a_diagnostic_of_its_own_in_json);
	RUN(a_good_connection_gets_no_hint);
	RUN(an_html_page_gets_a_hint_naming_it);
	RUN(a_body_that_is_not_json_gets_a_hint_naming_it);
	test_sandboxd_release(&sd);
	return test_summary();
}
