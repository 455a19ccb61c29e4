/*
 * --rate-limit: a token bucket of rate tokens per second holding at most
 * one second's worth. Plain values; the caller locks.
 */
#ifndef SD_LIMITER_H
#define SD_LIMITER_H

#include <stdint.h>

typedef struct sd_limiter {
	double tokens;
	int64_t last_ms; /* monotonic; 0 before the first request */
} sd_limiter;

/* 0 when the request may go; else the Retry-After seconds (>= 1). */
int sd_limiter_take(sd_limiter *limiter, double rate, int64_t mono_now);

#endif
