/*
 * The append-only journal behind --data: one record per line, written
 * with write(2) before the response that acknowledges it is sent, so a
 * kill -9 after an acknowledged write loses nothing. At start the journal
 * is replayed and rewritten compacted (a fresh temp file, fsync, rename).
 *
 * The file (format 2):
 *
 *   sc-sandboxd-journal 2
 *   CRC SEQ JSON
 *   ...
 *
 * CRC is the CRC-32 (IEEE) of "SEQ JSON" in 8 lower-case hex digits; SEQ
 * counts the records from 1 with no gap, so that a record lost whole is
 * noticed too; JSON is one object ({"op":"put"|"del"|"clock",...}).
 *
 * Replay tells a crash from damage. A kill -9 in the middle of an append
 * leaves an incomplete last record with no newline and no control byte:
 * that is a torn write, dropped silently (it was never acknowledged; a
 * last record that is whole but lacks its newline is kept). Anything else
 * that does not check out (a checksum that does not match, a gap in the
 * sequence, a line that is not a record, NUL or control bytes in the last
 * line) is damage: replay stops, names the file, line and byte offset,
 * and leaves the file as it is; with recover it keeps every record that
 * checks out, counts what was lost and copies the damaged file aside.
 *
 * A journal written before checksums (format 1: bare JSON lines, first
 * byte '{') is still read, with the same torn-write rule; every complete
 * line must be a record. The rewrite at start turns it into format 2.
 *
 * The journal path must not be a symbolic link (refused: compaction
 * renames over the path, so a link would silently stop being followed);
 * the temp file and the damaged copy are created exclusively, never
 * through a link; the lock file is never opened through a link.
 *
 * Ownership: an sd_journal owns its descriptors and path;
 * sd_journal_close() releases them.
 */
#ifndef SD_JOURNAL_H
#define SD_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "common/buf.h"
#include "common/diag.h"

#define SD_JOURNAL_MAGIC "sc-sandboxd-journal 2"

typedef struct sd_journal {
	int fd;      /* -1 when closed */
	int lock_fd; /* PATH.lock, flock'ed while open; -1 when none */
	char *path;
	size_t records;    /* records appended since the last compaction */
	uint64_t next_seq; /* SEQ of the next record */
	off_t size;        /* the end of the last whole record: where the next goes */
	bool dirty;        /* a failed append may have left bytes past size */
	int error;         /* errno of the last failed write; 0 once one succeeds */
} sd_journal;

/*
 * Takes PATH.lock, so that two servers never share one journal. The lock
 * dies with the process (a kill -9 leaves none behind).
 */
int sd_journal_lock(sd_journal *journal, const char *path, sc_diag *diag);

/* Called for each record, in order; -1 when the record is not understood. */
typedef int (*sd_journal_visit)(void *ctx, const cJSON *record);

/* What a replay found. */
typedef struct sd_journal_report {
	size_t records; /* records replayed */
	size_t lost;    /* records lost to damage (with recover; a lower bound) */
	size_t damaged; /* damaged lines skipped (with recover) */
	bool torn;      /* an incomplete last record was dropped */
	bool legacy;    /* format 1: no checksums */
	char *aside;    /* where the damaged file was copied, malloc'd; or NULL */
} sd_journal_report;

void sd_journal_report_release(sd_journal_report *report);

/*
 * Replays path (a missing file is empty). On damage: -1 and a diagnostic
 * naming the place, unless recover, which skips it and copies the file
 * aside (PATH.damaged-<UTC time>).
 */
int sd_journal_replay(const char *path, bool recover, sd_journal_visit visit, void *ctx,
                      sd_journal_report *report, sc_diag *diag);

/*
 * Replaces path with the records in contents (JSON objects, one per
 * line) atomically, then keeps the new file open for appending. On an
 * error the journal open before stays as it was.
 */
int sd_journal_rewrite(sd_journal *journal, const char *path, const sc_buf *contents,
                       sc_diag *diag);
/*
 * Appends one record (a JSON object without newline). 0 ok; -1 on a
 * write error, with journal->error set and the file cut back to its last
 * whole record (or cut at the next append, when that failed too).
 */
int sd_journal_append(sd_journal *journal, const char *json, size_t len);
void sd_journal_close(sd_journal *journal);

/*
 * Copies the bytes of a damaged journal to PATH.damaged-<UTC time>
 * (created exclusively, fsync'ed); *out gets that path, malloc'd.
 */
int sd_journal_keep_aside(const char *path, const char *text, size_t len, char **out,
                          sc_diag *diag);

/* The record framing (journal_record.c). */

/* Appends "CRC SEQ JSON\n" to out. */
void sd_journal_frame(sc_buf *out, uint64_t seq, const char *json, size_t len);
/*
 * Checks one line (without its newline) of format 2: 0 with the SEQ and
 * the JSON text, or -1 with why it is not a record.
 */
int sd_journal_unframe(const char *line, size_t len, uint64_t *seq, const char **json,
                       size_t *json_len, const char **why);

#endif
