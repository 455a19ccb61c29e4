/*
 * SHA-256 (FIPS 180-4), for the spec hash label. Small and dependency-free:
 * the only digest sc-apply needs.
 */
#ifndef SC_COMMON_SHA256_H
#define SC_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sc_sha256 {
	uint32_t state[8];
	uint64_t bytes;
	uint8_t block[64];
	size_t used;
} sc_sha256;

void sc_sha256_init(sc_sha256 *ctx);
void sc_sha256_update(sc_sha256 *ctx, const void *data, size_t len);
void sc_sha256_final(sc_sha256 *ctx, uint8_t out[32]);

/* Writes the first bytes*2 hex digits of a digest and a NUL into out. */
void sc_hex(char *out, const uint8_t *bytes, size_t count);

#endif
