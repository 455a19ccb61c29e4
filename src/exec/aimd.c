#include "exec/private/aimd.h"

/* A cut keeps this share of the window. */
#define AIMD_DECREASE 0.5
/* Successes to climb back to where the window was cut. */
#define AIMD_STEPS 160
/* The widest spacing of requests (a window far below 1): one per this long. */
#define AIMD_MAX_GAP_MS 2000.0
/* The weight of a new response time in the smoothed one (as TCP's SRTT). */
#define AIMD_RTT_GAIN 0.125

void sc_exec_aimd_init(sc_exec_aimd *aimd, unsigned ceiling)
{
	*aimd = (sc_exec_aimd){0};
	aimd->ceiling = ceiling ? ceiling : 1;
	aimd->window = aimd->ceiling;
}

unsigned sc_exec_aimd_limit(const sc_exec_aimd *aimd)
{
	unsigned whole = (unsigned)aimd->window;

	if ((double)whole < aimd->window)
		whole++;
	if (whole < 1)
		return 1;
	return whole > (unsigned)aimd->ceiling ? (unsigned)aimd->ceiling : whole;
}

/* The time between request starts: a window's worth per response time. */
static double gap_ms(const sc_exec_aimd *aimd)
{
	double gap;

	if (aimd->window >= aimd->ceiling || aimd->srtt_ms <= 0)
		return 0;
	gap = aimd->srtt_ms / aimd->window;
	return gap > AIMD_MAX_GAP_MS ? AIMD_MAX_GAP_MS : gap;
}

long sc_exec_aimd_wait(const sc_exec_aimd *aimd, int64_t now)
{
	double wait = aimd->next_ms - (double)now;
	long whole;

	if (wait <= 0)
		return 0;
	whole = (long)wait;
	return (double)whole < wait ? whole + 1 : whole;
}

uint64_t sc_exec_aimd_sent(sc_exec_aimd *aimd, int64_t now)
{
	double gap = gap_ms(aimd);

	if (gap > 0) {
		if (aimd->next_ms < (double)now)
			aimd->next_ms = (double)now;
		aimd->next_ms += gap;
	}
	return ++aimd->sent;
}

/*
 * Halves what was really in flight (as TCP halves its flight size): a
 * window wider than the requests there were to send says nothing of what
 * the service takes.
 */
static void cut(sc_exec_aimd *aimd)
{
	double floor = aimd->srtt_ms > 0 ? aimd->srtt_ms / AIMD_MAX_GAP_MS : 0;
	double in_flight = (double)(aimd->sent - aimd->answered);
	double base = in_flight < aimd->window ? in_flight : aimd->window;

	aimd->step = base * (1 - AIMD_DECREASE) / AIMD_STEPS;
	aimd->window = base * AIMD_DECREASE;
	if (aimd->window < floor)
		aimd->window = floor;
	aimd->cut_at = aimd->sent;
	aimd->cuts++;
}

void sc_exec_aimd_answered(sc_exec_aimd *aimd, uint64_t ticket, sc_aimd_signal signal,
                           int64_t duration_ms)
{
	double rtt = duration_ms > 0 ? (double)duration_ms : 1;

	if (signal == SC_AIMD_NEUTRAL) {
		aimd->answered++;
		return;
	}
	aimd->srtt_ms = aimd->srtt_ms > 0
	                    ? aimd->srtt_ms + AIMD_RTT_GAIN * (rtt - aimd->srtt_ms)
	                    : rtt;
	if (signal == SC_AIMD_THROTTLED) {
		aimd->throttled++;
		if (ticket > aimd->cut_at)
			cut(aimd);
		aimd->answered++;
		return;
	}
	aimd->answered++;
	aimd->window += aimd->step;
	if (aimd->window > aimd->ceiling)
		aimd->window = aimd->ceiling;
}
