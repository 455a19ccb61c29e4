/* sc-sandboxd library pieces, without a server: CIDRs, tokens, routes, limiter, faults,
 * store order, JSON. */
#include "harness.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mem.h"
#include "sandboxd/private/create.h"
#include "sandboxd/private/faults.h"
#include "sandboxd/private/json.h"
#include "sandboxd/private/limiter.h"
#include "sandboxd/private/route.h"
#include "sandboxd/private/settings.h"
#include "sandboxd/private/store.h"
#include "sandboxd/private/token.h"

TEST(cidrs)
{
	static const char *const good[] = {"0.0.0.0",    "1.2.3.4",   "255.255.255.255",
	                                   "10.0.0.0/8", "0.0.0.0/0", "1.1.1.1/32"};
	static const char *const bad[] = {
	    "",         "1.2.3",      "1.2.3.4.5",  "256.0.0.1", "1.2.3.4/33",
	    "1.2.3.4/", "1.2.3.4/-1", "a.b.c.d",    "1..2.3",    "1.2.3.4 ",
	    "::1",      "0001.2.3.4", "1.2.3.4/8/8"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!sd_cidr_valid(good[i]))
			TEST_FAILURE("%s rejected", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sd_cidr_valid(bad[i]))
			TEST_FAILURE("%s accepted", bad[i]);
}

TEST(tokens)
{
	int64_t ms;
	char id[SD_ID_MAX];
	char *token = sd_token_encode(1781081750123LL, "sandbox_0123abcd");
	CHECK_INT(sd_token_decode(token, &ms, id), 0);
	CHECK_INT(ms, 1781081750123LL);
	CHECK_STR(id, "sandbox_0123abcd");
	CHECK(strchr(token, '=') == NULL && strchr(token, '+') == NULL);
	free(token);
	CHECK(sd_token_decode("", &ms, id) < 0);
	CHECK(sd_token_decode("!!!", &ms, id) < 0);
	CHECK(sd_token_decode("AAAA", &ms, id) < 0);
	token = sd_token_encode(5, "bad id\"");
	CHECK(sd_token_decode(token, &ms, id) < 0);
	free(token);
}

TEST(routes)
{
	sd_route r;
	sd_route_match(&r, "/api/v1/sandbox/sandboxes");
	CHECK_INT(r.kind, SD_ROUTE_SANDBOXES);
	sd_route_match(&r, "/api/v1/sandboxes");
	CHECK_INT(r.kind, SD_ROUTE_SANDBOXES);
	sd_route_match(&r, "/api/v1/sandboxes/sandbox_1/connect");
	CHECK_INT(r.kind, SD_ROUTE_CONNECT);
	CHECK_STR(r.id, "sandbox_1");
	sd_route_match(&r, "/api/v1/sandbox/sandboxes/metrics");
	CHECK_INT(r.kind, SD_ROUTE_METRICS_BATCH);
	sd_route_match(&r, "/api/v1/sandbox/sandboxes/abc/metrics");
	CHECK_INT(r.kind, SD_ROUTE_METRICS);
	sd_route_match(&r, "/api/v1/sandbox/sandboxes/abc/nope");
	CHECK_INT(r.kind, SD_ROUTE_NONE);
	sd_route_match(&r, "/api/v1/sandboxesx");
	CHECK_INT(r.kind, SD_ROUTE_NONE);
	sd_route_match(&r, "/sandboxes");
	CHECK_INT(r.kind, SD_ROUTE_NONE);
	sd_route_match(&r, "/_admin/stats/reset");
	CHECK_INT(r.kind, SD_ROUTE_ADMIN_STATS_RESET);
	CHECK(r.admin);
	sd_route_match(&r, "/api/v1/_admin/clock");
	CHECK_INT(r.kind, SD_ROUTE_ADMIN_CLOCK);
	sd_route_match(&r, "/api/v1/sandbox/_admin/config");
	CHECK_INT(r.kind, SD_ROUTE_ADMIN_CONFIG);
	CHECK(sd_route_allows(SD_ROUTE_SANDBOX, "DELETE"));
	CHECK(!sd_route_allows(SD_ROUTE_SANDBOX, "POST"));
	CHECK(!sd_route_allows(SD_ROUTE_SANDBOXES, "POS"));
	CHECK(!sd_route_allows(SD_ROUTE_SANDBOXES, ""));  /* found by fuzz_sandboxd: looped forever */
	CHECK_STR(sd_route_template(SD_ROUTE_LOGS), "/sandboxes/:id/logs");
}

