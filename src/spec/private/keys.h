/*
 * The keys of a mapping: strings, without NUL, none twice; and finding
 * repeats among many strings in O(n log n), so a hostile map of many keys
 * stays cheap. Private to src/spec/.
 */
#ifndef SC_SPEC_KEYS_H
#define SC_SPEC_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "spec/private/scalar.h"

/* "parent.key", or key when parent is empty; malloc'd. */
char *sc_spec_path(const char *parent, const char *key);

/*
 * Calls report for every text that repeats an earlier one (ignore[i]
 * true: left out; ignore may be NULL), with the index of the first.
 */
void sc_spec_find_repeats(const char *const *texts, const bool *ignore, size_t count,
                          void (*report)(void *ctx, size_t first, size_t again),
                          void *ctx);

/*
 * Checks the keys of map: every key a string without NUL, none twice (the
 * later one is reported, naming the first's place). Returns a malloc'd
 * array of sc_yaml_map_size(map) flags, true for pairs to skip.
 */
bool *sc_spec_check_keys(sc_vctx *c, const char *path, const sc_yaml_node *map);

/*
 * Whether node is a mapping; reports "path: must be a mapping" otherwise.
 * A null node is no mapping and no error: the caller treats it as absent.
 */
bool sc_spec_expect_map(sc_vctx *c, const char *path, const sc_yaml_node *node);

#endif
