/*
 * When the next cycle runs: the interval after a success; after failures,
 * exponential backoff (interval x 2^failures) capped at
 * min(10 x interval, 10 min), but never below the interval; either way
 * spread by jitter so that many agents do not hit the service in step.
 * Pure functions, but for the random unit.
 */
#ifndef SC_AGENT_BACKOFF_H
#define SC_AGENT_BACKOFF_H

#define SC_AGENT_JITTER         0.10    /* +-10% */
#define SC_AGENT_BACKOFF_CAP_MS 600000L /* 10 min */

/* The ceiling of the backoff for interval_ms. */
long sc_agent_backoff_cap_ms(long interval_ms);
/* The wait before the next cycle after that many failed cycles in a row (0: interval). */
long sc_agent_backoff_ms(long interval_ms, unsigned long failures);
/*
 * delay_ms spread uniformly over [delay x (1 - fraction), delay x (1 +
 * fraction)] by unit, a number in [0, 1). Never negative.
 */
long sc_agent_jitter_ms(long delay_ms, double fraction, double unit);
/* A uniformly random number in [0, 1), from the kernel. */
double sc_agent_random_unit(void);

#endif
