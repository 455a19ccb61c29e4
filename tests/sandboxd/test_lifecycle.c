/* sc-sandboxd: connect, pause, timeout, refreshes, delete, TTL expiry (kill and
 * autoPause), start delay. */
#include "sdtest.h"

static test_sandboxd sd;

static void advance(long seconds)
{
	char url[256], body[64];
	long status;
	snprintf(url, sizeof(url), "%s/_admin/clock", sd.root_url);
	snprintf(body, sizeof(body), "{\"advance\":%ld}", seconds);
	cJSON *json = sdt_call(&sd, "POST", url, body, &status);
	if (status != 200 || !sdt_str(json, "now"))
		TEST_FAILURE("clock advance: status %ld", status);
	cJSON_Delete(json);
}

/* endAt of a sandbox minus the Date of the response, in seconds; -1000000 when gone. */
static long ttl_left(const char *id)
{
	char url[256];
	test_response r;
	long left = -1000000;
	snprintf(url, sizeof(url), "/sandboxes/%s", id);
	test_http(&sd, "GET", url, TEST_API_KEY, NULL, &r);
	if (r.status == 200) {
		cJSON *json = cJSON_Parse(r.body);
		char *date = test_response_header(&r, "Date");
		int64_t end = 0, now = 0;
		sc_time_parse_rfc3339(sdt_str(json, "endAt"), &end);
		sc_time_parse_http(date, &now);
		left = (long)((end - now) / 1000);
		free(date);
		cJSON_Delete(json);
	}
	test_response_release(&r);
	return left;
}

/* The Date header has whole seconds: a TTL read through it is N +- 1 s. */
#define CHECK_TTL(id, expected)                                                          \
	do {                                                                             \
		long check_left = ttl_left(id);                                          \
		if (check_left < (expected)-1 || check_left > (expected) + 1)            \
			TEST_FAILURE("ttl of %s is %ld, expected %d", id, check_left,    \
			             (int)(expected));                                   \
	} while (0)

static char *state_of(const char *id)
{
	char url[256];
	long status;
	snprintf(url, sizeof(url), "/sandboxes/%s", id);
	cJSON *json = sdt_call(&sd, "GET", url, NULL, &status);
	char *state = status == 200 ? strdup(sdt_str(json, "state")) : strdup("gone");
	cJSON_Delete(json);
	return state;
}

/* Whether the timeline of id holds event. */
static int has_event(const char *id, const char *event)
{
	char url[256];
	long status;
	int found = 0;
	snprintf(url, sizeof(url), "/sandboxes/%s", id);
	cJSON *json = sdt_call(&sd, "GET", url, NULL, &status);
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(json, "timeline"))
	{
		if (sdt_str(e, "event") && !strcmp(sdt_str(e, "event"), event) &&
		    sdt_str(e, "at"))
			found = 1;
	}
	cJSON_Delete(json);
	return found;
}

static long post(const char *id, const char *action, const char *body)
{
	char url[256];
	snprintf(url, sizeof(url), "/sandboxes/%s/%s", id, action);
	return sdt_status(&sd, "POST", url, body);
}

TEST(connect_rules)
{
	char *id = sdt_create(&sd, "{\"timeout\":600}");
	long status;
	char url[256];

	CHECK_INT(post(id, "connect", NULL), 400);
	CHECK_INT(post(id, "connect", "{}"), 400);
	CHECK_INT(post(id, "connect", "{\"timeoutMs\":1000}"), 400);
	CHECK_INT(post(id, "connect", "{\"timeout\":\"5\"}"), 400);
	CHECK_INT(post(id, "connect", "{\"timeout\":-1}"), 400);
	CHECK_INT(post(id, "connect", "[1]"), 400);
	CHECK_INT(post("sandbox_nope", "connect", "{\"timeout\":0}"), 404);

	advance(100);
	snprintf(url, sizeof(url), "/sandboxes/%s/connect", id);
	cJSON *json = sdt_call(&sd, "POST", url, "{\"timeout\":0}", &status);
	CHECK_INT(status, 200);
	CHECK_STR(sdt_str(json, "sandboxID"), id);
	CHECK_STR(sdt_str(json, "state"), "running");
	cJSON_Delete(json);
	CHECK_TTL(id, 500); /* 0 keeps the TTL */
	CHECK_INT(post(id, "connect", "{\"timeout\":1800}"), 200);
	CHECK_TTL(id, 1800); /* positive resets it from now */
	CHECK(has_event(id, "timeout_set"));
	free(id);
}

