#include "sandboxd/private/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "common/mem.h"

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int pwrite_all(int fd, const char *data, size_t len, off_t at)
{
	while (len) {
		ssize_t n = pwrite(fd, data, len, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
		at += n;
	}
	return 0;
}

/* Makes a rename in the directory of path durable; best effort. */
static void sync_directory(const char *path)
{
	char *copy = sc_strdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

/* The header, then each line of contents framed with its SEQ from 1. */
static uint64_t frame_all(sc_buf *out, const sc_buf *contents)
{
	const char *line = sc_buf_cstr(contents);
	uint64_t seq = 0;

	sc_buf_puts(out, SD_JOURNAL_MAGIC "\n");
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		if (len)
			sd_journal_frame(out, ++seq, line, len);
		line += len + (end != NULL);
	}
	return seq;
}

int sd_journal_rewrite(sd_journal *journal, const char *path, const sc_buf *contents,
                       sc_diag *diag)
{
	sc_buf framed = SC_BUF_INIT;
	uint64_t last = frame_all(&framed, contents);
	/* A fresh name, created exclusively: nothing planted there is followed. */
	char *tmp = sc_asprintf("%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp), err = 0;

	if (fd < 0)
		err = errno;
	else if (fcntl(fd, F_SETFD, FD_CLOEXEC) ||
	         write_all(fd, framed.data, framed.len) || fsync(fd) || rename(tmp, path))
		err = errno ? errno : EIO;
	if (err) {
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		sc_buf_release(&framed);
		return sc_diag_error(diag, path, 0, 0, "cannot write the journal: %s",
		                     strerror(err));
	}
	free(tmp);
	sync_directory(path);
	if (journal->fd >= 0)
		close(journal->fd);
	journal->fd = fd;
	journal->size = (off_t)framed.len;
	journal->next_seq = last + 1;
	journal->records = 0;
	journal->dirty = false;
	journal->error = 0;
	if (journal->path != path) {
		free(journal->path);
		journal->path = sc_strdup(path);
	}
	sc_buf_release(&framed);
	return 0;
}

int sd_journal_append(sd_journal *journal, const char *json, size_t len)
{
	sc_buf line = SC_BUF_INIT;
	int rc = -1;

	if (journal->fd < 0) {
		journal->error = EBADF;
		return -1;
	}
	/* Bytes of an append that failed half-way must go before the next record. */
	if (journal->dirty && ftruncate(journal->fd, journal->size)) {
		journal->error = errno;
		return -1;
	}
	journal->dirty = false;
	sd_journal_frame(&line, journal->next_seq, json, len);
	if (pwrite_all(journal->fd, line.data, line.len, journal->size)) {
		journal->error = errno ? errno : EIO;
		journal->dirty = ftruncate(journal->fd, journal->size) != 0;
	} else {
		journal->size += (off_t)line.len;
		journal->next_seq++;
		journal->records++;
		journal->error = 0;
		rc = 0;
	}
	sc_buf_release(&line);
	return rc;
}

int sd_journal_keep_aside(const char *path, const char *text, size_t len, char **out,
                          sc_diag *diag)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (int i = 0; i < 1000; i++) {
		char *aside = i ? sc_asprintf("%s.damaged-%s.%d", path, stamp, i)
		                : sc_asprintf("%s.damaged-%s", path, stamp);
		int fd = open(aside, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		              0600);
		if (fd < 0 && errno == EEXIST) {
			free(aside);
			continue;
		}
		int err = fd < 0 ? errno : 0;
		if (!err && (write_all(fd, text, len) || fsync(fd)))
			err = errno ? errno : EIO;
		if (fd >= 0 && close(fd) && !err)
			err = errno;
		if (err) {
			if (fd >= 0)
				unlink(aside);
			sc_diag_error(diag, aside, 0, 0,
			              "cannot keep the damaged journal aside: %s",
			              strerror(err));
			free(aside);
			return -1;
		}
		*out = aside;
		return 0;
	}
	return sc_diag_error(diag, path, 0, 0,
	                     "cannot keep the damaged journal aside: too many copies");
}

int sd_journal_lock(sd_journal *journal, const char *path, sc_diag *diag)
{
	char *lock_path = sc_asprintf("%s.lock", path);
	int fd = open(lock_path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = 0;

	if (fd < 0)
		rc = sc_diag_error(diag, lock_path, 0, 0,
		                   "cannot open the journal lock: %s%s", strerror(errno),
		                   errno == ELOOP ? " (a symbolic link is never followed)"
		                                  : "");
	else if (flock(fd, LOCK_EX | LOCK_NB))
		rc = sc_diag_error(diag, path, 0, 0,
		                   "the journal is in use by another sc-sandboxd");
	if (rc && fd >= 0)
		close(fd);
	else if (!rc)
		journal->lock_fd = fd;
	free(lock_path);
	return rc;
}

void sd_journal_close(sd_journal *journal)
{
	if (journal->fd >= 0)
		close(journal->fd);
	journal->fd = -1;
	if (journal->lock_fd >= 0)
		close(journal->lock_fd);
	journal->lock_fd = -1;
	free(journal->path);
	journal->path = NULL;
}

void sd_journal_report_release(sd_journal_report *report)
{
	free(report->aside);
	memset(report, 0, sizeof(*report));
}
