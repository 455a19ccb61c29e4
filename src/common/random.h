/*
 * Randomness for salts, create tokens and jitter, from the kernel
 * (getrandom). Not for tests that need repeatable sequences: those seed
 * their own generator.
 */
#ifndef SC_COMMON_RANDOM_H
#define SC_COMMON_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* Fills out with bytes*2 random hex digits and a NUL. */
void sc_random_hex(char *out, size_t bytes);
/* A uniformly random integer in [0, bound); 0 when bound is 0. */
uint64_t sc_random_below(uint64_t bound);

#endif
