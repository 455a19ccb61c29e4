/* sc-sandboxd: GET /sandboxes filters, limits and pages (no skip, no repeat). */
#include "sdtest.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>

static test_sandboxd sd;

static int count(const char *query)
{
	return sdt_list_all(&sd, query, 100, NULL);
}

static int array_has(const cJSON *array, const char *id)
{
	const cJSON *item;
	int n = 0;
	cJSON_ArrayForEach(item, array) n += !strcmp(item->valuestring, id);
	return n;
}

static void create_n(int n, const char *body)
{
	for (int i = 0; i < n; i++)
		free(sdt_create(&sd, body));
}

TEST(pages_never_skip_or_repeat)
{
	cJSON *all = cJSON_CreateArray(), *seen = cJSON_CreateArray();
	char url[512], *token = NULL;
	int pages = 0;

	create_n(250, "{\"metadata\":{\"set\":\"pages\"}}");
	CHECK_INT(sdt_list_all(&sd, "metadata[set]=pages", 100, all), 250);
	/* Walk again, creating and deleting between pages. */
	cJSON *deleted = cJSON_CreateArray();
	for (;;) {
		test_response r;
		snprintf(url, sizeof(url), "/sandboxes?metadata[set]=pages&limit=100%s%s",
		         token ? "&nextToken=" : "", token ? token : "");
		free(token);
		test_http(&sd, "GET", url, TEST_API_KEY, NULL, &r);
		CHECK_INT(r.status, 200);
		cJSON *page = cJSON_Parse(r.body);
		CHECK(cJSON_IsArray(page));
		const cJSON *item;
		const char *last = NULL;
		cJSON_ArrayForEach(item, page)
		{
			cJSON_AddItemToArray(
			    seen, cJSON_CreateString(sdt_str(item, "sandboxID")));
			last = sdt_str(item, "sandboxID");
		}
		token = test_response_header(&r, "X-Next-Token");
		pages++;
		if (token && last) {
			/* Delete the last one seen (the token's own position) and one not
			 * yet seen. */
			snprintf(url, sizeof(url), "/sandboxes/%s", last);
			CHECK_INT(sdt_status(&sd, "DELETE", url, NULL), 204);
			const char *later =
			    cJSON_GetArrayItem(all, 249 - pages)->valuestring;
			if (!array_has(seen, later)) {
				snprintf(url, sizeof(url), "/sandboxes/%s", later);
				CHECK_INT(sdt_status(&sd, "DELETE", url, NULL), 204);
				cJSON_AddItemToArray(deleted, cJSON_CreateString(later));
			}
			create_n(7, "{\"metadata\":{\"set\":\"pages\"}}");
		}
		cJSON_Delete(page);
		test_response_release(&r);
		if (!token)
			break;
	}
	CHECK_INT(pages, 3);
	/* Every sandbox that existed throughout was seen exactly once. */
	const cJSON *item;
	cJSON_ArrayForEach(item, all)
	{
		int n = array_has(seen, item->valuestring);
		if (array_has(deleted, item->valuestring))
			continue;
		if (n != 1)
			TEST_FAILURE("%s seen %d times", item->valuestring, n);
	}
	cJSON_ArrayForEach(item, seen)
	{
		if (array_has(seen, item->valuestring) != 1)
			TEST_FAILURE("%s repeated", item->valuestring);
	}
	cJSON_Delete(all);
	cJSON_Delete(seen);
	cJSON_Delete(deleted);
}

typedef struct churn {
	const test_sandboxd *sd;
	atomic_int stop;
	atomic_int operations;
} churn;

/* Creates and deletes sandboxes of the same set until told to stop. */
static void *churn_run(void *arg)
{
	churn *c = arg;
	while (!c->stop) {
		char *id = sdt_create(c->sd, "{\"metadata\":{\"set\":\"busy\"}}");
		if (id && c->operations % 2) {
			char url[256];
			snprintf(url, sizeof(url), "/sandboxes/%s", id);
			sdt_status(c->sd, "DELETE", url, NULL);
		}
		free(id);
		c->operations++;
	}
	return NULL;
}

/* Between two pages, the churn makes at least one change (however slow the machine). */
static void wait_for_churn(void *arg)
{
	churn *c = arg;
	int before = c->operations;
	for (int waited = 0; c->operations == before && waited < 10000; waited += 2)
		sdt_sleep_ms(2);
}

