#include "sandboxd/private/limiter.h"

#include <math.h>

int sd_limiter_take(sd_limiter *limiter, double rate, int64_t mono_now)
{
	double burst = rate < 1 ? 1 : rate;

	if (rate <= 0)
		return 0;
	if (!limiter->last_ms) {
		limiter->tokens = burst;
	} else {
		limiter->tokens += (double)(mono_now - limiter->last_ms) * rate / 1000.0;
		if (limiter->tokens > burst)
			limiter->tokens = burst;
	}
	limiter->last_ms = mono_now;
	if (limiter->tokens >= 1) {
		limiter->tokens -= 1;
		return 0;
	}
	int wait = (int)ceil((1 - limiter->tokens) / rate);
	return wait < 1 ? 1 : wait;
}
