/*
 * Reading a whole file that a user named (an API key file, a spec file)
 * without letting the path hang or flood the run: only a regular file is
 * read, whatever a symlink points at. A FIFO, a device, a socket or a
 * directory is refused before a byte is read, and opening never blocks
 * (O_NONBLOCK), so a FIFO with no writer cannot hold the run forever.
 *
 * Ownership: *out is malloc'd for the caller, NUL-terminated (the NUL is
 * not counted in *len). The file may hold a secret: the reader never
 * leaves a copy of the contents in memory it frees, and the caller wipes
 * *out before freeing it when it holds one.
 */
#ifndef SC_COMMON_FILE_H
#define SC_COMMON_FILE_H

#include <sys/types.h>
#include <stddef.h>

#include "common/diag.h"

/*
 * Reads path whole into *out (length *len). Symlinks are followed (a
 * Kubernetes secret mount is a chain of them); the file opened must be a
 * regular file of at most max_bytes. what (may be NULL) names the file's
 * role in errors, which also name the path:
 * "cannot read API key file 'PATH': not a regular file (a FIFO)",
 * "cannot read 'PATH': larger than N bytes", or the system's reason.
 * On error *out is NULL and *len 0.
 */
int sc_file_read_regular(char **out, size_t *len, const char *what, const char *path,
                         size_t max_bytes, sc_diag *diag);

/* What a file of mode is, for messages: "a FIFO", "a directory", "a character device"... */
const char *sc_file_kind(mode_t mode);

#endif
