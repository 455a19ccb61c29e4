#include "sandboxd/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/mem.h"

static void replay_lines(char *text, sd_journal_visit visit, void *ctx)
{
	char *line = text;
	while (*line) {
		char *end = strchr(line, '\n');
		if (!end)
			break; /* a torn last line: the write was never acknowledged */
		*end = '\0';
		cJSON *record = cJSON_Parse(line);
		if (record)
			visit(ctx, record);
		cJSON_Delete(record);
		line = end + 1;
	}
}

int sd_journal_replay(const char *path, sd_journal_visit visit, void *ctx, sc_diag *diag)
{
	FILE *f = fopen(path, "rb");
	sc_buf text = SC_BUF_INIT;
	char chunk[65536];
	size_t got;

	if (!f) {
		if (errno == ENOENT)
			return 0;
		return sc_diag_error(diag, path, 0, 0, "cannot open the journal: %s",
		                     strerror(errno));
	}
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sc_buf_put(&text, chunk, got);
	int failed = ferror(f);
	fclose(f);
	if (failed) {
		sc_buf_release(&text);
		return sc_diag_error(diag, path, 0, 0, "cannot read the journal");
	}
	replay_lines((char *)sc_buf_cstr(&text), visit, ctx);
	sc_buf_release(&text);
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int sd_journal_rewrite(sd_journal *journal, const char *path, const sc_buf *contents,
                       sc_diag *diag)
{
	char *tmp = sc_asprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write_all(fd, sc_buf_cstr(contents), contents->len) || fsync(fd) ||
	    rename(tmp, path)) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		free(tmp);
		return sc_diag_error(diag, path, 0, 0, "cannot write the journal: %s",
		                     strerror(err));
	}
	close(fd);
	free(tmp);
	if (journal->fd >= 0)
		close(journal->fd);
	journal->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (journal->fd < 0)
		return sc_diag_error(diag, path, 0, 0, "cannot open the journal: %s",
		                     strerror(errno));
	if (journal->path != path) {
		free(journal->path);
		journal->path = sc_strdup(path);
	}
	journal->records = 0;
	return 0;
}

int sd_journal_append(sd_journal *journal, const char *line, size_t len)
{
	struct iovec parts[2] = {{(void *)line, len}, {"\n", 1}};
	size_t total = len + 1;
	ssize_t n;

	if (journal->fd < 0)
		return -1;
	do
		n = writev(journal->fd, parts, 2);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	if ((size_t)n < total) {
		/* A short write: finish the line byte-wise. */
		size_t done = (size_t)n;
		if (done < len && write_all(journal->fd, line + done, len - done))
			return -1;
		if (write_all(journal->fd, "\n", 1))
			return -1;
	}
	journal->records++;
	return 0;
}

int sd_journal_lock(sd_journal *journal, const char *path, sc_diag *diag)
{
	char *lock_path = sc_asprintf("%s.lock", path);
	int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	int rc = 0;

	if (fd < 0)
		rc = sc_diag_error(diag, lock_path, 0, 0,
		                   "cannot open the journal lock: %s", strerror(errno));
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
