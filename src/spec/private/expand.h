/*
 * ${} expansion of scalar values: ${VAR}, ${VAR:-default}, ${VAR:?message}
 * and $$ for a literal $. Strict: an unset ${VAR} is an error, never "".
 * A $ followed by anything else is literal. A default is expanded in turn
 * (${A:-${B}} is B's value when A is unset or empty, and an error when B
 * is unset too); a message is the user's text, shown as written.
 *
 * Error messages name variables, never their values: a value may be a
 * secret (envVars).
 */
#ifndef SC_SPEC_EXPAND_H
#define SC_SPEC_EXPAND_H

#include <stdbool.h>
#include <stddef.h>

#include "common/buf.h"
#include "spec/spec.h"

/*
 * Expands text (len bytes) into out (appended). lookup NULL means getenv.
 * Returns 0, or -1 with one message per problem appended to errors
 * (owned by the list; free with sc_spec_strlist_release()).
 */
int sc_spec_expand(sc_buf *out, const char *text, size_t len, sc_spec_lookup_fn lookup,
                   void *lookup_ctx, sc_strlist *errors);

/*
 * Whether text holds a ${...} reference (not $${, a literal): a value
 * read from it may be a secret and is never shown in a message.
 */
bool sc_spec_has_reference(const char *text, size_t len);

void sc_spec_strlist_push(sc_strlist *list, char *item);
void sc_spec_strlist_release(sc_strlist *list);

#endif
