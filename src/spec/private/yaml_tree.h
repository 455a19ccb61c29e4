/*
 * The libyaml document pass: YAML text to one tree per document, every
 * node with its 1-based line and column. Private to src/spec/.
 *
 * It exists because libyaml's own document loader forgets whether a
 * scalar was quoted, follows aliases (so a "billion laughs" document
 * grows without bound when walked) and keeps duplicate keys silently.
 * This reader keeps the style, rejects aliases and unsupported tags,
 * bounds nesting and size, and leaves duplicate keys to the validator
 * (which knows the field path to name).
 *
 * Ownership: a sc_yaml_reader borrows its text, which must outlive it;
 * sc_yaml_reader_release() frees the parser. Each tree that
 * sc_yaml_reader_next() hands out is owned by the caller and freed with
 * sc_yaml_node_free().
 */
#ifndef SC_SPEC_YAML_TREE_H
#define SC_SPEC_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "common/diag.h"

/* Deeper than any spec needs; bounds the work a hostile file can ask for. */
#define SC_YAML_MAX_DEPTH 64
/* Nodes in one document: a spec has tens; this leaves room for big envVars. */
#define SC_YAML_MAX_NODES 200000

typedef enum { SC_YAML_SCALAR, SC_YAML_MAP, SC_YAML_SEQ } sc_yaml_kind;

typedef struct sc_yaml_node sc_yaml_node;
struct sc_yaml_node {
	sc_yaml_kind kind;
	unsigned line;   /* 1-based */
	unsigned column; /* 1-based */
	/* Scalars: the text (NUL-terminated; len counts an embedded NUL). */
	char *text;
	size_t len;
	bool plain; /* unquoted and untagged: subject to typing */
	/* Maps: children are key, value, key, value...; sequences: items. */
	sc_yaml_node **children;
	size_t count;
	size_t alloc;
};

typedef struct sc_yaml_reader {
	yaml_parser_t parser;
	const char *file; /* borrowed, for messages */
	const unsigned char *text;
	size_t len;
	bool done; /* end of stream or a syntax error seen */
} sc_yaml_reader;

void sc_yaml_reader_init(sc_yaml_reader *reader, const char *file, const char *text,
                         size_t len);
void sc_yaml_reader_release(sc_yaml_reader *reader);

/*
 * Reads the next document into *out (NULL for an empty document).
 * Returns 1 when a document was read, 0 at the end of the stream, and -1
 * when this document is unusable: errors are in diag. After a syntax error
 * the stream ends (libyaml cannot resume); after an alias, a tag or too
 * deep nesting the next document is still read.
 */
int sc_yaml_reader_next(sc_yaml_reader *reader, sc_yaml_node **out, sc_diag *diag);

void sc_yaml_node_free(sc_yaml_node *node);

/* Map helpers: the number of pairs and the key or value of pair i. */
static inline size_t sc_yaml_map_size(const sc_yaml_node *map)
{
	return map->count / 2;
}
static inline const sc_yaml_node *sc_yaml_map_key(const sc_yaml_node *map, size_t i)
{
	return map->children[2 * i];
}
static inline const sc_yaml_node *sc_yaml_map_value(const sc_yaml_node *map, size_t i)
{
	return map->children[2 * i + 1];
}

#endif
