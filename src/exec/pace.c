#include "exec/private/pace.h"

void sc_exec_pace_init(sc_exec_pace *pace, double max_rate)
{
	pace->interval_ms = max_rate > 0 ? 1000.0 / max_rate : 0;
	pace->next_ms = 0;
}

long sc_exec_pace_wait(const sc_exec_pace *pace, int64_t now)
{
	if (pace->interval_ms <= 0 || (double)now >= pace->next_ms)
		return 0;
	double wait = pace->next_ms - (double)now;
	long whole = (long)wait;

	return (double)whole < wait ? whole + 1 : whole;
}

void sc_exec_pace_take(sc_exec_pace *pace, int64_t now)
{
	if (pace->interval_ms <= 0)
		return;
	if (pace->next_ms < (double)now)
		pace->next_ms = (double)now;
	pace->next_ms += pace->interval_ms;
}