TEST(pages_are_stable_under_concurrent_churn)
{
	cJSON *all = cJSON_CreateArray(), *seen = cJSON_CreateArray();
	churn c = {&sd, 0, 0};
	pthread_t thread;

	create_n(300, "{\"metadata\":{\"set\":\"busy\",\"base\":\"yes\"}}");
	CHECK_INT(sdt_list_all(&sd, "metadata[base]=yes", 100, all), 300);
	pthread_create(&thread, NULL, churn_run, &c);
	/* Small pages, so that many creates and deletes land between them. */
	sdt_list_all_paced(&sd, "metadata[set]=busy", 7, seen, wait_for_churn, &c);
	c.stop = 1;
	pthread_join(thread, NULL);
	CHECK(c.operations > 10);
	const cJSON *item;
	cJSON_ArrayForEach(item, all)
	{
		if (array_has(seen, item->valuestring) != 1)
			TEST_FAILURE("%s seen %d times", item->valuestring,
			             array_has(seen, item->valuestring));
	}
	cJSON_Delete(all);
	cJSON_Delete(seen);
}

TEST(order_is_newest_first)
{
	char *a = sdt_create(&sd, "{\"metadata\":{\"set\":\"order\"}}");
	sdt_sleep_ms(5);
	char *b = sdt_create(&sd, "{\"metadata\":{\"set\":\"order\"}}");
	cJSON *ids = cJSON_CreateArray();
	CHECK_INT(sdt_list_all(&sd, "metadata[set]=order", 1, ids), 2);
	CHECK_STR(cJSON_GetArrayItem(ids, 0)->valuestring, b);
	CHECK_STR(cJSON_GetArrayItem(ids, 1)->valuestring, a);
	cJSON_Delete(ids);
	free(a);
	free(b);
}

TEST(state_filter)
{
	for (int i = 0; i < 5; i++) {
		char *id = sdt_create(&sd, "{\"metadata\":{\"set\":\"states\"}}");
		if (i < 2) {
			char url[256];
			snprintf(url, sizeof(url), "/sandboxes/%s/pause", id);
			CHECK_INT(sdt_status(&sd, "POST", url, NULL), 204);
		}
		free(id);
	}
	CHECK_INT(count("metadata[set]=states"), 5);
	CHECK_INT(count("metadata[set]=states&state=running"), 3);
	CHECK_INT(count("metadata[set]=states&state=paused"), 2);
	CHECK_INT(count("metadata[set]=states&state=running&state=paused"), 5);
	CHECK_INT(count("metadata[set]=states&state=running,paused"), 5);
	CHECK_INT(count("metadata[set]=states&state=paused,running"), 5);
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes?state=sleeping", NULL), 400);
}

TEST(metadata_filters_both_encodings)
{
	create_n(2, "{\"metadata\":{\"sc-apply/set\":\"team ml\",\"b\":\"2\"}}");
	create_n(3, "{\"metadata\":{\"sc-apply/set\":\"team ml\",\"b\":\"3\"}}");
	create_n(1, "{\"metadata\":{\"sc-apply/set\":\"other\",\"b\":\"2\"}}");
	CHECK_INT(count("metadata%5Bsc-apply%2Fset%5D=team%20ml"), 5);
	CHECK_INT(count("metadata[sc-apply/set]=team+ml&metadata[b]=2"), 2);
	CHECK_INT(count("metadata[sc-apply/set]=team+ml&metadata[b]=9"), 0);
	CHECK_INT(count("metadata[b]=2"), 3);
	/* E2B: metadata=<urlencoded "k=v&k2=v2">, each part form-encoded first. */
	CHECK_INT(count("metadata=sc-apply%252Fset%3Dteam%2Bml"), 5);
	CHECK_INT(count("metadata=sc-apply%252Fset%3Dteam%2Bml%26b%3D3"), 3);
	CHECK_INT(count("metadata=sc-apply%2Fset%3Dother"), 1);
	CHECK_INT(count("metadata=b%3D2%26sc-apply%2Fset%3Dnobody"), 0);
}

