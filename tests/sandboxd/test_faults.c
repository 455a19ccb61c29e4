/* sc-sandboxd: seeded faults, rate limit, max sandboxes, run-time config, stats,
 * concurrency. */
#include "sdtest.h"

#include <curl/curl.h>
#include <pthread.h>

static long admin(const test_sandboxd *sd, const char *method, const char *path,
                  const char *body, cJSON **out)
{
	char url[256];
	long status;
	snprintf(url, sizeof(url), "%s%s", sd->root_url, path);
	cJSON *json = sdt_call(sd, method, url, body, &status);
	if (out)
		*out = json;
	else
		cJSON_Delete(json);
	return status;
}

/* The statuses of n list requests, as a string of codes. */
static void status_run(const test_sandboxd *sd, int n, char *out, int *faults)
{
	*faults = 0;
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		long status = sdt_status(sd, "GET", "/sandboxes?limit=1", NULL);
		if (status != 200) {
			(*faults)++;
			if (status != 500 && status != 502 && status != 503)
				TEST_FAILURE("fault status %ld", status);
		}
		sprintf(out + strlen(out), "%ld,", status);
	}
}

TEST(seeded_fault_rate_is_repeatable)
{
	test_sandboxd sd;
	static char first[4000], second[4000];
	int faults1, faults2;

	SDT_START(sd, "--fault-rate", "0.3", "--seed", "42");
	status_run(&sd, 200, first, &faults1);
	CHECK(faults1 >= 30 && faults1 <= 90);
	/* Admin routes never fail. */
	for (int i = 0; i < 20; i++)
		CHECK_INT(admin(&sd, "GET", "/_admin/config", NULL, NULL), 200);
	test_sandboxd_stop(&sd);
	const char *args[] = {"--fault-rate", "0.3", "--seed", "42", NULL};
	CHECK_INT(test_sandboxd_restart(&sd, args), 0);
	status_run(&sd, 200, second, &faults2);
	CHECK_INT(faults2, faults1);
	CHECK_STR(second, first);
	test_sandboxd_release(&sd);
}

TEST(rate_limit_answers_429_with_retry_after)
{
	test_sandboxd sd;
	int limited = 0, ok = 0;

	SDT_START(sd, "--rate-limit", "5");
	for (int i = 0; i < 20; i++) {
		test_response r;
		test_http(&sd, "GET", "/sandboxes", TEST_API_KEY, NULL, &r);
		if (r.status == 429) {
			char *retry = test_response_header(&r, "Retry-After");
			CHECK(retry && atoi(retry) >= 1);
			free(retry);
			CHECK_CONTAINS(r.body, "\"code\":429");
			limited++;
		} else if (r.status == 200) {
			ok++;
		}
		test_response_release(&r);
	}
	CHECK(limited >= 10);
	CHECK(ok >= 5);
	CHECK_INT(admin(&sd, "GET", "/_admin/stats", NULL, NULL), 200);
	sdt_sleep_ms(1100);
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes", NULL), 200);
	test_sandboxd_release(&sd);
}

TEST(max_sandboxes)
{
	test_sandboxd sd;
	char url[256];

	SDT_START(sd, "--max-sandboxes", "3");
	char *a = sdt_create(&sd, NULL);
	free(sdt_create(&sd, NULL));
	free(sdt_create(&sd, NULL));
	CHECK_INT(sdt_status(&sd, "POST", "/sandboxes", "{}"), 429);
	snprintf(url, sizeof(url), "/sandboxes/%s", a);
	CHECK_INT(sdt_status(&sd, "DELETE", url, NULL), 204);
	CHECK_INT(sdt_status(&sd, "POST", "/sandboxes", "{}"), 201);
	CHECK_INT(admin(&sd, "POST", "/_admin/config", "{\"maxSandboxes\":0}", NULL),
	          200);
	CHECK_INT(sdt_status(&sd, "POST", "/sandboxes", "{}"), 201);
	free(a);
	test_sandboxd_release(&sd);
}

