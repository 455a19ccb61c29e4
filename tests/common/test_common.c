/* The shared pieces: diagnostics, buffers, maps, SHA-256, time. */
#include <stdlib.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/kv.h"
#include "common/sha256.h"
#include "common/timeutil.h"
#include "harness.h"

TEST(diag_formats_place_and_level)
{
	sc_diag diag = SC_DIAG_INIT;
	CHECK_INT(sc_diag_error(&diag, "a.yaml", 12, 7, "spec.timeout: bad, got \"%s\"", "30m"), -1);
	CHECK_INT(sc_diag_warning(&diag, NULL, 0, 0, "plain"), 0);
	char *first = sc_diag_format(&diag.entries[0]);
	char *second = sc_diag_format(&diag.entries[1]);
	CHECK_STR(first, "a.yaml:12:7: error: spec.timeout: bad, got \"30m\"");
	CHECK_STR(second, "warning: plain");
	CHECK_INT(sc_diag_error_count(&diag), 1);
	free(first);
	free(second);
	sc_diag_release(&diag);
}

TEST(kv_keeps_keys_sorted_and_unique)
{
	sc_kv kv = SC_KV_INIT, copy;
	sc_kv_set(&kv, "b", "2");
	sc_kv_set(&kv, "a", "1");
	sc_kv_set(&kv, "b", "3");
	CHECK_INT(kv.count, 2);
	CHECK_STR(kv.pairs[0].key, "a");
	CHECK_STR(sc_kv_get(&kv, "b"), "3");
	CHECK(sc_kv_get(&kv, "c") == NULL);
	sc_kv_copy(&copy, &kv);
	CHECK(sc_kv_equal(&kv, &copy));
	CHECK(sc_kv_remove(&copy, "a"));
	CHECK(!sc_kv_equal(&kv, &copy));
	sc_kv_release(&kv);
	sc_kv_release(&copy);
}

TEST(sha256_matches_known_vectors)
{
	uint8_t digest[32];
	char hex[65];
	sc_sha256 ctx;

	sc_sha256_init(&ctx);
	sc_sha256_update(&ctx, "abc", 3);
	sc_sha256_final(&ctx, digest);
	sc_hex(hex, digest, 32);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	const char *long_input = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sc_sha256_init(&ctx);
	sc_sha256_update(&ctx, long_input, strlen(long_input));
	sc_sha256_final(&ctx, digest);
	sc_hex(hex, digest, 32);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(time_round_trips_rfc3339_and_http_dates)
{
	int64_t ms = 0;
	char text[32];

	CHECK_INT(sc_time_parse_rfc3339("2026-06-10T08:55:50Z", &ms), 0);
	CHECK_INT(ms, 1781081750000LL);
	sc_time_format_rfc3339(text, ms);
	CHECK_STR(text, "2026-06-10T08:55:50Z");
	CHECK_INT(sc_time_parse_rfc3339("2026-06-10T10:55:50.250+02:00", &ms), 0);
	CHECK_INT(ms, 1781081750250LL);
	CHECK_INT(sc_time_parse_rfc3339("2026-06-10 junk", &ms), -1);
	sc_time_format_http(text, 1781081750000LL);
	CHECK_STR(text, "Wed, 10 Jun 2026 08:55:50 GMT");
	CHECK_INT(sc_time_parse_http(text, &ms), 0);
	CHECK_INT(ms, 1781081750000LL);
	/* A hostile Date header is malformed, not an overflow. */
	CHECK_INT(sc_time_parse_http("Mon, 01 Jan 2026 9999999:00:00 GMT", &ms), -1);
	CHECK_INT(sc_time_parse_http("Mon, -3 Jan 2026 10:00:00 GMT", &ms), -1);
	CHECK_INT(sc_time_parse_http("Mon, 01 Jan 99999999 10:00:00 GMT", &ms), -1);
}

TEST(buf_appends_and_detaches)
{
	sc_buf buf = SC_BUF_INIT;
	CHECK_STR(sc_buf_cstr(&buf), "");
	sc_buf_puts(&buf, "a");
	sc_buf_printf(&buf, "%d", 42);
	sc_buf_putc(&buf, '!');
	char *s = sc_buf_detach(&buf);
	CHECK_STR(s, "a42!");
	CHECK_INT(buf.len, 0);
	free(s);
}

int main(void)
{
	RUN(diag_formats_place_and_level);
	RUN(kv_keeps_keys_sorted_and_unique);
	RUN(sha256_matches_known_vectors);
	RUN(time_round_trips_rfc3339_and_http_dates);
	RUN(buf_appends_and_detaches);
	return test_summary();
}
