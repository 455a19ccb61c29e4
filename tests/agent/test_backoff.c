/* The agent's wait between cycles: backoff, its cap, and jitter bounds. */
#include "harness.h"

#include "agent/backoff.h"

TEST(success_waits_the_interval)
{
	CHECK_INT(sc_agent_backoff_ms(60000, 0), 60000);
	CHECK_INT(sc_agent_backoff_ms(1000, 0), 1000);
}

TEST(failures_double_the_wait)
{
	CHECK_INT(sc_agent_backoff_ms(1000, 1), 2000);
	CHECK_INT(sc_agent_backoff_ms(1000, 2), 4000);
	CHECK_INT(sc_agent_backoff_ms(1000, 3), 8000);
}

TEST(backoff_is_capped_at_ten_intervals_or_ten_minutes)
{
	CHECK_INT(sc_agent_backoff_cap_ms(1000), 10000);
	CHECK_INT(sc_agent_backoff_ms(1000, 4), 10000);
	CHECK_INT(sc_agent_backoff_ms(1000, 1000), 10000);
	CHECK_INT(sc_agent_backoff_cap_ms(60000), 600000);
	CHECK_INT(sc_agent_backoff_ms(60000, 3), 480000);
	CHECK_INT(sc_agent_backoff_ms(60000, 4), 600000);
	CHECK_INT(sc_agent_backoff_cap_ms(120000), 600000);
	CHECK_INT(sc_agent_backoff_ms(120000, 50), 600000);
}

TEST(backoff_never_waits_less_than_the_interval)
{
	CHECK_INT(sc_agent_backoff_cap_ms(3600000), 3600000);
	CHECK_INT(sc_agent_backoff_ms(3600000, 5), 3600000);
	CHECK_INT(sc_agent_backoff_ms(0, 5), 0);
}

TEST(huge_failure_counts_do_not_overflow)
{
	CHECK_INT(sc_agent_backoff_ms(1000, (unsigned long)-1), 10000);
	CHECK_INT(sc_agent_backoff_ms(400000, 100), 600000);
}

TEST(jitter_spans_ten_percent_each_way)
{
	CHECK_INT(sc_agent_jitter_ms(1000, 0.1, 0.0), 900);
	CHECK_INT(sc_agent_jitter_ms(1000, 0.1, 0.5), 1000);
	CHECK(sc_agent_jitter_ms(1000, 0.1, 0.999999) <= 1100);
	CHECK(sc_agent_jitter_ms(1000, 0.1, 0.999999) >= 1099);
	CHECK_INT(sc_agent_jitter_ms(1000, 0.0, 0.7), 1000);
	CHECK_INT(sc_agent_jitter_ms(0, 0.1, 0.3), 0);
}

TEST(random_jitter_stays_in_bounds_and_spreads)
{
	long low = 1000000, high = 0;
	for (int i = 0; i < 5000; i++) {
		double unit = sc_agent_random_unit();
		CHECK(unit >= 0.0 && unit < 1.0);
		long delay = sc_agent_jitter_ms(60000, SC_AGENT_JITTER, unit);
		CHECK(delay >= 54000 && delay <= 66000);
		low = delay < low ? delay : low;
		high = delay > high ? delay : high;
	}
	/* 5000 draws cover most of the range: the spread is real. */
	CHECK(low < 55000);
	CHECK(high > 65000);
}

int main(void)
{
	RUN(success_waits_the_interval);
	RUN(failures_double_the_wait);
	RUN(backoff_is_capped_at_ten_intervals_or_ten_minutes);
	RUN(backoff_never_waits_less_than_the_interval);
	RUN(huge_failure_counts_do_not_overflow);
	RUN(jitter_spans_ten_percent_each_way);
	RUN(random_jitter_stays_in_bounds_and_spreads);
	return test_summary();
}
