/*
 * The typed skeleton of a spec loaded with libcyaml: the fixed scalar
 * fields of spec and spec.network (replicas, state, timeout, renewBefore,
 * the booleans, replace), described as data in cyaml_schema_field_t
 * tables. Private to src/spec/.
 *
 * libcyaml 1.3.1 reports problems only as log text without a place, so it
 * runs only on documents the libyaml pass (validate.h) has accepted, with
 * its logging dropped: a user never sees a placeless error from it.
 * Strings that take ${} expansion and the free-form maps (labels,
 * envVars) stay with the libyaml pass, which cyaml cannot load.
 */
#ifndef SC_SPEC_SKELETON_H
#define SC_SPEC_SKELETON_H

#include "spec/spec.h"
#include "spec/yaml_tree.h"

/*
 * Loads the skeleton fields written in root's spec mapping with libcyaml
 * and stores them into spec (fields not written keep their defaults).
 * Returns 0, or -1 with an error at the document (and spec released)
 * when libcyaml disagrees with the validator, which is a bug.
 */
int sc_spec_skeleton_load(sc_spec *spec, const sc_yaml_node *root, const char *file,
                          sc_diag *diag);

#endif
