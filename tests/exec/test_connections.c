/*
 * Connections that last: the executor reuses connections for every
 * request, creates included, and a create lost on a reused connection is
 * looked up by its token, never sent twice by libcurl behind its back.
 * And the adaptive window: a rate-limited service sees fewer 429s than a
 * fixed window gives it. Counts come from sc-sandboxd's /_admin/stats.
 */
#include "fixture.h"

#include <stdio.h>

/* A number field of GET /_admin/stats ("connections", or a status such as "429"). */
static unsigned long stat_of(fixture *fx, const char *field)
{
	test_response response;
	char key[64];
	unsigned long value = 0;
	if (test_http(&fx->sd, "GET", "/_admin/stats", TEST_API_KEY, NULL, &response) ||
	    response.status != 200) {
		TEST_FAILURE("stats: %ld", response.status);
		test_response_release(&response);
		return 0;
	}
	snprintf(key, sizeof(key), "\"%s\":", field);
	const char *at = strstr(response.body, key);
	if (at)
		value = strtoul(at + strlen(key), NULL, 10);
	test_response_release(&response);
	return value;
}

static void stats_reset(fixture *fx)
{
	test_response response;
	test_http(&fx->sd, "POST", "/_admin/stats/reset", TEST_API_KEY, NULL, &response);
	CHECK_INT(response.status, 204);
	test_response_release(&response);
}

static size_t count_text(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *at = strstr(text, needle); at; at = strstr(at + 1, needle))
		n++;
	return n;
}

static size_t count_done(const fixture *fx)
{
	size_t n = 0;
	for (size_t i = 0; i < fx->plan.count; i++)
		n += fx->plan.actions[i].result.status == SC_RESULT_DONE;
	return n;
}

TEST(a_converge_of_many_reuses_a_few_connections)
{
	fixture fx;
	sc_exec_options options = {.parallel = 4};
	if (fixture_start(&fx, NULL))
		return;
	for (int i = 0; i < 60; i++)
		fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	stats_reset(&fx);
	CHECK_INT(fixture_run(&fx, &options), 0);
	CHECK_INT(count_done(&fx), 60);
	/* The stats request itself comes on a connection of its own. */
	unsigned long connections = stat_of(&fx, "connections") - 1;
	CHECK(connections >= 1);
	CHECK(connections <= options.parallel + 2);
	CHECK(sc_api_client_connections(fx.client) <= options.parallel + 2);
	/* -v says which requests opened one. */
	CHECK_INT(count_text(sc_buf_cstr(&fx.trace), "new connection"),
	          sc_api_client_connections(fx.client));
	CHECK_INT(fixture_count(&fx, NULL), 60);
	fixture_stop(&fx);
}

TEST(a_create_lost_on_a_reused_connection_is_recovered_not_duplicated)
{
	fixture fx;
	sc_exec_options options = {.parallel = 1,
	                           .max_attempts = 12,
	                           .base_backoff_ms = 10,
	                           .max_backoff_ms = 100};
	const char *const args[] = {"--seed", "5", NULL};
	sc_sandbox_list list = {0};
	if (fixture_start(&fx, args))
		return;
	/* Every create is made, then answered 500 or its connection cut. */
	fixture_config(&fx, "{\"faultRate\":1,\"faultKinds\":\"lost-create\"}");
	for (int i = 0; i < 8; i++)
		fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	/* A list first, so that the creates find a connection to reuse. */
	CHECK_INT(fixture_count(&fx, NULL), 0);
	int rc = fixture_run(&fx, &options);
	fixture_config(&fx, "{\"faultRate\":0}");
	CHECK_INT(rc, 0);
	CHECK_INT(count_done(&fx), 8);
	/*
	 * libcurl tries to send a request again only when a reused connection
	 * dies before the answer: this says it did, and was refused.
	 */
	CHECK_CONTAINS(sc_buf_cstr(&fx.trace), "/sandboxes -> error: the connection closed "
	                                       "before an answer (not sent again");
	CHECK_CONTAINS(sc_buf_cstr(&fx.trace), "create-token");
	/* Each create made one sandbox, adopted by its token. */
	CHECK_INT(fixture_count(&fx, &list), 8);
	fixture_check_no_duplicates(&list);
	for (size_t i = 0; i < fx.plan.count; i++) {
		const char *id = fx.plan.actions[i].result.new_id;
		CHECK(id != NULL);
		for (size_t j = 0; id && j < i; j++)
			CHECK(strcmp(id, fx.plan.actions[j].result.new_id));
	}
	sc_sandbox_list_release(&list);
	fixture_dump(&fx);
	fixture_stop(&fx);
}

/* Runs count creates against a rate-limited sc-sandboxd; returns the 429s it got. */
static unsigned long throttled_run(bool fixed_window, int count)
{
	fixture fx;
	sc_exec_options options = {.parallel = 16,
	                           .max_attempts = 40,
	                           .base_backoff_ms = 10,
	                           .max_backoff_ms = 1000,
	                           .fixed_window = fixed_window};
	const char *const args[] = {"--rate-limit", "25", "--latency-ms", "10", NULL};
	if (fixture_start(&fx, args))
		return 0;
	for (int i = 0; i < count; i++)
		fixture_add(&fx, SC_ACTION_CREATE, &fx.spec, -1);
	CHECK_INT(fixture_run(&fx, &options), 0);
	CHECK_INT(count_done(&fx), (size_t)count);
	unsigned long throttled = stat_of(&fx, "429");
	fixture_config(&fx, "{\"rateLimit\":0}");
	CHECK_INT(fixture_count(&fx, NULL), (size_t)count);
	fixture_stop(&fx);
	return throttled;
}

TEST(a_throttled_service_gets_fewer_429s_than_a_fixed_window)
{
	unsigned long fixed = throttled_run(true, 100);
	unsigned long adaptive = throttled_run(false, 100);
	printf("  429s: fixed window %lu, adaptive %lu\n", fixed, adaptive);
	/* A fixed window of 16 is answered 429 far more often than not. */
	CHECK(fixed > 100);
	CHECK(adaptive * 3 < fixed);
}

int main(void)
{
	RUN(a_converge_of_many_reuses_a_few_connections);
	RUN(a_create_lost_on_a_reused_connection_is_recovered_not_duplicated);
	RUN(a_throttled_service_gets_fewer_429s_than_a_fixed_window);
	return test_summary();
}