TEST(pause_and_resume)
{
	char *id = sdt_create(&sd, "{\"timeout\":600}");
	char *state;
	long status;
	char url[256];

	CHECK_INT(post(id, "pause", NULL), 204);
	state = state_of(id);
	CHECK_STR(state, "paused");
	free(state);
	CHECK_INT(post(id, "pause", "{}"), 409);
	CHECK_INT(post("sandbox_nope", "pause", NULL), 404);
	CHECK_INT(post(id, "timeout", "{\"timeout\":60}"), 409);
	/* Paused sandboxes do not expire. */
	advance(100000);
	state = state_of(id);
	CHECK_STR(state, "paused");
	free(state);
	snprintf(url, sizeof(url), "/sandboxes/%s/connect", id);
	cJSON *json = sdt_call(&sd, "POST", url, "{\"timeout\":0}", &status);
	CHECK_INT(status, 201);
	CHECK_STR(sdt_str(json, "state"), "running");
	CHECK_STR(sdt_str(json, "status"), "running");
	cJSON_Delete(json);
	CHECK_TTL(id, 600); /* the TTL left at the pause */
	CHECK(has_event(id, "paused"));
	CHECK(has_event(id, "resumed"));
	CHECK_INT(post(id, "pause", NULL), 204);
	CHECK_INT(post(id, "connect", "{\"timeout\":90}"), 201);
	CHECK_TTL(id, 90);
	free(id);
}

TEST(timeout_rules)
{
	char *id = sdt_create(&sd, "{\"timeout\":600}");

	CHECK_INT(post(id, "timeout", NULL), 400);
	CHECK_INT(post(id, "timeout", "{}"), 400);
	CHECK_INT(post(id, "timeout", "{\"timeoutMs\":60000}"), 400);
	CHECK_INT(post(id, "timeout", "{\"timeout\":0}"), 400);
	CHECK_INT(post(id, "timeout", "{\"timeout\":86401}"), 400);
	CHECK_INT(post(id, "timeout", "{\"timeout\":2.5}"), 400);
	CHECK_INT(post(id, "timeout", "not json"), 400);
	CHECK_INT(post("sandbox_nope", "timeout", "{\"timeout\":60}"), 404);
	advance(50);
	CHECK_INT(post(id, "timeout", "{\"timeout\":60}"), 204);
	CHECK_TTL(id, 60); /* may shorten */
	CHECK_INT(post(id, "timeout", "{\"timeout\":3600}"), 204);
	CHECK_TTL(id, 3600);
	CHECK(has_event(id, "timeout_set"));
	free(id);
}

TEST(refreshes_rules)
{
	char *id = sdt_create(&sd, "{\"timeout\":100}");

	CHECK_INT(post(id, "refreshes", NULL), 204);
	CHECK_TTL(id, 400);
	CHECK_INT(post(id, "refreshes", "{\"duration\":60}"), 204);
	CHECK_TTL(id, 460);
	CHECK_INT(post(id, "refreshes", "{\"duration\":0}"), 204);
	CHECK_TTL(id, 460);
	CHECK_INT(post(id, "refreshes", "{}"), 204);
	CHECK_TTL(id, 760);
	CHECK_INT(post(id, "refreshes", "{\"duration\":3601}"), 400);
	CHECK_INT(post(id, "refreshes", "{\"duration\":-1}"), 400);
	CHECK_INT(post(id, "refreshes", "{\"duration\":\"60\"}"), 400);
	CHECK_INT(post(id, "refreshes", "[]"), 400);
	CHECK_INT(post("sandbox_nope", "refreshes", NULL), 404);
	CHECK(has_event(id, "refreshed"));
	free(id);
}

TEST(delete_rules)
{
	char *id = sdt_create(&sd, NULL);
	char url[256];
	snprintf(url, sizeof(url), "/sandboxes/%s", id);
	CHECK_INT(sdt_status(&sd, "DELETE", url, NULL), 204);
	CHECK_INT(sdt_status(&sd, "GET", url, NULL), 404);
	CHECK_INT(sdt_status(&sd, "DELETE", url, NULL), 404);
	free(id);
}

