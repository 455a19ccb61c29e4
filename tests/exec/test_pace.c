/* The rate cap, on a made-up clock. */
#include "exec/private/pace.h"
#include "harness.h"

TEST(no_cap_never_waits)
{
	sc_exec_pace pace;
	sc_exec_pace_init(&pace, 0);
	for (int i = 0; i < 100; i++) {
		CHECK_INT(sc_exec_pace_wait(&pace, 1000), 0);
		sc_exec_pace_take(&pace, 1000);
	}
}

TEST(cap_spaces_requests_evenly)
{
	sc_exec_pace pace;
	sc_exec_pace_init(&pace, 4); /* one per 250 ms */
	CHECK_INT(sc_exec_pace_wait(&pace, 1000), 0);
	sc_exec_pace_take(&pace, 1000);
	CHECK_INT(sc_exec_pace_wait(&pace, 1000), 250);
	CHECK_INT(sc_exec_pace_wait(&pace, 1100), 150);
	CHECK_INT(sc_exec_pace_wait(&pace, 1250), 0);
	sc_exec_pace_take(&pace, 1250);
	CHECK_INT(sc_exec_pace_wait(&pace, 1300), 200);
}

TEST(idle_time_is_not_banked)
{
	sc_exec_pace pace;
	sc_exec_pace_init(&pace, 10); /* one per 100 ms */
	sc_exec_pace_take(&pace, 0);
	/* A long pause does not allow a burst afterwards. */
	CHECK_INT(sc_exec_pace_wait(&pace, 10000), 0);
	sc_exec_pace_take(&pace, 10000);
	CHECK_INT(sc_exec_pace_wait(&pace, 10000), 100);
}

TEST(fractional_rates)
{
	sc_exec_pace pace;
	sc_exec_pace_init(&pace, 0.5); /* one per 2 s */
	sc_exec_pace_take(&pace, 0);
	CHECK_INT(sc_exec_pace_wait(&pace, 1), 1999);
}

int main(void)
{
	RUN(no_cap_never_waits);
	RUN(cap_spaces_requests_evenly);
	RUN(idle_time_is_not_banked);
	RUN(fractional_rates);
	return test_summary();
}
