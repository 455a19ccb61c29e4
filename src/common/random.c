#include "common/random.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "common/sha256.h"

static void fill(void *out, size_t len)
{
	unsigned char *p = out;
	while (len) {
		ssize_t got = getrandom(p, len, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "fatal: getrandom failed\n");
			abort();
		}
		p += got;
		len -= (size_t)got;
	}
}

void sc_random_hex(char *out, size_t bytes)
{
	unsigned char raw[64];
	if (bytes > sizeof(raw))
		bytes = sizeof(raw);
	fill(raw, bytes);
	sc_hex(out, raw, bytes);
}

uint64_t sc_random_below(uint64_t bound)
{
	uint64_t value, limit;
	if (!bound)
		return 0;
	limit = UINT64_MAX - UINT64_MAX % bound;
	do
		fill(&value, sizeof(value));
	while (value >= limit);
	return value % bound;
}
