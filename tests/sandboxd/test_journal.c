/*
 * sc-sandboxd --data against a hostile world: a damaged journal stops the
 * start (naming the file and the byte) and is left as it is; --recover
 * goes on with what checks out and says what was lost; a journal from
 * before checksums is still read; links planted next to the journal are
 * never followed.
 */
#include "sdtest.h"

#include <signal.h>
#include <sys/stat.h>

#include "sandboxd/private/journal.h"

#define SANDBOXES 60

/* A journal at DIR/state.journal with SANDBOXES sandboxes, the server stopped. */
static int make_journal(test_sandboxd *sd, char *data, size_t size)
{
	if (test_sandboxd_start(sd, NULL))
		return -1;
	snprintf(data, size, "%s/state.journal", sd->dir);
	test_sandboxd_stop(sd);
	const char *args[] = {"--data", data, NULL};
	if (test_sandboxd_restart(sd, args))
		return -1;
	for (int i = 0; i < SANDBOXES; i++)
		free(sdt_create(sd, "{\"metadata\":{\"set\":\"j\"},\"timeout\":3600}"));
	return test_sandboxd_stop(sd);
}

/* Runs sc-sandboxd on data until it exits (it should not start); its log, malloc'd. */
static char *failed_start(const test_sandboxd *sd, const char *data, int *exit_status)
{
	test_process p;
	char log[4300];
	snprintf(log, sizeof(log), "%s/refused.log", sd->dir);
	const char *argv[] = {SC_SANDBOXD_BIN, "--no-auth", "--listen", "127.0.0.1:0",
	                      "--data",        data,        NULL};
	*exit_status = -1;
	if (test_process_start(&p, argv, NULL, NULL, log, log))
		return NULL;
	if (test_process_wait(&p, 20000))
		test_process_stop(&p, SIGTERM, 5000);
	*exit_status = p.exit_status;
	return test_read_file(log);
}

/* The byte where the line holding offset starts. */
static size_t line_start(const char *text, size_t offset)
{
	while (offset > 0 && text[offset - 1] != '\n')
		offset--;
	return offset;
}

static int write_bytes(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(data, 1, len, f);
	return fclose(f) == 0 && n == len ? 0 : -1;
}

/*
 * A way to damage a journal in the middle (at): changes text, maybe *len,
 * and returns the byte where the damage must be reported.
 */
typedef size_t (*damage_fn)(char *text, size_t *len, size_t at);

/* Damages data by fn, checks the refusal; returns the damaged text (malloc'd). */
static char *damage_and_refuse(test_sandboxd *sd, const char *data, damage_fn fn)
{
	char *text = test_read_file(data);
	if (!text) {
		TEST_FAILURE("no journal at %s", data);
		return NULL;
	}
	size_t len = strlen(text);
	size_t start = fn(text, &len, len / 2);
	write_bytes(data, text, len);

	int status;
	char *log = failed_start(sd, data, &status);
	CHECK_INT(status, 1);
	char expected[4400];
	snprintf(expected, sizeof(expected), "%s:", data);
	CHECK_CONTAINS(log, expected); /* the file */
	snprintf(expected, sizeof(expected), "damaged at byte %zu:", start);
	CHECK_CONTAINS(log, expected); /* the offset */
	CHECK_CONTAINS(log, "--recover");
	free(log);
	/* Left as it is, byte for byte. */
	char after[1 << 18];
	FILE *f = fopen(data, "rb");
	size_t got = f ? fread(after, 1, sizeof(after), f) : 0;
	if (f)
		fclose(f);
	CHECK(got == len && !memcmp(after, text, len));
	return text;
}

static size_t flip_four(char *text, size_t *len, size_t at)
{
	(void)len;
	for (size_t i = 0; i < 4; i++)
		text[at + i] ^= 0x01;
	return line_start(text, at);
}

static size_t zero_4k(char *text, size_t *len, size_t at)
{
	memset(text + at, 0, *len - at < 4096 ? *len - at : 4096);
	return line_start(text, at);
}

/* Drops the whole line after the one holding at: the one after it is reported. */
static size_t drop_line(char *text, size_t *len, size_t at)
{
	char *next = strchr(text + at, '\n') + 1;
	char *after = strchr(next, '\n') + 1;
	memmove(next, after, (size_t)(text + *len - after) + 1);
	*len -= (size_t)(after - next);
	return (size_t)(next - text);
}

/* The number before " record" in "...; N records lost" of a --recover warning. */
static long lost_count(const char *log)
{
	const char *p = log ? strstr(log, "check out; ") : NULL;
	return p ? strtol(p + 11, NULL, 10) : -1;
}

