/*
 * The validator: one document tree (from the libyaml pass) to one spec,
 * with every error at its place. Private to src/spec/.
 */
#ifndef SC_SPEC_VALIDATE_H
#define SC_SPEC_VALIDATE_H

#include "spec/spec.h"
#include "spec/yaml_tree.h"

/*
 * Checks root (a document of file) and fills out with every default and
 * with what only this pass can read: strings after ${} expansion, labels,
 * envVars, network lists and mounts. The typed scalars of the skeleton
 * (replicas, state, timeout, ...) are only checked here, with their
 * places; sc_spec_skeleton_load() loads them afterwards. name_at gets the
 * place of metadata.name (its file borrowed from out->where). Reports
 * every error into diag, and returns -1 when there was any, out then
 * zeroed.
 */
int sc_spec_validate(sc_spec *out, sc_source *name_at, const sc_yaml_node *root,
                     const char *file, const sc_spec_load_options *options,
                     sc_diag *diag);

#endif