TEST(expiry_kills)
{
	char *id = sdt_create(&sd, "{\"timeout\":60,\"metadata\":{\"t\":\"kill\"}}");
	char *state;

	advance(59);
	state = state_of(id);
	CHECK_STR(state, "running");
	free(state);
	advance(2);
	state = state_of(id);
	CHECK_STR(state, "gone");
	free(state);
	CHECK_INT(sdt_list_all(&sd, "metadata[t]=kill", 100, NULL), 0);
	free(id);
}

TEST(expiry_pauses_with_autopause)
{
	char *id = sdt_create(
	    &sd, "{\"timeout\":60,\"autoPause\":true,\"metadata\":{\"t\":\"ap\"}}");
	char *state;

	advance(61);
	state = state_of(id);
	CHECK_STR(state, "paused");
	free(state);
	CHECK(has_event(id, "expired"));
	CHECK(has_event(id, "created"));
	CHECK_INT(sdt_list_all(&sd, "metadata[t]=ap&state=paused", 100, NULL), 1);
	advance(1000000);
	state = state_of(id);
	CHECK_STR(state, "paused");
	free(state);
	free(id);
}

TEST(date_follows_the_clock)
{
	test_response r;
	char url[256];
	snprintf(url, sizeof(url), "%s/api/v1/_admin/clock", sd.root_url);
	test_http(&sd, "GET", url, TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 200);
	cJSON *json = cJSON_Parse(r.body);
	int64_t before = 0, date = 0;
	sc_time_parse_rfc3339(sdt_str(json, "now"), &before);
	cJSON_Delete(json);
	test_response_release(&r);
	advance(3600);
	test_http(&sd, "GET", "/sandboxes?limit=1", TEST_API_KEY, NULL, &r);
	char *header = test_response_header(&r, "Date");
	CHECK_INT(sc_time_parse_http(header, &date), 0);
	CHECK(date - before >= 3599000 && date - before < 3700000);
	free(header);
	test_response_release(&r);
	/* Bad advances. */
	snprintf(url, sizeof(url), "%s/_admin/clock", sd.root_url);
	CHECK_INT(sdt_status(&sd, "POST", url, "{\"advance\":-5}"), 400);
	CHECK_INT(sdt_status(&sd, "POST", url, "{}"), 400);
}

TEST(start_delay)
{
	test_sandboxd slow;
	long status;
	char url[256];

	SDT_START(slow, "--start-delay-ms", "700");
	cJSON *json = sdt_call(&slow, "POST", "/sandboxes", "{}", &status);
	CHECK_INT(status, 201);
	CHECK_STR(sdt_str(json, "status"), "starting");
	snprintf(url, sizeof(url), "/sandboxes/%s", sdt_str(json, "sandboxID"));
	cJSON_Delete(json);
	json = sdt_call(&slow, "GET", url, NULL, &status);
	CHECK_STR(sdt_str(json, "status"), "starting");
	cJSON_Delete(json);
	sdt_sleep_ms(800);
	json = sdt_call(&slow, "GET", url, NULL, &status);
	CHECK_STR(sdt_str(json, "status"), "running");
	cJSON_Delete(json);

	int64_t t0 = sc_time_monotonic_ms();
	json = sdt_call(&slow, "POST", "/sandboxes", "{\"waitReady\":true}", &status);
	int64_t took = sc_time_monotonic_ms() - t0;
	CHECK_INT(status, 201);
	CHECK_STR(sdt_str(json, "status"), "running");
	CHECK(took >= 650);
	cJSON_Delete(json);
	test_sandboxd_release(&slow);
}

/* Last: a clean stop (exit 0; under SC_TEST_WRAP=valgrind, no errors or leaks). */
TEST(clean_stop)
{
	CHECK_INT(test_sandboxd_stop(&sd), 0);
}

int main(void)
{
	const char *none[] = {NULL};
	if (test_sandboxd_start(&sd, none)) {
		printf("cannot start sc-sandboxd\n");
		return 1;
	}
	RUN(connect_rules);
	RUN(pause_and_resume);
	RUN(timeout_rules);
	RUN(refreshes_rules);
	RUN(delete_rules);
	RUN(expiry_kills);
	RUN(expiry_pauses_with_autopause);
	RUN(date_follows_the_clock);
	RUN(start_delay);
	RUN(clean_stop);
	test_sandboxd_release(&sd);
	return test_summary();
}