TEST(flipped_bytes_stop_the_start_and_recover_keeps_the_rest)
{
	test_sandboxd sd;
	char data[4200];
	CHECK_INT(make_journal(&sd, data, sizeof(data)), 0);
	char *damaged = damage_and_refuse(&sd, data, flip_four);

	const char *args[] = {"--data", data, "--recover", NULL};
	CHECK_INT(test_sandboxd_restart(&sd, args), 0);
	int listed = sdt_list_all(&sd, "metadata[set]=j", 100, NULL);
	char log_path[4300];
	snprintf(log_path, sizeof(log_path), "%s/sandboxd.log", sd.dir);
	char *log = test_read_file(log_path);
	CHECK_CONTAINS(log, "the journal was damaged");
	long lost = lost_count(log);
	CHECK(lost >= 1);
	CHECK_INT(listed + lost, SANDBOXES);
	/* The damaged file is kept aside, as it was. */
	const char *kept = log ? strstr(log, "kept in '") : NULL;
	char aside[4400] = "";
	if (kept)
		sscanf(kept + 9, "%4399[^']", aside);
	char *copy = test_read_file(aside);
	CHECK(copy && damaged && !strcmp(copy, damaged));
	free(copy);
	free(log);
	/* The journal is whole again: a plain restart keeps the same sandboxes. */
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	const char *plain[] = {"--data", data, NULL};
	CHECK_INT(test_sandboxd_restart(&sd, plain), 0);
	CHECK_INT(sdt_list_all(&sd, "metadata[set]=j", 100, NULL), listed);
	test_sandboxd_release(&sd);
	free(damaged);
}

TEST(zeroed_block_stops_the_start)
{
	test_sandboxd sd;
	char data[4200];
	CHECK_INT(make_journal(&sd, data, sizeof(data)), 0);
	free(damage_and_refuse(&sd, data, zero_4k));

	const char *args[] = {"--data", data, "--recover", NULL};
	CHECK_INT(test_sandboxd_restart(&sd, args), 0);
	int listed = sdt_list_all(&sd, "metadata[set]=j", 100, NULL);
	char log_path[4300];
	snprintf(log_path, sizeof(log_path), "%s/sandboxd.log", sd.dir);
	char *log = test_read_file(log_path);
	long lost = lost_count(log);
	CHECK(lost >= 1);
	CHECK(listed >= 1);
	CHECK_INT(listed + lost, SANDBOXES);
	free(log);
	test_sandboxd_release(&sd);
}

TEST(a_missing_record_stops_the_start)
{
	test_sandboxd sd;
	char data[4200];
	CHECK_INT(make_journal(&sd, data, sizeof(data)), 0);
	char *text = test_read_file(data);
	size_t len = text ? strlen(text) : 0;
	free(text);
	/* Every line that is left checks out; one whole record is gone. */
	free(damage_and_refuse(&sd, data, drop_line));
	text = test_read_file(data);
	CHECK(text && strlen(text) < len);
	free(text);
	int status;
	char *log = failed_start(&sd, data, &status);
	CHECK_CONTAINS(log, "missing");
	free(log);
	test_sandboxd_release(&sd);
}

TEST(journal_without_checksums_is_read)
{
	test_sandboxd sd;
	char data[4200];
	SDT_START(sd, "--log-requests");
	snprintf(data, sizeof(data), "%s/old.journal", sd.dir);
	test_sandboxd_stop(&sd);
	const char *put =
	    "{\"op\":\"put\",\"sandbox\":{\"sandboxID\":\"sandbox_0123456789abcdef\","
	    "\"templateID\":\"tpl-base-7f3a9c\",\"metadata\":{\"set\":\"old\"},"
	    "\"state\":\"running\",\"startedAt\":\"2026-01-01T00:00:00.000Z\","
	    "\"activatedAt\":\"2026-01-01T00:00:00.000Z\","
	    "\"endAt\":\"2099-01-01T00:00:00.000Z\"}}\n";
	char *old = sc_asprintf("{\"op\":\"clock\",\"offsetMs\":0}\n%s", put);
	CHECK_INT(test_write_file(data, old), 0);
	const char *args[] = {"--data", data, NULL};
	CHECK_INT(test_sandboxd_restart(&sd, args), 0);
	CHECK_INT(sdt_status(&sd, "GET", "/sandboxes/sandbox_0123456789abcdef", NULL),
	          200);
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	char *now = test_read_file(data);
	CHECK(now && !strncmp(now, "sc-sandboxd-journal 2\n",
	                      22)); /* rewritten with checksums */
	free(now);

	/* A line of such a journal that is not a record is damage too. */
	char *bad =
	    sc_asprintf("{\"op\":\"clock\",\"offsetMs\":0}\n{\"op\":\"pu\n%s", put);
	CHECK_INT(test_write_file(data, bad), 0);
	int status;
	char *log = failed_start(&sd, data, &status);
	CHECK_INT(status, 1);
	CHECK_CONTAINS(log, "damaged at byte 28:");
	free(log);
	free(old);
	free(bad);
	test_sandboxd_release(&sd);
}

