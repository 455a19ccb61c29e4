#include "exec/private/aimd.h"

#include <math.h>

/* A cut keeps this share of the window. */
#define AIMD_DECREASE 0.5
/* Successes to climb back to where the window was cut, at most... */
#define AIMD_STEPS 160
/* ...and at least, so that a slow service is climbed back to within seconds. */
#define AIMD_MIN_STEPS 8
/* ...the successes the rate at the cut makes in this long. */
#define AIMD_CLIMB_MS 3000.0
/* The span the accepted rate is measured over (exponentially weighted). */
#define AIMD_RATE_SPAN_MS 1000.0
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

/* Ages the count of accepted requests to now. */
static void decay(sc_exec_aimd *aimd, int64_t now)
{
	if (!aimd->counted_since) {
		aimd->counted_since = now ? now : 1;
		aimd->counted_at = aimd->counted_since;
		return;
	}
	if (now > aimd->counted_at) {
		aimd->accepted *= exp(-(double)(now - aimd->counted_at) / AIMD_RATE_SPAN_MS);
		aimd->counted_at = now;
	}
}

/*
 * The window the service has been taking lately: the requests it accepted
 * per ms over about the last second, times the response time. 0 when
 * too little was seen to tell (less than a response time of counting).
 * The weight of a span shorter than a second is corrected, so that a
 * rate is not underestimated early in a run.
 */
static double accepted_window(const sc_exec_aimd *aimd)
{
	double span = (double)(aimd->counted_at - aimd->counted_since);

	if (!aimd->counted_since || aimd->srtt_ms <= 0 || span < aimd->srtt_ms)
		return 0;
	span = AIMD_RATE_SPAN_MS * (1 - exp(-span / AIMD_RATE_SPAN_MS));
	return aimd->accepted / span * aimd->srtt_ms;
}

/*
 * Halves what was really in flight (as TCP halves its flight size): a
 * window wider than the requests there were to send says nothing of what
 * the service takes; nor does one wider than what the service accepted
 * lately (after a burst it let through, the first cut would otherwise
 * land far above its rate, and each later round would pay in 429s). The
 * step is set so that the window climbs back in AIMD_STEPS successes, or
 * in about AIMD_CLIMB_MS when that takes fewer.
 */
static void cut(sc_exec_aimd *aimd)
{
	double floor = aimd->srtt_ms > 0 ? aimd->srtt_ms / AIMD_MAX_GAP_MS : 0;
	double in_flight = (double)(aimd->sent - aimd->answered);
	double base = in_flight < aimd->window ? in_flight : aimd->window;
	double accepted = accepted_window(aimd), steps;

	if (accepted > 0 && accepted < base)
		base = accepted;
	steps = aimd->srtt_ms > 0 ? base / aimd->srtt_ms * AIMD_CLIMB_MS : AIMD_STEPS;
	if (steps > AIMD_STEPS)
		steps = AIMD_STEPS;
	if (steps < AIMD_MIN_STEPS)
		steps = AIMD_MIN_STEPS;
	aimd->step = base * (1 - AIMD_DECREASE) / steps;
	aimd->window = base * AIMD_DECREASE;
	if (aimd->window < floor)
		aimd->window = floor;
	aimd->cut_at = aimd->sent;
	aimd->cuts++;
}

void sc_exec_aimd_answered(sc_exec_aimd *aimd, uint64_t ticket, sc_aimd_signal signal,
                           int64_t duration_ms, int64_t now)
{
	double rtt = duration_ms > 0 ? (double)duration_ms : 1;

	if (signal == SC_AIMD_NEUTRAL) {
		aimd->answered++;
		return;
	}
	aimd->srtt_ms = aimd->srtt_ms > 0
	                    ? aimd->srtt_ms + AIMD_RTT_GAIN * (rtt - aimd->srtt_ms)
	                    : rtt;
	decay(aimd, now);
	if (signal == SC_AIMD_THROTTLED) {
		aimd->throttled++;
		if (ticket > aimd->cut_at)
			cut(aimd);
		aimd->answered++;
		return;
	}
	aimd->answered++;
	aimd->accepted += 1;
	aimd->window += aimd->step;
	if (aimd->window > aimd->ceiling)
		aimd->window = aimd->ceiling;
}
