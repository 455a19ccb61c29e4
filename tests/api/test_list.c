/* sc_api_list against a real sc-sandboxd: pages, both filter encodings, Date, faults. */
#include <stdlib.h>
#include <string.h>

#include "api/client.h"
#include "support/sandboxd.h"
#include "common/mem.h"
#include "common/timeutil.h"
#include "harness.h"

typedef struct server {
	test_sandboxd sd;
	sc_api_client *client;
	sc_buf trace;
} server;

static void on_trace(void *ctx, const char *line)
{
	server *s = ctx;
	sc_buf_puts(&s->trace, line);
	sc_buf_putc(&s->trace, '\n');
}

static int server_start(server *s, const char *const *args, sc_filter_style style)
{
	sc_diag diag = SC_DIAG_INIT;
	memset(s, 0, sizeof(*s));
	if (test_sandboxd_start(&s->sd, args)) {
		TEST_FAILURE("sc-sandboxd did not start");
		test_sandboxd_release(&s->sd);
		return -1;
	}
	sc_api_config config = {.base_url = s->sd.base_url,
	                        .api_key = TEST_API_KEY,
	                        .filter_style = style,
	                        .trace = on_trace,
	                        .trace_ctx = s,
	                        .list_backoff_ms = 5};
	CHECK_INT(sc_api_client_new(&s->client, &config, &diag), 0);
	sc_diag_release(&diag);
	return 0;
}

static void server_stop(server *s)
{
	sc_api_client_free(s->client);
	CHECK_INT(test_sandboxd_stop(&s->sd), 0);
	test_sandboxd_release(&s->sd);
	sc_buf_release(&s->trace);
}

static void post(server *s, const char *path, const char *body)
{
	test_response r;
	if (test_http(&s->sd, "POST", path, TEST_API_KEY, body, &r) || r.status >= 300)
		TEST_FAILURE("POST %s: %ld %s", path, r.status, r.body);
	test_response_release(&r);
}

/* count sandboxes in set, label k=v on each; odd ones also carry "odd"="yes". */
static void make(server *s, const char *set, int count)
{
	char body[512];
	for (int i = 0; i < count; i++) {
		snprintf(body, sizeof(body),
		         "{\"timeout\":600,\"metadata\":{\"sc-apply/"
		         "set\":\"%s\",\"n\":\"%d\"%s}}",
		         set, i, i % 2 ? ",\"odd\":\"yes\"" : "");
		post(s, "/sandboxes", body);
	}
}

static size_t list_count(server *s, const char *set, const char *odd,
                         sc_sandbox_list *keep)
{
	sc_kv filter = SC_KV_INIT;
	sc_sandbox_list list = {0};
	sc_diag diag = SC_DIAG_INIT;
	if (set)
		sc_kv_set(&filter, "sc-apply/set", set);
	if (odd)
		sc_kv_set(&filter, "odd", odd);
	if (sc_api_list(s->client, &filter, &list, &diag))
		TEST_FAILURE("list: %s", diag.count ? diag.entries[0].message : "?");
	size_t n = 0;
	for (size_t i = 0; i < list.count; i++)
		n += sc_api_labels_match(&list.items[i], &filter);
	if (keep)
		*keep = list;
	else
		sc_sandbox_list_release(&list);
	sc_kv_release(&filter);
	sc_diag_release(&diag);
	return n;
}

static void no_repeats(const sc_sandbox_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(list->items[i].id, list->items[j].id))
				TEST_FAILURE("%s listed twice", list->items[i].id);
}

static void pages_and_filters(sc_filter_style style)
{
	server s;
	sc_sandbox_list list = {0};
	if (server_start(&s, NULL, style))
		return;
	make(&s, "alpha", 230);
	make(&s, "beta", 20);
	CHECK_INT(list_count(&s, "alpha", NULL, &list), 230);
	CHECK_INT(list.count, 230); /* the server applied the filter */
	no_repeats(&list);
	CHECK(list.server_now > 0);
	CHECK(llabs((long long)(list.server_now - sc_time_now_ms())) < 60000);
	CHECK_INT(list.items[0].phase, SC_PHASE_READY);
	CHECK(list.items[0].end_at > list.items[0].started_at);
	sc_sandbox_list_release(&list);
	CHECK_INT(list_count(&s, "alpha", "yes", NULL), 115);
	CHECK_INT(list_count(&s, "beta", NULL, NULL), 20);
	CHECK_INT(list_count(&s, NULL, NULL, NULL), 250);
	CHECK_INT(list_count(&s, "nobody's", NULL, NULL), 0);
	/* three pages of alpha: the token moved on */
	CHECK_CONTAINS(sc_buf_cstr(&s.trace), "nextToken=");
	CHECK_NOT_CONTAINS(sc_buf_cstr(&s.trace), TEST_API_KEY);
	server_stop(&s);
}

TEST(pages_with_the_page_filter)
{
	pages_and_filters(SC_FILTER_PAGE);
}

TEST(pages_with_the_e2b_filter)
{
	pages_and_filters(SC_FILTER_E2B);
}

TEST(server_now_follows_the_server_clock)
{
	server s;
	sc_sandbox_list list = {0};
	if (server_start(&s, NULL, SC_FILTER_PAGE))
		return;
	post(&s, "/_admin/clock", "{\"advance\":7200}");
	list_count(&s, NULL, NULL, &list);
	CHECK(list.server_now - sc_time_now_ms() > 7100 * 1000LL);
	sc_sandbox_list_release(&list);
	server_stop(&s);
}

