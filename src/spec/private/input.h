/*
 * Reading what -f names: a file, a directory of spec files, or "-"
 * (standard input). Private to src/spec/.
 *
 * Fail closed: every entry that is meant to be read and cannot be (a
 * dangling or looping symbolic link, no permission, a FIFO, a device or
 * another file that is not regular, an I/O error, a file too large) is an
 * error naming its path, and the caller must not act on the rest. In a
 * directory, hidden files, files not named *.yaml or *.yml and
 * subdirectories are not meant to be read and are skipped. Nothing is
 * opened in a way that can block: a FIFO is opened with O_NONBLOCK and
 * refused after fstat of the open descriptor.
 */
#ifndef SC_SPEC_INPUT_H
#define SC_SPEC_INPUT_H

#include <stddef.h>

#include "common/diag.h"

/* Larger than any real spec file; a bound on what a mistake can cost. */
#define SC_SPEC_MAX_FILE_BYTES (64u << 20)
#define SC_SPEC_STDIN_NAME     "<stdin>"

/* Gets the text (NUL-terminated, len bytes) of one file read, named file. */
typedef void (*sc_spec_text_fn)(void *ctx, const char *file, const char *text,
                                size_t len);

/*
 * Reads path ("-", a file, or a directory's spec files sorted by name) and
 * calls fn for each text. Returns 0, or -1 when any entry could not be
 * read (errors in diag; fn is still called for the entries that could).
 */
int sc_spec_input_read(const char *path, sc_spec_text_fn fn, void *ctx, sc_diag *diag);

#endif
