/*
 * Adaptive concurrency: how many requests the executor keeps in flight
 * when the service pushes back (429, or 503 with Retry-After). AIMD, in
 * the manner of TCP congestion control: a throttled answer halves the
 * window (once per round: answers to requests sent before the last cut do
 * not cut again), and each success adds back a fixed step, 1/AIMD_STEPS
 * of what the last cut took, so the window climbs linearly to where it
 * was cut within that many successes (fewer for a slow service, below)
 * and probes past it the same way.
 * --parallel stays the ceiling, and the window starts there: a service
 * that never throttles runs at full width.
 *
 * A cut starts from no more than the service accepted over about the
 * last second, and the climb back takes at most about 3 s of successes,
 * so a slow service (a few requests a second) is neither hammered in a
 * cascade of halvings nor left underused for long.
 *
 * A window below 1 keeps one request in flight and spaces requests out,
 * one per (response time / window), so a service slower than one request
 * per round trip is still used at its rate, not hammered. Pure: the
 * caller passes the clock and the response times. Ownership: a plain
 * value, nothing to free.
 */
#ifndef SC_EXEC_AIMD_H
#define SC_EXEC_AIMD_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
	SC_AIMD_SUCCESS,   /* the service took the request (any answer but below) */
	SC_AIMD_THROTTLED, /* 429, or 503 with Retry-After */
	SC_AIMD_NEUTRAL,   /* no answer, or a failure that says nothing of load */
} sc_aimd_signal;

typedef struct sc_exec_aimd {
	double ceiling;   /* --parallel */
	double window;    /* requests in flight allowed; below 1: spaced out */
	double step;      /* added per success; set at each cut */
	uint64_t sent;    /* requests sent so far; each one's ticket */
	uint64_t answered; /* requests answered (or given up) so far */
	uint64_t cut_at;  /* tickets up to this were sent before the last cut */
	double srtt_ms;   /* smoothed response time; 0 before the first */
	double next_ms;   /* monotonic ms when a spaced request may go */
	double accepted;  /* successes, each weighing less as it ages (AIMD_RATE_SPAN_MS) */
	int64_t counted_since; /* monotonic ms of the first answer counted; 0 before */
	int64_t counted_at;    /* monotonic ms accepted was last aged to */
	unsigned cuts;    /* times the window was lowered */
	unsigned throttled; /* throttled answers seen */
} sc_exec_aimd;

void sc_exec_aimd_init(sc_exec_aimd *aimd, unsigned ceiling);
/* How many requests may be in flight now: 1..ceiling. */
unsigned sc_exec_aimd_limit(const sc_exec_aimd *aimd);
/* Milliseconds before the next request may go at now; 0: it may go now. */
long sc_exec_aimd_wait(const sc_exec_aimd *aimd, int64_t now);
/* Records a request going out at now; returns its ticket for _answered. */
uint64_t sc_exec_aimd_sent(sc_exec_aimd *aimd, int64_t now);
/* Records the answer, at now, to the request of ticket, which took duration_ms. */
void sc_exec_aimd_answered(sc_exec_aimd *aimd, uint64_t ticket, sc_aimd_signal signal,
                           int64_t duration_ms, int64_t now);

#endif
