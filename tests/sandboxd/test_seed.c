/* sc-sandboxd: POST /_admin/seed copies every sandbox, for benchmarks of large fleets. */
#include "sdtest.h"

#include <curl/curl.h>

static test_sandboxd sd;

static cJSON *seed(const char *body, long *status)
{
	char url[256];
	snprintf(url, sizeof(url), "%s/_admin/seed", sd.root_url);
	return sdt_call(&sd, "POST", url, body, status);
}

static int number(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	return cJSON_IsNumber(item) ? item->valueint : -1;
}

TEST(copies_keep_all_but_the_id)
{
	long status;
	char *a = sdt_create(&sd, "{\"templateID\":\"base\",\"timeout\":600,"
	                          "\"metadata\":{\"set\":\"s\",\"team\":\"ml\"}}");
	char *b = sdt_create(&sd, "{\"metadata\":{\"set\":\"s\",\"team\":\"web\"}}");
	cJSON *answer = seed("{\"copies\":3}", &status);
	CHECK_INT(status, 200);
	CHECK_INT(number(answer, "added"), 6);
	CHECK_INT(number(answer, "count"), 8);
	cJSON_Delete(answer);

	cJSON *ids = cJSON_CreateArray();
	CHECK_INT(sdt_list_all(&sd, "metadata[set]=s", 100, ids), 8);
	CHECK_INT(sdt_list_all(&sd, "metadata[team]=ml", 100, NULL), 4);
	CHECK_INT(sdt_list_all(&sd, "metadata[team]=web", 100, NULL), 4);
	/* Every id once: the copies have their own. */
	const cJSON *x, *y;
	int repeats = 0;
	cJSON_ArrayForEach(x, ids)
	{
		cJSON_ArrayForEach(y, ids) repeats += x != y && !strcmp(x->valuestring, y->valuestring);
	}
	CHECK_INT(repeats, 0);

	/* A copy has the original's template and TTL. */
	char url[256];
	cJSON *item;
	cJSON_ArrayForEach(item, ids)
	{
		snprintf(url, sizeof(url), "/sandboxes/%s", item->valuestring);
		cJSON *one = sdt_call(&sd, "GET", url, NULL, &status);
		const cJSON *md = cJSON_GetObjectItemCaseSensitive(one, "metadata");
		if (!strcmp(sdt_str(md, "team"), "ml")) {
			snprintf(url, sizeof(url), "/sandboxes/%s", a);
			cJSON *original = sdt_call(&sd, "GET", url, NULL, &status);
			CHECK_STR(sdt_str(one, "templateID"), sdt_str(original, "templateID"));
			CHECK_STR(sdt_str(one, "endAt"), sdt_str(original, "endAt"));
			cJSON_Delete(original);
		}
		cJSON_Delete(one);
	}
	cJSON_Delete(ids);
	free(a);
	free(b);
}

TEST(bad_requests_are_refused)
{
	long status;
	const char *bad[] = {"{}", "{\"copies\":-1}", "{\"copies\":1.5}", "{\"copies\":\"2\"}",
	                     "{\"copies\":1000001}", "[]"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON_Delete(seed(bad[i], &status));
		if (status != 400)
			TEST_FAILURE("%s: status %ld, want 400", bad[i], status);
	}
	char url[256];
	snprintf(url, sizeof(url), "%s/_admin/seed", sd.root_url);
	CHECK_INT(sdt_status(&sd, "GET", url, NULL), 405);
}

TEST(max_sandboxes_holds)
{
	test_sandboxd small;
	const char *args[] = {"--max-sandboxes", "5", NULL};
	long status;
	char url[256];

	if (test_sandboxd_start(&small, args)) {
		TEST_FAILURE("cannot start sc-sandboxd");
		return;
	}
	free(sdt_create(&small, NULL));
	free(sdt_create(&small, NULL));
	snprintf(url, sizeof(url), "%s/_admin/seed", small.root_url);
	char *message = sdt_error(&small, "POST", url, "{\"copies\":2}", &status);
	CHECK_INT(status, 400);
	CHECK_CONTAINS(message, "--max-sandboxes");
	free(message);
	CHECK_INT(sdt_list_all(&small, "", 100, NULL), 2);
	cJSON_Delete(sdt_call(&small, "POST", url, "{\"copies\":1}", &status));
	CHECK_INT(status, 200);
	CHECK_INT(sdt_list_all(&small, "", 100, NULL), 4);
	CHECK_INT(test_sandboxd_stop(&small), 0);
	test_sandboxd_release(&small);
}

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
	RUN(copies_keep_all_but_the_id);
	RUN(bad_requests_are_refused);
	RUN(max_sandboxes_holds);
	RUN(clean_stop);
	test_sandboxd_release(&sd);
	return test_summary();
}
