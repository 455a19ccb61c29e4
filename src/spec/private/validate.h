/*
 * One document tree (from the libyaml pass) to one spec: checked and
 * filled by the field table (field.h) in one walk, every error at its
 * place. Private to src/spec/.
 */
#ifndef SC_SPEC_VALIDATE_H
#define SC_SPEC_VALIDATE_H

#include "spec/spec.h"
#include "spec/private/yaml_tree.h"

/*
 * Where a spec's identity came from, for messages about it: the place of
 * metadata.name (its file borrowed from the spec), and for name and set
 * the text as written when it holds a ${} reference (malloc'd; NULL when
 * the value may be shown).
 */
typedef struct sc_spec_origin {
	sc_source name_at;
	char *name_from;
	char *set_from;
} sc_spec_origin;

void sc_spec_origin_release(sc_spec_origin *origin);

/*
 * Reads root (a document of file) into out: every default, then every
 * field written, checked. Reports every error into diag and returns -1
 * when there was any, out and origin then released and zeroed.
 */
int sc_spec_validate(sc_spec *out, sc_spec_origin *origin, const sc_yaml_node *root,
                     const char *file, const sc_spec_load_options *options,
                     sc_diag *diag);

#endif
