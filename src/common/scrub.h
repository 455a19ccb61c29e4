/*
 * Keeping secrets (the API key, envVars values) out of what is printed or
 * logged when a server sends them back: an error body that echoes the
 * request, a header, a token. A secret is looked for in every form it can
 * come back in: as it is, JSON-escaped (with "/" as "/" or "\/", other
 * characters as JSON writers escape them) and percent-encoded (upper- and
 * lower-case hex, space as %20 or '+'). Each is replaced with "***".
 *
 * Ownership: an sc_scrub owns copies of every form (SECRET): it wipes them
 * on release. A zeroed sc_scrub (SC_SCRUB_INIT) scrubs nothing.
 */
#ifndef SC_COMMON_SCRUB_H
#define SC_COMMON_SCRUB_H

#include <stddef.h>

#include "common/buf.h"

/* Secrets shorter than this are not scrubbed: they would mangle every message. */
#define SC_SCRUB_MIN_LEN 4

typedef struct sc_scrub {
	char **forms; /* longest first, no repeats */
	size_t count;
	size_t alloc;
} sc_scrub;

#define SC_SCRUB_INIT                                                                    \
	{                                                                                \
		NULL, 0, 0                                                               \
	}

/* Overwrites len bytes of data, then frees it (NULL: no-op): for copies of a secret. */
void sc_wipe_free(char *data, size_t len);

/* Adds secret in all its forms. NULL or shorter than SC_SCRUB_MIN_LEN: no-op. */
void sc_scrub_add(sc_scrub *scrub, const char *secret);
/* Wipes and frees every form. */
void sc_scrub_release(sc_scrub *scrub);

/* text (malloc'd) with every form replaced; text itself is wiped and freed when it
 * changes. */
char *sc_scrub_text(const sc_scrub *scrub, char *text);
/* The same on the bytes of buf, in place. */
void sc_scrub_buf(const sc_scrub *scrub, sc_buf *buf);

#endif
