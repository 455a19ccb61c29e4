/*
 * Reading a document tree (yaml_tree.h) with a field table (field.h):
 * every value is checked against its field and, when it is right, stored
 * where the field says. Keys must be strings, each at most once, and
 * known; an unknown key is an error with the nearest known key, or the
 * place the key belongs (a field written at the wrong level), as a
 * suggestion. A value that came from a ${} expansion is never shown in a
 * message: it may be a secret. Private to src/spec/.
 *
 * Ownership: a walker borrows the tree, the table and the target; it owns
 * its record of what it found (sc_walker_release()).
 */
#ifndef SC_SPEC_WALK_H
#define SC_SPEC_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "spec/private/field.h"
#include "spec/private/scalar.h"

/* A field that was written: its full path, its nodes, whether it was right. */
typedef struct sc_found {
	char *path; /* "spec.timeout", "spec.volumeMounts[1].path" */
	const sc_yaml_node *key;
	const sc_yaml_node *value;
	bool ok;
} sc_found;

typedef struct sc_walker {
	sc_vctx c;            /* first: a walker is its reporting context */
	const sc_field *root; /* the whole table, for suggestions */
	size_t root_count;
	sc_found *found;
	size_t found_count;
	size_t found_alloc;
} sc_walker;

void sc_walker_init(sc_walker *w, const char *file, const sc_spec_load_options *options,
                    sc_diag *diag, const sc_field *root, size_t root_count);
void sc_walker_release(sc_walker *w);

/* Stores every default of fields (and their groups) into target. */
void sc_walk_defaults(const sc_field *fields, size_t count, void *target);

/*
 * Reads map (at path; "" for the document) with fields into target, and
 * reports each required field that is absent at the node at.
 */
void sc_walk_map(sc_walker *w, const char *path, const sc_yaml_node *map,
                 const sc_yaml_node *at, const sc_field *fields, size_t count,
                 void *target);

/* What was found at path, or NULL when it was not written. */
const sc_found *sc_walk_found(const sc_walker *w, const char *path);

/*
 * Reads value (the value of key, at path) as field f says, into target;
 * whether it was right. RECORDS are read by sc_walk_records() (records.c),
 * the rest in value.c.
 */
bool sc_walk_value(sc_walker *w, const char *path, const sc_field *f,
                   const sc_yaml_node *key, const sc_yaml_node *value, void *target);
bool sc_walk_records(sc_walker *w, const char *path, const sc_field *f,
                     const sc_yaml_node *value, void *target);

/*
 * Whether value is a sequence to read for f. Null is an empty one (*ok
 * true); anything else is an error (*ok false).
 */
bool sc_walk_expect_sequence(sc_walker *w, const char *path, const sc_field *f,
                             const sc_yaml_node *value, bool *ok);

/* Whether node holds a ${} reference: its value is never shown. */
bool sc_walk_from_reference(const sc_yaml_node *node);

/*
 * The error for a value that breaks a rule: "path: must, got X" (and
 * "(from Y)" when ${} changed it), or "path: must (value from Y not
 * shown)" when a ${} reference made it.
 */
void sc_walk_rule_error(sc_vctx *c, const char *path, const sc_yaml_node *node,
                        const char *value, const char *must);

#endif
