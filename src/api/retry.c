#include "api/retry.h"

#include <ctype.h>
#include <stdlib.h>

#include "common/random.h"
#include "common/timeutil.h"

bool sc_api_status_retryable(long status)
{
	return status == 408 || status == 429 || (status >= 500 && status <= 599);
}

bool sc_api_response_retryable(const sc_api_response *response)
{
	if (response->transport_failed)
		return true;
	return sc_api_status_retryable(response->status);
}

bool sc_api_create_outcome_unknown(const sc_api_response *response, bool body_ok)
{
	if (response->transport_failed)
		return response->maybe_sent;
	if (response->status == 408 || response->status >= 500)
		return true;
	if (response->status >= 200 && response->status <= 299)
		return !body_ok;
	return false;
}

long sc_api_retry_after_ms(const char *header, int64_t now_ms)
{
	const char *p = header;
	int64_t when;

	if (!header)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (isdigit((unsigned char)*p)) {
		char *end;
		long seconds = strtol(p, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end || seconds < 0)
			return -1;
		if (seconds > 86400)
			seconds = 86400;
		return seconds * 1000;
	}
	if (sc_time_parse_http(p, &when))
		return -1;
	if (!now_ms)
		now_ms = sc_time_now_ms();
	if (when <= now_ms)
		return 0;
	if (when - now_ms > 86400000)
		return 86400000;
	return (long)(when - now_ms);
}

long sc_api_backoff_ms(unsigned attempt, long base_ms, long cap_ms, long retry_after_ms,
                       sc_api_random_fn random)
{
	long ceiling = base_ms > 0 ? base_ms : 1;
	long delay;

	if (!random)
		random = sc_random_below;
	for (unsigned i = 1; i < attempt && ceiling < cap_ms; i++)
		ceiling *= 2;
	if (ceiling > cap_ms)
		ceiling = cap_ms;
	if (ceiling < 0)
		ceiling = 0;
	delay = (long)random((uint64_t)ceiling + 1);
	if (retry_after_ms >= 0 && delay < retry_after_ms)
		delay = retry_after_ms;
	return delay;
}