/* A file with known bytes, to see that nothing wrote through a link to it. */
static void plant_victim(const char *path)
{
	test_write_file(path, "precious\n");
}

TEST(links_planted_next_to_the_journal_are_not_followed)
{
	test_sandboxd sd;
	char data[4200], tmp[4300], victim[4300], lock[4300], created[4300];
	SDT_START(sd, "--log-requests");
	test_sandboxd_stop(&sd);
	snprintf(data, sizeof(data), "%s/state.journal", sd.dir);
	snprintf(victim, sizeof(victim), "%s/victim", sd.dir);
	plant_victim(victim);

	/* The temp file of the compaction at start: never through a link. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", data);
	CHECK_INT(symlink(victim, tmp), 0);
	const char *args[] = {"--data", data, NULL};
	CHECK_INT(test_sandboxd_restart(&sd, args), 0);
	free(sdt_create(&sd, NULL));
	CHECK_INT(test_sandboxd_stop(&sd), 0);
	char *text = test_read_file(victim);
	CHECK_STR(text, "precious\n");
	free(text);
	struct stat st;
	CHECK(lstat(data, &st) == 0 && S_ISREG(st.st_mode));

	/* The lock file: a planted link is refused, and creates nothing. */
	snprintf(lock, sizeof(lock), "%s.lock", data);
	snprintf(created, sizeof(created), "%s/created-through-link", sd.dir);
	unlink(lock);
	CHECK_INT(symlink(created, lock), 0);
	int status;
	char *log = failed_start(&sd, data, &status);
	CHECK_INT(status, 1);
	CHECK_CONTAINS(log, "symbolic link");
	free(log);
	CHECK(access(created, F_OK) != 0);
	unlink(lock);

	/* The journal itself a link: refused, the file it points to untouched. */
	char real[4300];
	snprintf(real, sizeof(real), "%s/real.journal", sd.dir);
	CHECK_INT(rename(data, real), 0);
	CHECK_INT(symlink(real, data), 0);
	char *before = test_read_file(real);
	log = failed_start(&sd, data, &status);
	CHECK_INT(status, 1);
	CHECK_CONTAINS(log, "the journal is a symbolic link");
	free(log);
	char *after = test_read_file(real);
	CHECK(before && after && !strcmp(before, after));
	CHECK(lstat(data, &st) == 0 && S_ISLNK(st.st_mode));
	free(before);
	free(after);
	test_sandboxd_release(&sd);
}

TEST(recover_needs_a_journal)
{
	char *dir = test_make_temp_dir("sd-recover");
	char log[4300];
	test_process p;
	snprintf(log, sizeof(log), "%s/log", dir);
	const char *argv[] = {SC_SANDBOXD_BIN, "--no-auth", "--listen",
	                      "127.0.0.1:0",   "--recover", NULL};
	CHECK_INT(test_process_start(&p, argv, NULL, NULL, log, log), 0);
	if (test_process_wait(&p, 20000))
		test_process_stop(&p, SIGTERM, 5000);
	CHECK_INT(p.exit_status, 64);
	char *text = test_read_file(log);
	CHECK_CONTAINS(text, "--recover: there is no journal to recover without --data");
	free(text);
	test_rmtree(dir);
	free(dir);
}

/* The replay rules, on the library: records counted by a visitor. */

static int count_record(void *ctx, const cJSON *record)
{
	(*(int *)ctx)++;
	return cJSON_GetObjectItemCaseSensitive(record, "op") ? 0 : -1;
}

typedef struct replayed {
	int rc, records;
	sd_journal_report report;
	char *error; /* the first diagnostic, formatted */
} replayed;

static void replay_bytes(replayed *out, const char *dir, const sc_buf *text, bool recover)
{
	char *path = sc_asprintf("%s/unit.journal", dir);
	sc_diag diag = SC_DIAG_INIT;
	write_bytes(path, text->data ? text->data : "", text->len);
	out->records = 0;
	out->rc = sd_journal_replay(path, recover, count_record, &out->records,
	                            &out->report, &diag);
	out->error = diag.count ? sc_diag_format(&diag.entries[0]) : strdup("");
	sc_diag_release(&diag);
	free(path);
}

