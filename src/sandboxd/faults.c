#include "sandboxd/private/faults.h"

void sd_rng_seed(sd_rng *rng, uint64_t seed)
{
	rng->state = seed ^ 0x9e3779b97f4a7c15ULL;
}

/* splitmix64: small, fast, and good enough to pick faults. */
uint64_t sd_rng_next(sd_rng *rng)
{
	uint64_t z = (rng->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double unit(sd_rng *rng)
{
	return (double)(sd_rng_next(rng) >> 11) / 9007199254740992.0;
}

sd_fault sd_fault_draw(sd_rng *rng, const sd_settings *settings, bool is_create)
{
	static const int statuses[] = {500, 502, 503};
	sd_fault fault = {0, 0};
	unsigned kinds[SD_FAULT_KIND_COUNT], count = 0;

	if (settings->fault_rate <= 0 || unit(rng) >= settings->fault_rate)
		return fault;
	for (unsigned i = 0; i < SD_FAULT_KIND_COUNT; i++) {
		unsigned bit = 1u << i;
		if (!(settings->fault_kinds & bit))
			continue;
		if (bit == SD_FAULT_LOST_CREATE && !is_create)
			continue;
		kinds[count++] = bit;
	}
	if (!count)
		return fault;
	fault.kind = kinds[sd_rng_next(rng) % count];
	if (fault.kind == SD_FAULT_5XX)
		fault.status = statuses[sd_rng_next(rng) % 3];
	else if (fault.kind == SD_FAULT_LOST_CREATE)
		fault.status = sd_rng_next(rng) % 2 ? 500 : 0;
	else if (fault.kind == SD_FAULT_429)
		fault.status = 429;
	return fault;
}
