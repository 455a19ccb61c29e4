/*
 * Typed reading of scalar nodes, with the error a user should see when a
 * value is not what its field wants: "spec.timeout: must be an integer
 * from 1 to 86400, got \"30m\"". Private to src/spec/.
 *
 * Typing follows what a user expects of YAML: integers are plain digits
 * (a quoted "30" is a string), booleans are exactly true and false (no
 * yes/no/on/off: the Norway problem), null is ~, null or nothing.
 *
 * Ownership: an sc_vctx borrows everything it points at.
 */
#ifndef SC_SPEC_SCALAR_H
#define SC_SPEC_SCALAR_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "spec/spec.h"
#include "spec/private/yaml_tree.h"

/* What the validation of one document reports into. */
typedef struct sc_vctx {
	const char *file;
	const sc_spec_load_options *options;
	sc_diag *diag;
	bool failed;
} sc_vctx;

/* Reports an error at node's place; always returns -1. */
int sc_vctx_error(sc_vctx *c, const sc_yaml_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* How a node reads in "got X": "\"30m\"", null, "a mapping"; malloc'd. */
char *sc_spec_show(const sc_yaml_node *node);
/* Appends text as a quoted, escaped string, cut after 80 bytes with "...". */
void sc_spec_quote(sc_buf *out, const char *text, size_t len);
/* A plain ~, null or empty scalar. */
bool sc_spec_is_null(const sc_yaml_node *node);
/* The kind of a node, for messages: "a mapping", "a sequence", "a scalar". */
const char *sc_spec_kind_name(const sc_yaml_node *node);

bool sc_spec_read_uint(sc_vctx *c, const char *path, const sc_yaml_node *node,
                       unsigned min, unsigned max, unsigned *out);
/* A scalar ending in '%' (quoted or not): meant as a percentage. */
bool sc_spec_is_percent(const sc_yaml_node *node);
/* "0%" to "100%", no leading zeros: the number into *out, or false (and an error). */
bool sc_spec_read_percent(sc_vctx *c, const char *path, const sc_yaml_node *node,
                          unsigned *out);
bool sc_spec_read_bool(sc_vctx *c, const char *path, const sc_yaml_node *node, bool *out);
/* The index of the word node holds, or -1 (and an error). */
int sc_spec_read_enum(sc_vctx *c, const char *path, const sc_yaml_node *node,
                      const char *const *words, size_t count);

/* How sc_spec_read_string() treats a value. */
enum {
	SC_STR_LOOSE = 1,  /* plain numbers and booleans are taken as their text */
	SC_STR_SECRET = 2, /* never show the value in a message */
};

/*
 * A string with ${} expanded, malloc'd; NULL (and errors) when the node
 * is not a string, holds a NUL or does not expand.
 */
char *sc_spec_read_string(sc_vctx *c, const char *path, const sc_yaml_node *node,
                          unsigned flags);

#endif