TEST(fault_kinds_at_run_time)
{
	test_sandboxd sd;
	test_response r;
	cJSON *config;

	SDT_START(sd, "--slow-ms", "300");
	CHECK_INT(admin(&sd, "POST", "/_admin/config", "{\"faultRate\":2}", NULL), 400);
	CHECK_INT(
	    admin(&sd, "POST", "/_admin/config", "{\"faultKinds\":[\"nope\"]}", NULL),
	    400);
	CHECK_INT(admin(&sd, "POST", "/_admin/config", "{\"noSuchSetting\":1}", NULL),
	          400);
	CHECK_INT(admin(&sd, "POST", "/_admin/config", "[]", NULL), 400);

	CHECK_INT(admin(&sd, "POST", "/_admin/config",
	                "{\"faultRate\":1,\"faultKinds\":[\"429\"]}", &config),
	          200);
	CHECK_INT(cJSON_GetObjectItem(config, "faultRate")->valuedouble, 1);
	CHECK_STR(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(config, "faultKinds"), 0)->valuestring,
	    "429");
	cJSON_Delete(config);
	test_http(&sd, "GET", "/sandboxes", TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 429);
	char *retry = test_response_header(&r, "Retry-After");
	CHECK_STR(retry, "1");
	free(retry);
	test_response_release(&r);
	CHECK_INT(admin(&sd, "GET", "/api/v1/sandbox/_admin/config", NULL, NULL), 200);

	CHECK_INT(
	    admin(&sd, "POST", "/_admin/config", "{\"faultKinds\":[\"drop\"]}", NULL),
	    200);
	CHECK(test_http(&sd, "GET", "/sandboxes", TEST_API_KEY, NULL, &r) != 0);
	test_response_release(&r);

	CHECK_INT(
	    admin(&sd, "POST", "/_admin/config", "{\"faultKinds\":[\"truncate\"]}", NULL),
	    200);
	test_http(&sd, "POST", "/sandboxes", TEST_API_KEY,
	          "{\"metadata\":{\"t\":\"trunc\"}}", &r);
	CHECK_INT(r.status, 201);
	cJSON *cut = cJSON_Parse(r.body);
	CHECK(cut == NULL);
	CHECK(strlen(r.body) > 100);
	cJSON_Delete(cut);
	test_response_release(&r);

	CHECK_INT(admin(&sd, "POST", "/_admin/config", "{\"faultKinds\":\"lost-create\"}",
	                NULL),
	          200);
	/* lost-create touches only creates: a list passes. */
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes", NULL), 200);
	for (int i = 0; i < 6; i++) {
		test_http(&sd, "POST", "/sandboxes", TEST_API_KEY,
		          "{\"metadata\":{\"t\":\"lost\"}}", &r);
		CHECK(r.status == 500 || r.status == 0);
		test_response_release(&r);
	}

	CHECK_INT(
	    admin(&sd, "POST", "/_admin/config", "{\"faultKinds\":[\"slow\"]}", NULL),
	    200);
	int64_t t0 = sc_time_monotonic_ms();
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes", NULL), 200);
	CHECK(sc_time_monotonic_ms() - t0 >= 290);

	CHECK_INT(admin(&sd, "POST", "/_admin/config",
	                "{\"faultRate\":0,\"latencyMs\":200}", NULL),
	          200);
	t0 = sc_time_monotonic_ms();
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes", NULL), 200);
	CHECK(sc_time_monotonic_ms() - t0 >= 190);
	CHECK_INT(admin(&sd, "POST", "/_admin/config", "{\"latencyMs\":0}", NULL), 200);
	/* The lost creates were made; the truncated one too. */
	CHECK_INT(sdt_list_all(&sd, "metadata[t]=lost", 100, NULL), 6);
	CHECK_INT(sdt_list_all(&sd, "metadata[t]=trunc", 100, NULL), 1);
	test_sandboxd_release(&sd);
}

