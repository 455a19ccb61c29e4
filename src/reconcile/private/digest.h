/*
 * Fingerprints a saved plan is checked with: of the expanded specs (every
 * field, secrets included, so salted) and of each observed sandbox (every
 * field the plan reads). Private to src/reconcile/.
 */
#ifndef SC_RECONCILE_DIGEST_H
#define SC_RECONCILE_DIGEST_H

#include "api/sandbox.h"
#include "spec/spec.h"

#define SC_DIGEST_HEX 64

/* sha256(salt, every spec in order, every field) as hex. */
void sc_reconcile_specs_digest(char out[SC_DIGEST_HEX + 1], const sc_spec_list *specs,
                               const char *salt);
/* sha256 of everything the plan may read of a listed sandbox, as hex. */
void sc_reconcile_sandbox_digest(char out[SC_DIGEST_HEX + 1], const sc_sandbox *sandbox);

#endif
