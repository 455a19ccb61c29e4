/*
 * Time as the API speaks it: RFC 3339 UTC strings and HTTP dates, both to
 * and from Unix milliseconds. Every time in sc-apply is int64 milliseconds
 * since the epoch (UTC); 0 means unknown.
 */
#ifndef SC_COMMON_TIMEUTIL_H
#define SC_COMMON_TIMEUTIL_H

#include <stdint.h>
#include <stddef.h>

/* "2026-06-10T08:55:50Z", "...50.123Z" or "...50+02:00". -1 if malformed. */
int sc_time_parse_rfc3339(const char *text, int64_t *out_ms);
/* Writes "2026-06-10T08:55:50Z" (".123" when ms is not whole) into out. */
void sc_time_format_rfc3339(char out[32], int64_t ms);
/* "Wed, 10 Jun 2026 08:55:50 GMT". -1 if malformed. */
int sc_time_parse_http(const char *text, int64_t *out_ms);
void sc_time_format_http(char out[32], int64_t ms);
/* The local wall clock and a monotonic clock, in milliseconds. */
int64_t sc_time_now_ms(void);
int64_t sc_time_monotonic_ms(void);

#endif