TEST(fault_kinds_from_the_command_line)
{
	test_sandboxd sd;
	SDT_START(sd, "--fault-rate", "1", "--fault-kinds", "429,5xx", "--seed", "3");
	int saw429 = 0, saw5xx = 0;
	for (int i = 0; i < 40; i++) {
		long status = sdt_status(&sd, "GET", "/sandboxes", NULL);
		saw429 += status == 429;
		saw5xx += status >= 500;
		CHECK(status == 429 || status >= 500);
	}
	CHECK(saw429 > 0 && saw5xx > 0);
	test_sandboxd_release(&sd);

	test_process p;
	const char *argv[] = {SC_SANDBOXD_BIN, "--no-auth", "--fault-kinds", "bogus",
	                      NULL};
	CHECK_INT(test_process_start(&p, argv, NULL, NULL, NULL, NULL), 0);
	CHECK_INT(test_process_wait(&p, 10000), 0);
	CHECK_INT(p.exit_status, 64);
}

TEST(stats_count_requests)
{
	test_sandboxd sd;
	cJSON *stats;

	SDT_START(sd, "--log-requests");
	free(sdt_create(&sd, NULL));
	CHECK_INT(admin(&sd, "POST", "/_admin/stats/reset", NULL, NULL), 204);
	char *id = sdt_create(&sd, NULL);
	free(sdt_create(&sd, NULL));
	for (int i = 0; i < 3; i++)
		CHECK_INT(sdt_status(&sd, "GET", "/sandboxes", NULL), 200);
	char url[256];
	snprintf(url, sizeof(url), "%s/api/v1/sandboxes/%s", sd.root_url, id);
	CHECK_INT(sdt_status(&sd, "DELETE", url, NULL), 204);
	CHECK_INT(sdt_status(&sd, "GET", url, NULL), 404);
	CHECK_INT(admin(&sd, "GET", "/_admin/stats", NULL, &stats), 200);
	CHECK_INT(cJSON_GetObjectItem(stats, "total")->valueint, 7);
	CHECK_INT(cJSON_GetObjectItem(stats, "writes")->valueint, 3);
	const cJSON *by_route = cJSON_GetObjectItem(stats, "byRoute");
	CHECK_INT(cJSON_GetObjectItem(by_route, "GET /sandboxes")->valueint, 3);
	CHECK_INT(cJSON_GetObjectItem(by_route, "POST /sandboxes")->valueint, 2);
	CHECK_INT(cJSON_GetObjectItem(by_route, "DELETE /sandboxes/:id")->valueint, 1);
	CHECK_INT(cJSON_GetObjectItem(by_route, "GET /sandboxes/:id")->valueint, 1);
	const cJSON *by_status = cJSON_GetObjectItem(stats, "byStatus");
	CHECK_INT(cJSON_GetObjectItem(by_status, "200")->valueint, 3);
	CHECK_INT(cJSON_GetObjectItem(by_status, "201")->valueint, 2);
	CHECK_INT(cJSON_GetObjectItem(by_status, "204")->valueint, 1);
	CHECK_INT(cJSON_GetObjectItem(by_status, "404")->valueint, 1);
	cJSON_Delete(stats);
	CHECK_INT(admin(&sd, "POST", "/_admin/stats/reset", NULL, NULL), 204);
	CHECK_INT(admin(&sd, "GET", "/api/v1/_admin/stats", NULL, &stats), 200);
	CHECK_INT(cJSON_GetObjectItem(stats, "total")->valueint, 0);
	CHECK_INT(cJSON_GetObjectItem(stats, "writes")->valueint, 0);
	cJSON_Delete(stats);
	free(id);
	test_sandboxd_release(&sd);
}

/* Only answers a fault changed are counted: a truncated empty body is no fault. */
TEST(stats_count_faults_that_struck)
{
	test_sandboxd sd;
	cJSON *stats;

	SDT_START(sd, NULL);
	char *id = sdt_create(&sd, NULL);
	CHECK_INT(admin(&sd, "POST", "/_admin/config",
	                "{\"faultRate\":1,\"faultKinds\":[\"wrong-types\"]}", NULL),
	          200);
	test_response r;
	CHECK_INT(test_http(&sd, "GET", "/sandboxes", TEST_API_KEY, NULL, &r), 0);
	CHECK_INT(r.status, 200);
	CHECK_CONTAINS(r.body, "\"sandboxID\":7");
	test_response_release(&r);
	CHECK_INT(admin(&sd, "POST", "/_admin/config", "{\"faultKinds\":[\"truncate\"]}", NULL),
	          200);
	char url[256];
	snprintf(url, sizeof(url), "%s/api/v1/sandboxes/%s", sd.root_url, id);
	CHECK_INT(sdt_status(&sd, "DELETE", url, NULL), 204);
	CHECK_INT(admin(&sd, "GET", "/_admin/stats", NULL, &stats), 200);
	CHECK_INT(cJSON_GetObjectItem(stats, "faults")->valueint, 1);
	cJSON_Delete(stats);
	free(id);
	test_sandboxd_release(&sd);
}