TEST(list_survives_faults)
{
	server s;
	const char *const args[] = {"--seed", "5", NULL};
	if (server_start(&s, args, SC_FILTER_PAGE))
		return;
	make(&s, "alpha", 120);
	post(
	    &s, "/_admin/config",
	    "{\"faultRate\":0.4,\"faultKinds\":[\"5xx\",\"429\",\"drop\",\"truncate\"]}");
	for (int i = 0; i < 6; i++)
		CHECK_INT(list_count(&s, "alpha", NULL, NULL), 120);
	/* 6 lists of 2 pages: every faulted page was asked for again */
	int requests = 0;
	for (const char *p = sc_buf_cstr(&s.trace); (p = strchr(p, '\n')); p++)
		requests++;
	CHECK(requests > 12);
	server_stop(&s);
}

TEST(filter_ignored_by_the_server_is_rechecked)
{
	server s;
	sc_sandbox_list list = {0};
	if (server_start(&s, NULL, SC_FILTER_PAGE))
		return;
	make(&s, "alpha", 3);
	make(&s, "beta", 4);
	post(&s, "/_admin/config", "{\"ignoreMetadataFilter\":true}");
	CHECK_INT(list_count(&s, "alpha", NULL, &list), 3);
	CHECK_INT(list.count, 7);
	sc_sandbox_list_release(&list);
	server_stop(&s);
}

TEST(wrong_key_is_an_error_without_the_key)
{
	server s;
	sc_diag diag = SC_DIAG_INIT;
	sc_sandbox_list list = {0};
	sc_api_client *bad;
	if (server_start(&s, NULL, SC_FILTER_PAGE))
		return;
	sc_api_config config = {.base_url = s.sd.base_url, .api_key = "wrong-key-value"};
	CHECK_INT(sc_api_client_new(&bad, &config, &diag), 0);
	CHECK_INT(sc_api_list(bad, NULL, &list, &diag), -1);
	CHECK_INT(list.count, 0);
	/* One error, and the hint that says what to check. */
	CHECK(diag.count == 2 && sc_diag_error_count(&diag) == 1);
	if (diag.count == 2) {
		CHECK_CONTAINS(diag.entries[0].message, "HTTP 401");
		CHECK_NOT_CONTAINS(diag.entries[0].message, "wrong-key-value");
		CHECK(diag.entries[1].level == SC_DIAG_HINT);
		CHECK_CONTAINS(diag.entries[1].message, "check the API key");
		CHECK_NOT_CONTAINS(diag.entries[1].message, "wrong-key-value");
	}
	sc_api_client_free(bad);
	sc_diag_release(&diag);
	server_stop(&s);
}

TEST(config_is_checked)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_api_client *client = (sc_api_client *)1;
	sc_api_config config = {.base_url = "http://127.0.0.1:1/x"};
	CHECK_INT(sc_api_client_new(&client, &config, &diag), -1);
	CHECK(client == NULL);
	config.api_key = "a\nb";
	CHECK_INT(sc_api_client_new(&client, &config, &diag), -1);
	CHECK_NOT_CONTAINS(diag.entries[1].message, "a\nb");
	config.api_key = "k";
	config.base_url = "";
	CHECK_INT(sc_api_client_new(&client, &config, &diag), -1);
	sc_diag_release(&diag);
	sc_api_client_free(NULL);
}

TEST(unreachable_server_gives_up)
{
	sc_diag diag = SC_DIAG_INIT;
	sc_api_client *client;
	sc_sandbox_list list = {0};
	sc_api_config config = {.base_url = "http://127.0.0.1:1/api/v1/sandbox/",
	                        .api_key = "k",
	                        .list_attempts = 2,
	                        .list_backoff_ms = 1};
	CHECK_INT(sc_api_client_new(&client, &config, &diag), 0);
	CHECK_INT(sc_api_list(client, NULL, &list, &diag), -1);
	CHECK(diag.count == 1);
	if (diag.count)
		CHECK_CONTAINS(diag.entries[0].message, "list sandboxes: ");
	sc_api_client_free(client);
	sc_diag_release(&diag);
}

/* A Retry-After past the list's time limit fails the list at once: cron is never held. */
TEST(a_wait_past_the_time_limit_fails_the_list)
{
	server s;
	sc_diag diag = SC_DIAG_INIT;
	sc_api_client *client;
	sc_sandbox_list list = {0};
	if (server_start(&s, NULL, SC_FILTER_PAGE))
		return;
	post(&s, "/_admin/config", "{\"faultRate\":1,\"faultKinds\":[\"429\"]}");
	sc_api_config config = {.base_url = s.sd.base_url,
	                        .api_key = TEST_API_KEY,
	                        .list_timeout_ms = 500};
	CHECK_INT(sc_api_client_new(&client, &config, &diag), 0);
	CHECK_INT(sc_api_list(client, NULL, &list, &diag), -1);
	CHECK_INT(diag.count, 1);
	if (diag.count)
		CHECK_CONTAINS(diag.entries[0].message, "time limit would pass");
	CHECK_INT(list.count, 0);
	sc_api_client_free(client);
	sc_diag_release(&diag);
	server_stop(&s);
}

int main(void)
{
	RUN(pages_with_the_page_filter);
	RUN(pages_with_the_e2b_filter);
	RUN(server_now_follows_the_server_clock);
	RUN(list_survives_faults);
	RUN(filter_ignored_by_the_server_is_rechecked);
	RUN(wrong_key_is_an_error_without_the_key);
	RUN(config_is_checked);
	RUN(unreachable_server_gives_up);
	RUN(a_wait_past_the_time_limit_fails_the_list);
	return test_summary();
}
