/*
 * Reading a journal back: the format, the checks of every record, a torn
 * last record, damage, and --recover (see journal.h for the rules).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/mem.h"
#include "sandboxd/private/journal.h"

typedef struct replay {
	const char *path;
	const char *text;
	size_t len;
	bool recover;
	bool legacy;
	uint64_t expected; /* the SEQ the next record must carry */
	size_t pending;    /* damaged lines since the last record that checked out */
	sd_journal_visit visit;
	void *ctx;
	sd_journal_report *report;
	sc_diag *diag;
} replay;

static unsigned line_number(const replay *r, size_t offset)
{
	unsigned line = 1;
	for (const char *p = r->text;
	     (p = memchr(p, '\n', (size_t)(r->text + offset - p))); p++)
		line++;
	return line;
}

/* Damage at offset: an error, or with recover a line skipped (0). */
static int damage(replay *r, size_t offset, const char *why)
{
	if (r->recover) {
		r->report->damaged++;
		return 0;
	}
	return sc_diag_error(r->diag, r->path, line_number(r, offset), 0,
	                     "the journal is damaged at byte %zu: %s; it was left as it "
	                     "is (start with --recover to go on with the records that "
	                     "check out)",
	                     offset, why);
}

/* The one JSON object that is the whole of text, or NULL (nothing may trail it). */
static cJSON *parse_whole(const char *text, size_t len)
{
	const char *end = NULL;
	cJSON *value = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (value && (!cJSON_IsObject(value) || end != text + len)) {
		cJSON_Delete(value);
		value = NULL;
	}
	return value;
}

static int apply(replay *r, const char *json, size_t len, size_t offset)
{
	cJSON *record = parse_whole(json, len);
	int rc = record ? r->visit(r->ctx, record) : -1;

	cJSON_Delete(record);
	if (rc == 0) {
		r->report->records++;
		return 0;
	}
	if (damage(r, offset, "the record is not understood"))
		return -1;
	r->report->lost++;
	return 0;
}

/* Format 1: a bare JSON object. */
static int take_legacy(replay *r, const char *line, size_t len, size_t offset)
{
	return apply(r, line, len, offset);
}

/* Format 2: "CRC SEQ JSON", the SEQ one past the last record's. */
static int take_record(replay *r, const char *line, size_t len, size_t offset)
{
	uint64_t seq;
	const char *json, *why;
	size_t json_len;
	char text[128];

	if (sd_journal_unframe(line, len, &seq, &json, &json_len, &why)) {
		if (damage(r, offset, why))
			return -1;
		r->pending++;
		return 0;
	}
	if (seq < r->expected) {
		snprintf(text, sizeof(text),
		         "record %" PRIu64 " is out of order (%" PRIu64 " expected)", seq,
		         r->expected);
		return damage(r, offset, text);
	}
	if (seq > r->expected && !r->recover) {
		snprintf(text, sizeof(text),
		         "records %" PRIu64 " to %" PRIu64 " are missing before it",
		         r->expected, seq - 1);
		return damage(r, offset, text);
	}
	/* The gap counts the records lost, whatever the damaged lines held. */
	r->report->lost += seq - r->expected;
	r->pending = 0;
	r->expected = seq + 1;
	return apply(r, json, json_len, offset);
}

static int take_line(replay *r, const char *line, size_t len, size_t offset)
{
	return r->legacy ? take_legacy(r, line, len, offset)
	                 : take_record(r, line, len, offset);
}

/* A record cut by a crash: what a record holds, no newline, no control byte. */
static bool torn_shape(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)text[i] < 0x20)
			return false;
	}
	return true;
}

static bool whole_record(const replay *r, const char *text, size_t len)
{
	uint64_t seq;
	const char *json, *why;
	size_t json_len;

	if (!r->legacy)
		return sd_journal_unframe(text, len, &seq, &json, &json_len, &why) == 0;
	cJSON *record = parse_whole(text, len);
	bool whole = record != NULL;
	cJSON_Delete(record);
	return whole;
}

/* The bytes after the last newline. */
static int take_tail(replay *r, size_t offset)
{
	const char *text = r->text + offset;
	size_t len = r->len - offset;

	if (whole_record(r, text, len))
		return take_line(r, text, len, offset);
	if (torn_shape(text, len)) {
		r->report->torn = true;
		return 0;
	}
	if (damage(r, offset, "the last line is neither a record nor a torn write"))
		return -1;
	if (r->legacy)
		r->report->lost++;
	else
		r->pending++;
	return 0;
}

/* Decides the format from the first line; *pos gets where records start. */
static int take_header(replay *r, size_t *pos)
{
	size_t magic = strlen(SD_JOURNAL_MAGIC);
	const char *nl = memchr(r->text, '\n', r->len);
	size_t first = nl ? (size_t)(nl - r->text) : r->len;

	*pos = nl ? first + 1 : r->len;
	if (r->len == 0 || r->text[0] == '{') {
		*pos = 0;
		r->legacy = r->report->legacy = r->len > 0;
		return 0;
	}
	if (first == magic && !memcmp(r->text, SD_JOURNAL_MAGIC, magic))
		return 0;
	if (!nl && first < magic && !memcmp(r->text, SD_JOURNAL_MAGIC, first)) {
		r->report->torn = true;
		return 0;
	}
	return damage(r, 0,
	              "the first line is not the journal header '" SD_JOURNAL_MAGIC "'");
}

static int replay_text(replay *r)
{
	size_t pos;

	if (take_header(r, &pos))
		return -1;
	while (pos < r->len) {
		const char *nl = memchr(r->text + pos, '\n', r->len - pos);
		if (!nl)
			return take_tail(r, pos);
		size_t end = (size_t)(nl - r->text);
		if (take_line(r, r->text + pos, end - pos, pos))
			return -1;
		pos = end + 1;
	}
	return 0;
}

/* The whole file, never through a symbolic link; 1 when there is none. */
static int read_journal(const char *path, sc_buf *out, sc_diag *diag)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	char chunk[65536];
	ssize_t got;

	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0 && errno == ELOOP)
		return sc_diag_error(diag, path, 0, 0,
		                     "the journal is a symbolic link: give the path of "
		                     "the file itself (or of its directory) to --data");
	if (fd < 0)
		return sc_diag_error(diag, path, 0, 0, "cannot open the journal: %s",
		                     strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return sc_diag_error(diag, path, 0, 0,
		                     "the journal is not a regular file");
	}
	while ((got = read(fd, chunk, sizeof(chunk))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = errno;
			close(fd);
			return sc_diag_error(diag, path, 0, 0,
			                     "cannot read the journal: %s",
			                     strerror(err));
		}
		sc_buf_put(out, chunk, (size_t)got);
	}
	close(fd);
	return 0;
}

int sd_journal_replay(const char *path, bool recover, sd_journal_visit visit, void *ctx,
                      sd_journal_report *report, sc_diag *diag)
{
	sc_buf text = SC_BUF_INIT;
	replay r = {path, NULL, 0, recover, false, 1, 0, visit, ctx, report, diag};

	memset(report, 0, sizeof(*report));
	int rc = read_journal(path, &text, diag);
	if (rc) {
		sc_buf_release(&text);
		return rc > 0 ? 0 : -1;
	}
	r.text = sc_buf_cstr(&text);
	r.len = text.len;
	rc = replay_text(&r);
	report->lost += r.pending;
	if (rc == 0 && (report->damaged || report->lost))
		rc = sd_journal_keep_aside(path, r.text, r.len, &report->aside, diag);
	sc_buf_release(&text);
	return rc;
}