typedef struct worker {
	const test_sandboxd *sd;
	int created;
} worker;

static void *create_many(void *arg)
{
	worker *w = arg;
	for (int i = 0; i < 50; i++) {
		test_response r;
		if (test_http(w->sd, "POST", "/sandboxes", TEST_API_KEY,
		              "{\"metadata\":{\"set\":\"concurrent\"}}", &r) == 0 &&
		    r.status == 201)
			w->created++;
		test_response_release(&r);
	}
	return NULL;
}

TEST(concurrent_clients)
{
	test_sandboxd sd;
	pthread_t threads[8];
	worker workers[8];

	SDT_START(sd, "--max-sandboxes", "100000");
	for (int i = 0; i < 8; i++) {
		workers[i] = (worker){&sd, 0};
		pthread_create(&threads[i], NULL, create_many, &workers[i]);
	}
	int created = 0;
	for (int i = 0; i < 8; i++) {
		pthread_join(threads[i], NULL);
		created += workers[i].created;
	}
	CHECK_INT(created, 400);
	CHECK_INT(sdt_list_all(&sd, "metadata[set]=concurrent", 100, NULL), 400);
	CHECK_INT(sdt_list_all(&sd, "metadata[set]=concurrent", 7, NULL), 400);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	test_sandboxd_release(&sd);
}

static void *one_get(void *arg)
{
	worker *w = arg;
	w->created = (int)sdt_status(w->sd, "GET", "/sandboxes?limit=1", NULL);
	return NULL;
}

/* A delayed response holds no server thread: 16 delayed requests finish together. */
TEST(delays_run_in_parallel)
{
	test_sandboxd sd;
	pthread_t threads[16];
	worker workers[16];

	SDT_START(sd, "--latency-ms", "800", "--threads", "2");
	int64_t t0 = sc_time_monotonic_ms();
	for (int i = 0; i < 16; i++) {
		workers[i] = (worker){&sd, 0};
		pthread_create(&threads[i], NULL, one_get, &workers[i]);
	}
	for (int i = 0; i < 16; i++) {
		pthread_join(threads[i], NULL);
		CHECK_INT(workers[i].created, 200);
	}
	int64_t took = sc_time_monotonic_ms() - t0;
	CHECK(took >= 790);
	CHECK(took < 2500);
	/* Admin routes are not delayed. */
	t0 = sc_time_monotonic_ms();
	CHECK_INT(admin(&sd, "GET", "/_admin/config", NULL, NULL), 200);
	CHECK(sc_time_monotonic_ms() - t0 < 700);
	/* A stop while responses are held: they go out, and the exit is clean. */
	CHECK_INT(admin(&sd, "POST", "/_admin/config", "{\"latencyMs\":5000}", NULL),
	          200);
	for (int i = 0; i < 4; i++) {
		workers[i] = (worker){&sd, 0};
		pthread_create(&threads[i], NULL, one_get, &workers[i]);
	}
	sdt_sleep_ms(300);
	t0 = sc_time_monotonic_ms();
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	CHECK(sc_time_monotonic_ms() - t0 < 4000);
	for (int i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	test_sandboxd_release(&sd);
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_ALL);
	RUN(seeded_fault_rate_is_repeatable);
	RUN(rate_limit_answers_429_with_retry_after);
	RUN(max_sandboxes);
	RUN(fault_kinds_at_run_time);
	RUN(fault_kinds_from_the_command_line);
	RUN(stats_count_requests);
	RUN(stats_count_faults_that_struck);
	RUN(concurrent_clients);
	RUN(delays_run_in_parallel);
	curl_global_cleanup();
	return test_summary();
}
