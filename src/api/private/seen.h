/*
 * The page tokens one list has followed, so that a server handing back
 * any earlier token (A, B, A... as well as A, A) is caught as a cycle
 * instead of being paged forever. Each token is kept as a 64-bit digest
 * (the start of its SHA-256), so a server's long tokens cost 8 bytes each.
 *
 * Ownership: an sc_api_seen owns its table; sc_api_seen_release() frees
 * it. A zeroed sc_api_seen is empty.
 */
#ifndef SC_API_SEEN_H
#define SC_API_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sc_api_seen {
	uint64_t *slots; /* open addressing; 0 is an empty slot */
	size_t count;
	size_t size; /* a power of two, or 0 */
} sc_api_seen;

/* Adds token; false when it was there already. */
bool sc_api_seen_add(sc_api_seen *seen, const char *token);
void sc_api_seen_release(sc_api_seen *seen);

#endif
