#include "api/private/seen.h"

#include <stdlib.h>
#include <string.h>

#include "common/mem.h"
#include "common/sha256.h"

static uint64_t digest(const char *token)
{
	sc_sha256 ctx;
	uint8_t hash[32];
	uint64_t value = 0;

	sc_sha256_init(&ctx);
	sc_sha256_update(&ctx, token, strlen(token));
	sc_sha256_final(&ctx, hash);
	for (int i = 0; i < 8; i++)
		value = value << 8 | hash[i];
	return value ? value : 1; /* 0 marks an empty slot */
}

/* The slot holding value, or the empty one where it belongs. */
static uint64_t *slot_for(const sc_api_seen *seen, uint64_t value)
{
	size_t mask = seen->size - 1;
	size_t i = (size_t)value & mask;

	while (seen->slots[i] && seen->slots[i] != value)
		i = (i + 1) & mask;
	return &seen->slots[i];
}

static void grow(sc_api_seen *seen)
{
	sc_api_seen bigger = {.size = seen->size ? seen->size * 2 : 64};

	bigger.slots = sc_calloc(bigger.size, sizeof(*bigger.slots));
	for (size_t i = 0; i < seen->size; i++) {
		if (seen->slots[i])
			*slot_for(&bigger, seen->slots[i]) = seen->slots[i];
	}
	bigger.count = seen->count;
	free(seen->slots);
	*seen = bigger;
}

bool sc_api_seen_add(sc_api_seen *seen, const char *token)
{
	uint64_t value = digest(token);
	uint64_t *slot;

	if ((seen->count + 1) * 2 > seen->size)
		grow(seen);
	slot = slot_for(seen, value);
	if (*slot)
		return false;
	*slot = value;
	seen->count++;
	return true;
}

void sc_api_seen_release(sc_api_seen *seen)
{
	free(seen->slots);
	memset(seen, 0, sizeof(*seen));
}
