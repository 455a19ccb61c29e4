/*
 * validate --online: each spec's template looked up on the service
 * (GET /api/v1/templates/aliases/NAME). The real sc-apply against
 * sc-sandboxd (which serves the lookup) and against scripted servers
 * without that route. Without --online, validate contacts nothing.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "support/cli_run.h"
#include "support/script_server.h"

static test_sandboxd sd;

static const char good_specs[] =
	"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: py, set: on}\n"
	"spec: {template: base, replicas: 1}\n"
	"---\n"
	"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web, set: on}\n"
	"spec: {template: node, replicas: 1}\n";
/* The typo is in the document that starts on line 6. */
static const char typo_specs[] =
	"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: py, set: on}\n"
	"spec: {template: base, replicas: 1}\n"
	"---\n"
	"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web, set: on}\n"
	"spec: {template: nodee, replicas: 1}\n";
static const char only_typo_spec[] =
	"apiVersion: sc-apply/v1\nkind: Sandbox\nmetadata: {name: web, set: on}\n"
	"spec: {template: bsae, replicas: 1}\n";

static const char *write_spec(const char *name, const char *text)
{
	static char path[4200];
	snprintf(path, sizeof(path), "%s/%s", sd.dir, name);
	if (test_write_file(path, text))
		TEST_FAILURE("cannot write %s", path);
	return path;
}

/* sc-apply validate -f path [more...] against url (NULL: the test's sc-sandboxd). */
static test_run validate(const char *url, const char *key, const char *path,
                         const char *const *more)
{
	char url_env[300], key_env[200];
	const char *env[] = {url_env, key_env, NULL};
	const char *args[12] = {"validate", "-f", path};
	int argc = 3;
	test_sandboxd where = {.dir = sd.dir};
	test_run run = {0};

	for (; more && *more && argc < 11; more++)
		args[argc++] = *more;
	args[argc] = NULL;
	snprintf(url_env, sizeof(url_env), "SEACLOUD_API_BASE_URL=%s", url ? url : sd.base_url);
	snprintf(key_env, sizeof(key_env), "SEACLOUD_API_KEY=%s", key ? key : TEST_API_KEY);
	if (test_run_apply(&where, args, env, NULL, &run))
		TEST_FAILURE("sc-apply did not run");
	return run;
}

static const char *const online[] = {"--online", NULL};

TEST(known_templates_are_valid_online)
{
	const char *path = write_spec("good.yaml", good_specs);
	test_run run = validate(NULL, NULL, path, online);
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "valid: 2 specs in 1 set, templates found on the service");
	CHECK_NOT_CONTAINS(run.err, "warning");
	test_run_release(&run);
}

TEST(a_template_typo_is_an_error_at_its_spec)
{
	const char *path = write_spec("typo.yaml", typo_specs);
	char expected[4400];
	test_run run = validate(NULL, NULL, path, online);
	snprintf(expected, sizeof(expected),
	         "%s:6:1: error: spec 'web': template 'nodee' not found on the service", path);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, expected);
	CHECK_NOT_CONTAINS(run.err, "'py'");
	CHECK_NOT_CONTAINS(run.out, "valid:");
	test_run_release(&run);

	/* Offline the same file is valid: only the service knows its templates. */
	run = validate(NULL, NULL, path, NULL);
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "valid: 2 specs in 1 set\n");
	test_run_release(&run);
}

TEST(a_typo_alone_is_found_by_probing_the_default_template)
{
	const char *path = write_spec("only-typo.yaml", only_typo_spec);
	char expected[4400];
	const char *more[] = {"--online", "-o", "json", NULL};
	test_run run = validate(NULL, NULL, path, more);
	snprintf(expected, sizeof(expected),
	         "\"file\":\"%s\",\"line\":1,\"column\":1,\"message\":\"spec 'web': template "
	         "'bsae' not found on the service\"",
	         path);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.out, expected);
	test_run_release(&run);
}

TEST(a_wrong_key_fails_with_a_key_hint)
{
	const char *path = write_spec("good.yaml", good_specs);
	test_run run = validate(NULL, "not-the-key-Q4", path, online);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "HTTP 401");
	CHECK_CONTAINS(run.err, "hint: check the API key (SEACLOUD_API_KEY or --api-key-file)");
	CHECK_NOT_CONTAINS(run.err, "not-the-key-Q4");
	test_run_release(&run);
}

