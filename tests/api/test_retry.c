/* The retry policy: what is retryable, unknown create outcomes, Retry-After, backoff. */
#include <stdlib.h>

#include "api/retry.h"
#include "common/timeutil.h"
#include "harness.h"

static uint64_t top(uint64_t bound)
{
	return bound ? bound - 1 : 0;
}

static uint64_t bottom(uint64_t bound)
{
	(void)bound;
	return 0;
}

TEST(retryable_statuses)
{
	CHECK(sc_api_status_retryable(408));
	CHECK(sc_api_status_retryable(429));
	CHECK(sc_api_status_retryable(500));
	CHECK(sc_api_status_retryable(503));
	CHECK(!sc_api_status_retryable(400));
	CHECK(!sc_api_status_retryable(401));
	CHECK(!sc_api_status_retryable(404));
	CHECK(!sc_api_status_retryable(409));
	CHECK(!sc_api_status_retryable(200));
	sc_api_response r = {0};
	r.transport_failed = true;
	CHECK(sc_api_response_retryable(&r));
}

TEST(create_outcome_unknown)
{
	sc_api_response r = {0};
	r.transport_failed = true;
	r.maybe_sent = false;
	CHECK(!sc_api_create_outcome_unknown(&r, false)); /* never connected */
	r.maybe_sent = true;
	CHECK(
	    sc_api_create_outcome_unknown(&r, false)); /* reset, timeout after sending */
	r = (sc_api_response){0};
	r.status = 503;
	CHECK(sc_api_create_outcome_unknown(&r, false));
	r.status = 429;
	CHECK(!sc_api_create_outcome_unknown(&r, false));
	r.status = 400;
	CHECK(!sc_api_create_outcome_unknown(&r, false));
	r.status = 201;
	CHECK(!sc_api_create_outcome_unknown(&r, true));
	CHECK(sc_api_create_outcome_unknown(&r, false)); /* truncated body */
}

TEST(retry_after_seconds_and_dates)
{
	int64_t now;
	CHECK_INT(sc_time_parse_http("Wed, 10 Jun 2026 08:55:50 GMT", &now), 0);
	CHECK_INT(sc_api_retry_after_ms(NULL, now), -1);
	CHECK_INT(sc_api_retry_after_ms("3", now), 3000);
	CHECK_INT(sc_api_retry_after_ms(" 0 ", now), 0);
	CHECK_INT(sc_api_retry_after_ms("Wed, 10 Jun 2026 08:56:00 GMT", now), 10000);
	CHECK_INT(sc_api_retry_after_ms("Wed, 10 Jun 2026 08:55:00 GMT", now), 0);
	CHECK_INT(sc_api_retry_after_ms("soon", now), -1);
	CHECK_INT(sc_api_retry_after_ms("3s", now), -1);
	CHECK_INT(sc_api_retry_after_ms("-1", now), -1);
	CHECK_INT(sc_api_retry_after_ms("99999999", now), 86400000);
}

TEST(backoff_grows_and_is_capped)
{
	CHECK_INT(sc_api_backoff_ms(1, 200, 10000, -1, top), 200);
	CHECK_INT(sc_api_backoff_ms(2, 200, 10000, -1, top), 400);
	CHECK_INT(sc_api_backoff_ms(3, 200, 10000, -1, top), 800);
	CHECK_INT(sc_api_backoff_ms(7, 200, 10000, -1, top), 10000);
	CHECK_INT(sc_api_backoff_ms(1000, 200, 10000, -1, top), 10000);
	CHECK_INT(sc_api_backoff_ms(5, 200, 10000, -1, bottom), 0);
}

TEST(backoff_honours_retry_after)
{
	CHECK_INT(sc_api_backoff_ms(1, 200, 10000, 3000, bottom), 3000);
	CHECK_INT(sc_api_backoff_ms(7, 200, 10000, 3000, top), 10000);
	CHECK_INT(sc_api_backoff_ms(1, 200, 10000, 0, top), 200);
}

TEST(backoff_jitter_stays_in_range)
{
	for (int i = 0; i < 1000; i++) {
		long d = sc_api_backoff_ms(3, 100, 10000, -1, NULL);
		if (d < 0 || d > 400)
			TEST_FAILURE("backoff %ld out of [0,400]", d);
	}
}

int main(void)
{
	RUN(retryable_statuses);
	RUN(create_outcome_unknown);
	RUN(retry_after_seconds_and_dates);
	RUN(backoff_grows_and_is_capped);
	RUN(backoff_honours_retry_after);
	RUN(backoff_jitter_stays_in_range);
	return test_summary();
}
