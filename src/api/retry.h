/*
 * The retry policy shared by the list call and the executor: which
 * failures are worth another attempt, how long to wait before it
 * (exponential backoff with full jitter, Retry-After honoured), and when a
 * create's outcome is unknown. Pure functions.
 */
#ifndef SC_API_RETRY_H
#define SC_API_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "api/transfer.h"

/* A source of uniform integers in [0, bound); NULL means sc_random_below. */
typedef uint64_t (*sc_api_random_fn)(uint64_t bound);

/* Whether an HTTP status is worth retrying: 408, 429 and 5xx. */
bool sc_api_status_retryable(long status);

/* Whether a finished transfer is worth retrying (transport error or the above). */
bool sc_api_response_retryable(const sc_api_response *response);

/*
 * Whether a create that ended so may have made a sandbox anyway: any
 * transport failure once the request may have been sent, a 5xx or 408,
 * or a 2xx whose body could not be read. A 429 or a connect failure did
 * not create anything.
 */
bool sc_api_create_outcome_unknown(const sc_api_response *response, bool body_ok);

/*
 * Milliseconds a Retry-After header asks for: delta seconds, or an HTTP
 * date taken against now_ms (the server's Date when known). -1 when the
 * header is absent or malformed; 0 for a date in the past.
 */
long sc_api_retry_after_ms(const char *header, int64_t now_ms);

/*
 * The wait before retry number attempt (1 = the first retry): a uniform
 * draw from [0, min(cap_ms, base_ms * 2^(attempt-1))], at least
 * retry_after_ms when that is >= 0.
 */
long sc_api_backoff_ms(unsigned attempt, long base_ms, long cap_ms, long retry_after_ms,
                       sc_api_random_fn random);

#endif
