/*
 * Seeded fault injection: which API request fails, and how. The same seed
 * and the same request sequence give the same faults.
 *
 * Ownership: plain values.
 */
#ifndef SD_FAULTS_H
#define SD_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "sandboxd/private/settings.h"

typedef struct sd_rng {
	uint64_t state;
} sd_rng;

void sd_rng_seed(sd_rng *rng, uint64_t seed);
uint64_t sd_rng_next(sd_rng *rng);

typedef struct sd_fault {
	unsigned kind; /* one SD_FAULT_* bit; 0: no fault */
	int status;    /* 500, 502 or 503 for 5xx and lost-create; 0 to drop */
} sd_fault;

/*
 * Draws the fault of one API request. lost-create applies only to a
 * create (is_create); when no enabled kind applies, no fault.
 */
sd_fault sd_fault_draw(sd_rng *rng, const sd_settings *settings, bool is_create);

#endif
