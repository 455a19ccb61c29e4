/*
 * The client-side rate cap: at most max_rate requests per second, spaced
 * evenly (a token bucket of one). Pure, so tests drive it with their own
 * clock. Ownership: a plain value, nothing to free.
 */
#ifndef SC_EXEC_PACE_H
#define SC_EXEC_PACE_H

#include <stdint.h>

typedef struct sc_exec_pace {
	double interval_ms; /* 0: no cap */
	double next_ms;     /* monotonic ms when the next request may go */
} sc_exec_pace;

void sc_exec_pace_init(sc_exec_pace *pace, double max_rate);
/* Milliseconds until a request may go at now; 0 when it may go now. */
long sc_exec_pace_wait(const sc_exec_pace *pace, int64_t now);
/* Records a request going out at now. */
void sc_exec_pace_take(sc_exec_pace *pace, int64_t now);

#endif