static void replayed_release(replayed *r)
{
	if (r->report.aside)
		unlink(r->report.aside);
	sd_journal_report_release(&r->report);
	free(r->error);
}

/* The header and records SEQ first..last ({"op":"n"}), skipping skip (0: none). */
static void framed(sc_buf *out, int first, int last, int skip)
{
	sc_buf_reset(out);
	sc_buf_puts(out, SD_JOURNAL_MAGIC "\n");
	for (int seq = first; seq <= last; seq++) {
		if (seq != skip)
			sd_journal_frame(out, (uint64_t)seq, "{\"op\":\"n\"}", 10);
	}
}

TEST(replay_tells_a_torn_write_from_damage)
{
	char *dir = test_make_temp_dir("sd-journal-unit");
	sc_buf text = SC_BUF_INIT;
	replayed r;

	/* A torn last record: dropped, silently. */
	framed(&text, 1, 3, 0);
	sc_buf_puts(&text, "0a1b2c3d 4 {\"op\":\"n");
	replay_bytes(&r, dir, &text, false);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.records, 3);
	CHECK(r.report.torn);
	replayed_release(&r);

	/* A last record that is whole but lacks its newline: kept. */
	framed(&text, 1, 3, 0);
	text.data[--text.len] = '\0';
	replay_bytes(&r, dir, &text, false);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.records, 3);
	CHECK(!r.report.torn);
	replayed_release(&r);

	/* NUL bytes at the end are no torn write. */
	framed(&text, 1, 2, 0);
	size_t tail = text.len;
	sc_buf_put(&text, "\0\0\0\0", 4);
	replay_bytes(&r, dir, &text, false);
	CHECK_INT(r.rc, -1);
	char expected[64];
	snprintf(expected, sizeof(expected), "damaged at byte %zu:", tail);
	CHECK_CONTAINS(r.error, expected);
	replayed_release(&r);

	/* A checksum that does not match, in the middle. */
	framed(&text, 1, 3, 0);
	char *second = strchr(strchr(text.data, '\n') + 1, '\n') + 1;
	second[0] = second[0] == '0' ? '1' : '0';
	replay_bytes(&r, dir, &text, false);
	CHECK_INT(r.rc, -1);
	CHECK_CONTAINS(r.error, "checksum mismatch");
	CHECK_CONTAINS(r.error, "unit.journal:3:");
	replayed_release(&r);

	/* ... with recover: exactly that record lost, the file copied aside. */
	replay_bytes(&r, dir, &text, true);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.records, 2);
	CHECK_INT(r.report.lost, 1);
	CHECK_INT(r.report.damaged, 1);
	CHECK(r.report.aside && access(r.report.aside, F_OK) == 0);
	replayed_release(&r);

	/* A record missing whole: the sequence has a gap. */
	framed(&text, 1, 5, 3);
	replay_bytes(&r, dir, &text, false);
	CHECK_INT(r.rc, -1);
	CHECK_CONTAINS(r.error, "records 3 to 3 are missing");
	replayed_release(&r);
	replay_bytes(&r, dir, &text, true);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.records, 4);
	CHECK_INT(r.report.lost, 1);
	replayed_release(&r);

	/* Bytes after a record on its line, in a journal without checksums. */
	static const char legacy[] =
	    "{\"op\":\"n\"}\n{\"op\":\"n\"}\0\0\n{\"op\":\"n\"}\n";
	sc_buf_reset(&text);
	sc_buf_put(&text, legacy, sizeof(legacy) - 1);
	replay_bytes(&r, dir, &text, false);
	CHECK_INT(r.rc, -1);
	CHECK_CONTAINS(r.error, "damaged at byte 11:");
	replayed_release(&r);

	/* The header alone, and an empty file: no records. */
	framed(&text, 1, 0, 0);
	replay_bytes(&r, dir, &text, false);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.records, 0);
	replayed_release(&r);
	sc_buf_reset(&text);
	replay_bytes(&r, dir, &text, false);
	CHECK_INT(r.rc, 0);
	CHECK_INT(r.records, 0);
	replayed_release(&r);

	sc_buf_release(&text);
	test_rmtree(dir);
	free(dir);
}

int main(void)
{
	RUN(replay_tells_a_torn_write_from_damage);
	RUN(flipped_bytes_stop_the_start_and_recover_keeps_the_rest);
	RUN(zeroed_block_stops_the_start);
	RUN(a_missing_record_stops_the_start);
	RUN(journal_without_checksums_is_read);
	RUN(links_planted_next_to_the_journal_are_not_followed);
	RUN(recover_needs_a_journal);
	return test_summary();
}