TEST(ignore_metadata_filter_at_run_time)
{
	char url[256];
	long status;
	int everything = count(NULL);
	snprintf(url, sizeof(url), "%s/_admin/config", sd.root_url);
	cJSON *json =
	    sdt_call(&sd, "POST", url, "{\"ignoreMetadataFilter\":true}", &status);
	CHECK_INT(status, 200);
	CHECK(cJSON_IsTrue(cJSON_GetObjectItem(json, "ignoreMetadataFilter")));
	cJSON_Delete(json);
	CHECK_INT(count("metadata[b]=nothing-has-this"), everything);
	CHECK_INT(sdt_status(&sd, "POST", url, "{\"ignoreMetadataFilter\":false}"), 200);
	CHECK_INT(count("metadata[b]=nothing-has-this"), 0);
}

TEST(ignore_metadata_filter_option)
{
	test_sandboxd careless;
	SDT_START(careless, "--ignore-metadata-filter");
	free(sdt_create(&careless, "{\"metadata\":{\"sc-apply/set\":\"mine\"}}"));
	free(sdt_create(&careless, "{\"metadata\":{\"sc-apply/set\":\"theirs\"}}"));
	CHECK_INT(sdt_list_all(&careless, "metadata[sc-apply/set]=mine", 100, NULL), 2);
	CHECK_INT(sdt_list_all(&careless, "metadata=sc-apply%2Fset%3Dmine", 100, NULL),
	          2);
	CHECK_INT(test_sandboxd_stop(&careless), 0);
	test_sandboxd_release(&careless);
}

TEST(limit_and_token_validation)
{
	static const char *const bad[] = {
	    "limit=0", "limit=101",           "limit=abc",      "limit=-1",   "limit=1.5",
	    "limit=",  "nextToken=garbage!!", "nextToken=AAAA", "nextToken=",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char url[256];
		snprintf(url, sizeof(url), "/sandboxes?%s", bad[i]);
		long status;
		char *message = sdt_error(&sd, "GET", url, NULL, &status);
		if (status != 400)
			TEST_FAILURE("%s: status %ld, expected 400", bad[i], status);
		CHECK_CONTAINS(message, bad[i][0] == 'l' ? "limit" : "nextToken");
		free(message);
	}
	test_response r;
	test_http(&sd, "GET", "/sandboxes?limit=1", TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 200);
	cJSON *page = cJSON_Parse(r.body);
	CHECK_INT(cJSON_GetArraySize(page), 1);
	cJSON_Delete(page);
	char *token = test_response_header(&r, "X-Next-Token");
	CHECK(token != NULL);
	free(token);
	test_response_release(&r);
	test_http(&sd, "GET", "/sandboxes?limit=100&metadata[set]=order", TEST_API_KEY,
	          NULL, &r);
	token = test_response_header(&r, "X-Next-Token");
	CHECK(token == NULL);
	free(token);
	test_response_release(&r);
	/* Default limit is 100. */
	test_http(&sd, "GET", "/sandboxes", TEST_API_KEY, NULL, &r);
	page = cJSON_Parse(r.body);
	CHECK_INT(cJSON_GetArraySize(page), 100);
	cJSON_Delete(page);
	test_response_release(&r);
}

TEST(other_layout_lists_the_same)
{
	char url[256];
	test_response r;
	snprintf(url, sizeof(url), "%s/api/v1/sandboxes?metadata[set]=order",
	         sd.root_url);
	test_http(&sd, "GET", url, TEST_API_KEY, NULL, &r);
	CHECK_INT(r.status, 200);
	cJSON *page = cJSON_Parse(r.body);
	CHECK_INT(cJSON_GetArraySize(page), 2);
	CHECK(sdt_str(cJSON_GetArrayItem(page, 0), "endAt") != NULL);
	cJSON_Delete(page);
	test_response_release(&r);
}

/* Last: a clean stop (exit 0; under SC_TEST_WRAP=valgrind, no errors or leaks). */
TEST(clean_stop)
{
	CHECK_INT(test_sandboxd_stop(&sd), 0);
}

int main(void)
{
	const char *none[] = {NULL};
	curl_global_init(CURL_GLOBAL_ALL);
	if (test_sandboxd_start(&sd, none)) {
		printf("cannot start sc-sandboxd\n");
		return 1;
	}
	RUN(pages_never_skip_or_repeat);
	RUN(pages_are_stable_under_concurrent_churn);
	RUN(order_is_newest_first);
	RUN(state_filter);
	RUN(metadata_filters_both_encodings);
	RUN(ignore_metadata_filter_at_run_time);
	RUN(ignore_metadata_filter_option);
	RUN(limit_and_token_validation);
	RUN(other_layout_lists_the_same);
	RUN(clean_stop);
	test_sandboxd_release(&sd);
	return test_summary();
}
