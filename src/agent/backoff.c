#include "agent/backoff.h"

#include "common/random.h"

long sc_agent_backoff_cap_ms(long interval_ms)
{
	long cap = interval_ms > SC_AGENT_BACKOFF_CAP_MS / 10 ? SC_AGENT_BACKOFF_CAP_MS
	                                                      : interval_ms * 10;
	return cap < interval_ms ? interval_ms : cap;
}

long sc_agent_backoff_ms(long interval_ms, unsigned long failures)
{
	long cap = sc_agent_backoff_cap_ms(interval_ms);
	long delay = interval_ms;

	if (interval_ms <= 0)
		return 0;
	for (unsigned long i = 0; i < failures && delay < cap; i++)
		delay = delay > cap / 2 ? cap : delay * 2;
	return delay < cap ? delay : cap;
}

long sc_agent_jitter_ms(long delay_ms, double fraction, double unit)
{
	double spread = (double)delay_ms * fraction;
	double jittered = (double)delay_ms - spread + 2.0 * spread * unit;
	return jittered < 0 ? 0 : (long)(jittered + 0.5);
}

double sc_agent_random_unit(void)
{
	const uint64_t range = (uint64_t)1 << 53;
	return (double)sc_random_below(range) / (double)range;
}