TEST(limiter)
{
	sd_limiter l = {0, 0};
	int passed = 0, retry = 0;
	for (int i = 0; i < 10; i++) {
		int r = sd_limiter_take(&l, 5, 1000);
		passed += r == 0;
		if (r)
			retry = r;
	}
	CHECK_INT(passed, 5);
	CHECK_INT(retry, 1);
	CHECK_INT(sd_limiter_take(&l, 5, 1200), 0); /* one token back after 200 ms */
	CHECK(sd_limiter_take(&l, 5, 1200) > 0);
	CHECK_INT(sd_limiter_take(&l, 0, 1200), 0); /* no limit */
	sd_limiter slow = {0, 0};
	CHECK_INT(sd_limiter_take(&slow, 0.25, 1000), 0);
	CHECK_INT(sd_limiter_take(&slow, 0.25, 1000), 4);
}

TEST(fault_kinds_and_draws)
{
	sc_diag diag = SC_DIAG_INIT;
	unsigned kinds = 0;
	CHECK_INT(sd_fault_kinds_parse("5xx,429 drop", &kinds, &diag), 0);
	CHECK_INT(kinds, SD_FAULT_5XX | SD_FAULT_429 | SD_FAULT_DROP);
	CHECK(sd_fault_kinds_parse("5xx,bogus", &kinds, &diag) < 0);
	CHECK(sd_fault_kinds_parse("", &kinds, &diag) < 0);
	sc_diag_release(&diag);

	sd_settings s;
	sd_settings_defaults(&s);
	s.fault_rate = 0.5;
	s.fault_kinds = SD_FAULT_LOST_CREATE;
	sd_rng a, b;
	sd_rng_seed(&a, 9);
	for (int i = 0; i < 100; i++)
		CHECK_INT(sd_fault_draw(&a, &s, false).kind,
		          0); /* lost-create needs a create */
	s.fault_kinds = SD_FAULT_5XX | SD_FAULT_SLOW;
	sd_rng_seed(&a, 9);
	sd_rng_seed(&b, 9);
	int faults = 0;
	for (int i = 0; i < 1000; i++) {
		sd_fault fa = sd_fault_draw(&a, &s, true),
		         fb = sd_fault_draw(&b, &s, true);
		CHECK_INT(fa.kind, fb.kind);
		CHECK_INT(fa.status, fb.status);
		faults += fa.kind != 0;
		if (fa.kind == SD_FAULT_5XX)
			CHECK(fa.status == 500 || fa.status == 502 || fa.status == 503);
	}
	CHECK(faults > 400 && faults < 600);
}

static sd_sandbox *make(const char *id, int64_t started, int64_t end)
{
	sd_sandbox *s = sd_sandbox_new();
	snprintf(s->id, sizeof(s->id), "%s", id);
	s->template_id = sc_strdup("tpl-base-7f3a9c");
	s->started_at = s->activated_at = started;
	s->end_at = end;
	return s;
}

