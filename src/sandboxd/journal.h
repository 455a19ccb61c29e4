/*
 * The append-only journal behind --data: one JSON object per line,
 * written with write(2) before the response that acknowledges it is sent,
 * so a kill -9 after an acknowledged write loses nothing. At start the
 * journal is replayed and rewritten compacted (temp file, fsync, rename).
 *
 * Ownership: an sd_journal owns its descriptor and path;
 * sd_journal_close() releases both.
 */
#ifndef SD_JOURNAL_H
#define SD_JOURNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/diag.h"

typedef struct sd_journal {
	int fd;      /* -1 when closed */
	int lock_fd; /* PATH.lock, flock'ed while open; -1 when none */
	char *path;
	size_t records; /* lines appended since the last compaction */
} sd_journal;

/*
 * Takes PATH.lock, so that two servers never share one journal. The lock
 * dies with the process (a kill -9 leaves none behind).
 */
int sd_journal_lock(sd_journal *journal, const char *path, sc_diag *diag);

/* Called for each well-formed line, in order; a torn last line is skipped. */
typedef void (*sd_journal_visit)(void *ctx, const cJSON *record);

/* Replays path (a missing file is empty). */
int sd_journal_replay(const char *path, sd_journal_visit visit, void *ctx, sc_diag *diag);
/* Replaces path with contents atomically, then opens it for appending. */
int sd_journal_rewrite(sd_journal *journal, const char *path, const sc_buf *contents,
                       sc_diag *diag);
/* Appends one line (a newline is added). 0 ok, -1 on a write error. */
int sd_journal_append(sd_journal *journal, const char *line, size_t len);
void sd_journal_close(sd_journal *journal);

#endif
