/*
 * Walking a mapping against a field table (the schema as data): keys must
 * be strings, each at most once, and known; an unknown key is an error
 * with the nearest known key as a suggestion. Private to src/spec/.
 */
#ifndef SC_SPEC_WALK_H
#define SC_SPEC_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "spec/scalar.h"

/* Reads one field's value; path is the field's full path ("spec.timeout"). */
typedef void (*sc_field_fn)(sc_vctx *c, const char *path, const sc_yaml_node *value,
                            void *target);

typedef struct sc_field {
	const char *key;
	sc_field_fn read;
} sc_field;

/* "parent.key", or key when parent is empty; malloc'd. */
char *sc_spec_path(const char *parent, const char *key);

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

/*
 * Walks map with fields: calls each field's read for its value, reports
 * unknown keys. seen (count entries) gets each field's key node, or NULL.
 */
void sc_spec_walk(sc_vctx *c, const char *path, const sc_yaml_node *map,
                  const sc_field *fields, size_t count, void *target,
                  const sc_yaml_node **seen);

/*
 * The same, and an unknown key that is the last part of one of elsewhere
 * (full paths, NULL-terminated: "spec.replicas") is pointed there: a field
 * written at the wrong level.
 */
void sc_spec_walk_hinted(sc_vctx *c, const char *path, const sc_yaml_node *map,
                         const sc_field *fields, size_t count, void *target,
                         const sc_yaml_node **seen, const char *const *elsewhere);

/*
 * Reports every string of items (count, each at nodes[i]) that repeats an
 * earlier one: "what \"x\" is repeated (first at line:column)". paths[i]
 * names each item.
 */
void sc_spec_check_unique(sc_vctx *c, const char *const *items,
                          const sc_yaml_node *const *nodes, char *const *paths,
                          size_t count, const char *what);

#endif