/* A service without the lookup route: each request answered as ctx says. */
typedef struct no_route {
	int status;
	const char *body;
	atomic_uint requests;
} no_route;

static void answer_no_route(void *ctx, const test_script_request *request,
                            test_script_reply *reply)
{
	no_route *service = ctx;
	(void)request;
	atomic_fetch_add(&service->requests, 1);
	test_script_reply_text(reply, service->status, service->body);
}

static void check_unchecked(no_route *service)
{
	const char *path = write_spec("typo.yaml", typo_specs);
	test_script_server server;
	if (test_script_server_start(&server, answer_no_route, service)) {
		TEST_FAILURE("the scripted server did not start");
		return;
	}
	test_run run = validate(server.base_url, NULL, path, online);
	test_script_server_stop(&server);
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.err, "warning: templates unchecked: the service offers no template "
	                        "lookup");
	CHECK_CONTAINS(run.out, "valid: 2 specs in 1 set, templates unchecked");
	CHECK_NOT_CONTAINS(run.err, "error:");
	CHECK(atomic_load(&service->requests) > 0);
	test_run_release(&run);
}

TEST(a_service_without_the_route_leaves_templates_unchecked)
{
	/* sc-sandboxd's own answer for a route it does not have. */
	no_route json = {404,
	                 "{\"code\":404,\"message\":\"no such route: GET "
	                 "/api/v1/templates/aliases/base\"}", 0};
	check_unchecked(&json);
	/* A gateway's web page. */
	no_route page = {404, "<html><body><h1>404 Not Found</h1></body></html>", 0};
	check_unchecked(&page);
	/* A JSON 404 for everything, the default template too: nothing is known to exist. */
	no_route generic = {404, "{\"message\":\"Not Found\"}", 0};
	check_unchecked(&generic);
	/* A route that does not take GET. */
	no_route method = {405, "method not allowed", 0};
	check_unchecked(&method);
}

TEST(a_web_page_where_the_api_should_be_is_an_error_with_a_hint)
{
	const char *path = write_spec("good.yaml", good_specs);
	no_route page = {200, "<!DOCTYPE html><html><body>Welcome</body></html>", 0};
	test_script_server server;
	if (test_script_server_start(&server, answer_no_route, &page)) {
		TEST_FAILURE("the scripted server did not start");
		return;
	}
	test_run run = validate(server.base_url, NULL, path, online);
	test_script_server_stop(&server);
	CHECK_INT(run.exit_code, 1);
	CHECK_CONTAINS(run.err, "error: look up template 'base': HTTP 200: the answer names no "
	                        "templateID");
	CHECK_CONTAINS(run.err, "hint: the server sent an HTML page: is SEACLOUD_API_BASE_URL");
	test_run_release(&run);
}

TEST(without_online_validate_contacts_nothing)
{
	const char *path = write_spec("typo.yaml", typo_specs);
	no_route service = {404, "{}", 0};
	test_script_server server;
	if (test_script_server_start(&server, answer_no_route, &service)) {
		TEST_FAILURE("the scripted server did not start");
		return;
	}
	const char *more[] = {"--api-url", server.base_url, NULL};
	test_run run = validate(server.base_url, NULL, path, more);
	test_script_server_stop(&server);
	CHECK_INT(run.exit_code, 0);
	CHECK_CONTAINS(run.out, "valid: 2 specs in 1 set\n");
	CHECK_INT((long)atomic_load(&service.requests), 0);
	test_run_release(&run);
}

int main(void)
{
	if (test_sandboxd_start(&sd, NULL)) {
		fprintf(stderr, "cannot start sc-sandboxd\n");
		return 1;
	}
	RUN(known_templates_are_valid_online);
	RUN(a_template_typo_is_an_error_at_its_spec);
	RUN(a_typo_alone_is_found_by_probing_the_default_template);
	RUN(a_wrong_key_fails_with_a_key_hint);
	RUN(a_service_without_the_route_leaves_templates_unchecked);
	RUN(a_web_page_where_the_api_should_be_is_an_error_with_a_hint);
	RUN(without_online_validate_contacts_nothing);
	test_sandboxd_release(&sd);
	return test_summary();
}