TEST(store_order_and_expiry)
{
	sd_store store;
	sc_diag diag = SC_DIAG_INIT;
	CHECK_INT(sd_store_init(&store, NULL, &diag), 0);
	sd_store_insert(&store, make("b", 1000, 5000));
	sd_store_insert(&store, make("a", 1000, 9000));
	sd_store_insert(&store, make("c", 2000, 9000));
	sd_store_insert(&store, make("d", 500, 3000));
	/* List order: c (newest), a, b (same ms, by id), d. */
	const char *expected[] = {"c", "a", "b", "d"};
	for (size_t k = 0; k < 4; k++)
		CHECK_STR(store.order[store.count - 1 - k]->id, expected[k]);
	/* After the position of a: b then d. */
	size_t from = sd_store_list_from(&store, 1000, "a");
	CHECK_INT(from, 2);
	CHECK_STR(store.order[from - 1]->id, "b");
	/* A position that no longer exists still works. */
	from = sd_store_list_from(&store, 1000, "aa");
	CHECK_STR(store.order[from - 1]->id, "b");
	CHECK_INT(sd_store_list_from(&store, 0, NULL), 4);

	sd_store_find(&store, "a")->auto_pause = true;
	sd_store_expire(&store, 2999);
	CHECK_INT(store.count, 4);
	sd_store_expire(&store, 5000);
	CHECK_INT(store.count, 2); /* b and d killed */
	CHECK(sd_store_find(&store, "b") == NULL);
	sd_store_expire(&store, 10000);
	CHECK_INT(store.count, 1); /* c killed, a paused */
	CHECK(sd_store_find(&store, "a")->paused);
	sd_store_release(&store);
	sc_diag_release(&diag);
}

TEST(journal_compacts_while_running)
{
	sd_store store;
	sc_diag diag = SC_DIAG_INIT;
	char dir[] = "/tmp/sd-units-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *path = sc_asprintf("%s/journal", dir);

	CHECK_INT(sd_store_init(&store, path, &diag), 0);
	sd_store_insert(&store, make("keep", 1000, 90000));
	sd_sandbox *s = make("gone", 1000, 90000);
	sd_store_insert(&store, s);
	sd_store_remove(&store, s);
	for (int i = 0; i < 12000; i++) {
		sd_sandbox *keep = sd_store_find(&store, "keep");
		keep->end_at = 90000 + i;
		sd_store_changed(&store, keep);
	}
	CHECK(store.journal.records < 3000);
	CHECK(!store.write_failed);
	sd_store_advance_clock(&store, 5000);
	sd_store_release(&store);

	struct stat st;
	CHECK_INT(stat(path, &st), 0);
	CHECK(st.st_size < 3000 * 1000);
	CHECK_INT(sd_store_init(&store, path, &diag), 0);
	CHECK_INT(store.count, 1);
	CHECK_INT(sd_store_find(&store, "keep")->end_at, 90000 + 11999);
	CHECK_INT(store.clock_offset_ms, 5000);
	sd_store_release(&store);
	sc_diag_release(&diag);
	unlink(path);
	char *tmp = sc_asprintf("%s.tmp", path);
	unlink(tmp);
	free(tmp);
	tmp = sc_asprintf("%s.lock", path);
	unlink(tmp);
	free(tmp);
	rmdir(dir);
	free(path);
}

TEST(json_strings)
{
	sc_buf out = SC_BUF_INIT;
	sc_json_quote(&out, "a\"b\\c\n\x01\xc3\xa9\xff");
	CHECK_STR(sc_buf_cstr(&out), "\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\\ufffd\"");
	sc_buf_release(&out);
	CHECK(sc_utf8_valid("h\xc3\xa9llo \xf0\x9f\x98\x80", 11));
	CHECK(!sc_utf8_valid("\xc0\xaf", 2));     /* overlong */
	CHECK(!sc_utf8_valid("\xed\xa0\x80", 3)); /* surrogate */
	CHECK(!sc_utf8_valid("\xe2\x82", 2));     /* truncated */
}

int main(void)
{
	RUN(cidrs);
	RUN(tokens);
	RUN(routes);
	RUN(limiter);
	RUN(fault_kinds_and_draws);
	RUN(store_order_and_expiry);
	RUN(journal_compacts_while_running);
	RUN(json_strings);
	return test_summary();
}
