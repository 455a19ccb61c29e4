/*
 * Helpers shared by the sc-sandboxd test programs: requests that decode
 * JSON, create a sandbox, count a listing. Header-only (static), included
 * by each tests/sandboxd/test_*.c.
 */
#ifndef SD_TEST_HELPERS_H
#define SD_TEST_HELPERS_H

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/mem.h"
#include "common/timeutil.h"
#include "harness.h"
#include "support/sandboxd.h"

/* One request with the test key; the body parsed (NULL when not JSON). */
static inline cJSON *sdt_call(const test_sandboxd *sd, const char *method,
                              const char *url, const char *body, long *status)
{
	test_response r;
	test_http(sd, method, url, TEST_API_KEY, body, &r);
	*status = r.status;
	cJSON *json = cJSON_Parse(r.body);
	test_response_release(&r);
	return json;
}

/* Like sdt_call, and checks the status; the body is freed. */
static inline long sdt_status(const test_sandboxd *sd, const char *method,
                              const char *url, const char *body)
{
	long status;
	cJSON_Delete(sdt_call(sd, method, url, body, &status));
	return status;
}

static inline const char *sdt_str(const cJSON *object, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
	return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* Creates a sandbox from body (NULL: "{}"); its id, malloc'd, or NULL. */
static inline char *sdt_create(const test_sandboxd *sd, const char *body)
{
	long status;
	cJSON *json = sdt_call(sd, "POST", "/sandboxes", body ? body : "{}", &status);
	char *id = NULL;
	if (status == 201 && sdt_str(json, "sandboxID"))
		id = strdup(sdt_str(json, "sandboxID"));
	else
		printf("  create failed: status %ld\n", status);
	cJSON_Delete(json);
	return id;
}

/* The error message of an error body, for CHECK_CONTAINS; malloc'd ("" if none). */
static inline char *sdt_error(const test_sandboxd *sd, const char *method,
                              const char *url, const char *body, long *status)
{
	cJSON *json = sdt_call(sd, method, url, body, status);
	const char *message = sdt_str(json, "message");
	char *copy = strdup(message ? message : "");
	cJSON_Delete(json);
	return copy;
}

/* Every sandbox of a filtered listing, following X-Next-Token; the count, -1 on error. */
/*
 * Lists every page of query, limit a page, adding the ids to ids_out (may
 * be NULL); between (may be NULL) runs after each page but the last.
 */
static inline int sdt_list_all_paced(const test_sandboxd *sd, const char *query, int limit,
                                     cJSON *ids_out, void (*between)(void *), void *ctx)
{
	char url[2048];
	char *token = NULL;
	int total = 0;
	for (int pages = 0; pages < 10000; pages++) {
		test_response r;
		snprintf(url, sizeof(url), "/sandboxes?limit=%d%s%s%s%s", limit,
		         query && *query ? "&" : "", query ? query : "",
		         token ? "&nextToken=" : "", token ? token : "");
		free(token);
		token = NULL;
		if (test_http(sd, "GET", url, TEST_API_KEY, NULL, &r) ||
		    r.status != 200) {
			test_response_release(&r);
			return -1;
		}
		cJSON *page = cJSON_Parse(r.body);
		const cJSON *item;
		cJSON_ArrayForEach(item, page)
		{
			if (ids_out)
				cJSON_AddItemToArray(ids_out, cJSON_CreateString(sdt_str(
				                                  item, "sandboxID")));
			total++;
		}
		cJSON_Delete(page);
		token = test_response_header(&r, "X-Next-Token");
		test_response_release(&r);
		if (!token)
			return total;
		if (between)
			between(ctx);
	}
	free(token);
	return -1;
}

static inline int sdt_list_all(const test_sandboxd *sd, const char *query, int limit,
                               cJSON *ids_out)
{
	return sdt_list_all_paced(sd, query, limit, ids_out, NULL, NULL);
}

static inline void sdt_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Starts sc-sandboxd with extra args; NULL-terminated list. */
#define SDT_START(sd, ...)                                                               \
	do {                                                                             \
		const char *sdt_args[] = {__VA_ARGS__, NULL};                            \
		if (test_sandboxd_start(&(sd), sdt_args)) {                              \
			TEST_FAILURE("sc-sandboxd did not start");                       \
			return;                                                          \
		}                                                                        \
	} while (0)

#endif
