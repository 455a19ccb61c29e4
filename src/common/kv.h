/*
 * A string-to-string map kept as an array sorted by key: labels, metadata
 * and envVars. Small (tens of pairs), compared often, iterated in order.
 *
 * Ownership: the map owns every key and value. sc_kv_release() frees them.
 */
#ifndef SC_COMMON_KV_H
#define SC_COMMON_KV_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sc_kv_pair {
	char *key;
	char *value;
} sc_kv_pair;

typedef struct sc_kv {
	sc_kv_pair *pairs;  /* sorted by key (strcmp), keys unique */
	size_t count;
	size_t alloc;
} sc_kv;

#define SC_KV_INIT {NULL, 0, 0}

void sc_kv_init(sc_kv *kv);
void sc_kv_release(sc_kv *kv);

/* Sets key to value (both copied), replacing an existing value. */
void sc_kv_set(sc_kv *kv, const char *key, const char *value);
/* Removes key; returns whether it was there. */
bool sc_kv_remove(sc_kv *kv, const char *key);
/* The value of key, borrowed, or NULL. */
const char *sc_kv_get(const sc_kv *kv, const char *key);
/* Deep copy of from into out (out is overwritten, not released). */
void sc_kv_copy(sc_kv *out, const sc_kv *from);
/* Whether both maps hold the same pairs. */
bool sc_kv_equal(const sc_kv *a, const sc_kv *b);

#endif
